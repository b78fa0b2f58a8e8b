"""The fault drill (bench/drill_faults.py) with real processes: a mail server that refuses, then a
task worker killed with SIGKILL while the mail server holds it mid-send. Each message stays in the
outbox, is retried, and arrives exactly once."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# The drill builds and serves its own SQLite database whatever DATABASE_URL names.
@pytest.mark.slow
@pytest.mark.own_database
def test_a_refusing_mail_server_and_a_killed_worker_lose_no_message_and_send_none_twice():
    result = subprocess.run(
        [sys.executable, "bench/drill_faults.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    refused, killed = (json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))
    assert refused["while_refused"]["state"] == "retrying"
    assert refused["while_refused"]["error"].startswith('"SMTPConnectError: (554')
    assert (refused["after"]["state"], refused["copies_received"]) == ("sent", 1)
    assert killed["left_by_killed_worker"] == "sending"
    assert killed["send_outbox"][0].endswith("taken back from a stopped worker 1.")
    assert killed["send_outbox"][1].startswith("Sent 1,")
    assert (killed["after"]["state"], killed["copies_received"]) == ("sent", 1)
