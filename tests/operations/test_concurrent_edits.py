"""The concurrency drill (bench/drill_concurrency.py), on a database of the suite's kind: 100 pairs
of simultaneous saves of the same draft complaint and of the same progress report, each pair from
the same version. No update is lost, and every second writer is told."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_hundred_pairs_of_simultaneous_saves_lose_nothing():
    result = subprocess.run(
        [sys.executable, "bench/drill_concurrency.py", "--database", connection.vendor, "--pairs", "100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [
        (r["record"], r["pairs"], r["lost_updates"], r["second_writers_told"], r["errors"]) for r in lines
    ] == [
        ("draft super-complaint", 100, 0, 100, 0),
        ("progress report", 100, 0, 100, 0),
    ]
    assert lines[1]["messages"] == [
        "Someone else saved changes to this progress report after you opened this page. Your changes "
        "have not been saved yet: check the latest version below, then save again."
    ]
