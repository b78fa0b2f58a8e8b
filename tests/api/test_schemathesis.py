"""Schemathesis against the real service: every operation, valid and invalid inputs, every check.

It starts the live server with the public record loaded and runs the schemathesis command line on
/api/openapi.json, as CI would against a deployment. Exit 0 means no server error, no undocumented
status code, no answer that breaks its schema, and invalid input rejected.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.public.seed import seed_unpublished

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing_wrong_with_the_api(live_server, tmp_path, settings):
    # The fuzzer is a flood by design: lift the per-address limit for it (0 turns it off), as an
    # operator would for a trusted checker. tests/common/test_security.py tests the limit itself.
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    # The seeded set gives the server complaints in more states to answer about.
    seed_unpublished()
    assert SCHEMATHESIS.exists(), f"{SCHEMATHESIS} is missing: run `make install-dev`."

    completed = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/openapi.json",
            "--url",
            live_server.url,
            "--checks",
            "all",
            "--max-examples",
            "20",
            "--seed",
            "20190531",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "10",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=180,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert "4 selected / 4 total" in completed.stdout
    assert "No issues found" in completed.stdout
