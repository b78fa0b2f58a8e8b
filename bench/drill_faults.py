"""Reliability drill: the mail server refuses, and the task worker is killed mid-send.

    .venv/bin/python bench/drill_faults.py

Builds a service in a temporary folder (SQLite, migrated) that sends through a real SMTP server on
a loopback port (tests/outbox/smtp_server.py), and a real task worker (``manage.py db_worker``).

1. **The mail server refuses.** With the server answering 554, a message is written to the outbox
   and the worker tries it: it must stay in the outbox, waiting to retry, with the error recorded.
   Once the server accepts, ``manage.py send_outbox`` sends it, once.
2. **The worker is killed mid-send.** The server holds the worker at DATA (the message not yet
   sent); the worker process is killed with SIGKILL. The message is left "sending". After the lease
   (``OUTBOX_SENDING_LEASE_SECONDS``, 3 s here) ``send_outbox`` takes it back, and the next run
   sends it: one copy arrives.

Prints one JSON line per fault and exits 1 if any message was lost or sent twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from service import PYTHON, ROOT, manage, service_env

sys.path.insert(0, str(ROOT))
from tests.outbox.smtp_server import SMTPServer

ENQUEUE = """
from django.db import transaction
from outbox.services import enqueue_message
with transaction.atomic():
    enqueue_message(
        to=["team@example.org"], subject=SUBJECT, template="complaints/letters/email.txt",
        context={"reference": "SC-2026-001", "text": "A drill message."}, dedupe_key=SUBJECT,
    )
"""
STATE = """
from django.utils import timezone
from outbox.models import Message
m = Message.objects.get(dedupe_key=SUBJECT)
due_in = (m.next_attempt_at - timezone.now()).total_seconds() if m.next_attempt_at else 0
print(m.state, m.attempts, max(due_in, 0), repr(m.last_error))
"""


def _shell(env: dict[str, str], code: str, subject: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code.replace("SUBJECT", repr(subject)))


def _state(env: dict[str, str], subject: str) -> tuple[str, int, str]:
    state, attempts, _due_in, error = _shell(env, STATE, subject).split(" ", 3)
    return state, int(attempts), error


def _wait_until_due(env: dict[str, str], subject: str) -> None:
    """Sleep until the message's next attempt is due. The wait doubles with each attempt
    (``OUTBOX_RETRY_SECONDS`` is 1 here), and a loaded machine may let the worker try more than
    once, so the drill reads the row rather than assuming one attempt."""
    due_in = float(_shell(env, STATE, subject).split(" ", 3)[2])
    time.sleep(due_in + 0.2)


def _wait_state(
    env: dict[str, str], subject: str, wanted: set[str], seconds: float = 60
) -> tuple[str, int, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = _state(env, subject)
        if found[0] in wanted:
            return found
        time.sleep(0.5)
    raise RuntimeError(f"message {subject!r} never reached {wanted}; it is {found}")


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The real task worker, in a process group of its own: ``db_worker`` may run its work in a
    child process, so killing the worker means killing the whole group."""
    return subprocess.Popen(
        [PYTHON, "manage.py", "db_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill(worker: subprocess.Popen[bytes]) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def refused_then_accepted(env_for: Any) -> dict[str, Any]:
    subject = "Drill: the mail server refuses"
    with SMTPServer(refusing=True) as server:
        env = env_for(server)
        worker = _worker(env)
        try:
            _shell(env, ENQUEUE, subject)
            waiting = _wait_state(env, subject, {"retrying", "failed"})
        finally:
            _kill(worker)
        server.refusing = False
        _wait_until_due(env, subject)
        manage(env, "send_outbox")
        final = _state(env, subject)
        received = [m for _sender, _to, m in server.received if m["Subject"] == subject]
    return {
        "name": "drill_fault_mail_refused",
        "while_refused": {"state": waiting[0], "attempts": waiting[1], "error": waiting[2]},
        "after": {"state": final[0], "attempts": final[1]},
        "copies_received": len(received),
        "ok": waiting[0] == "retrying" and final[0] == "sent" and len(received) == 1,
    }


def worker_killed_mid_send(env_for: Any) -> dict[str, Any]:
    subject = "Drill: the worker is killed mid-send"
    with SMTPServer(refusing=False, stalled=True) as server:
        env = env_for(server)
        worker = _worker(env)
        _shell(env, ENQUEUE, subject)
        deadline = time.monotonic() + 60
        while server.stalled_senders == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        if server.stalled_senders == 0:
            _kill(worker)
            raise RuntimeError("the worker never reached the mail server")
        # The worker's claim committed before it opened the connection; read it before the kill.
        _wait_state(env, subject, {"sending"}, seconds=30)
        _kill(worker)
        left = _state(env, subject)
        server.release.set()
        time.sleep(3.5)  # the lease (3 s), counted from the claim, which came before the kill
        reclaimed = manage(env, "send_outbox")
        _wait_until_due(env, subject)
        sent = manage(env, "send_outbox")
        final = _state(env, subject)
        received = [m for _sender, _to, m in server.received if m["Subject"] == subject]
    return {
        "name": "drill_fault_worker_killed",
        "left_by_killed_worker": left[0],
        "send_outbox": [reclaimed, sent],
        "after": {"state": final[0], "attempts": final[1], "error_recorded": final[2]},
        "copies_received": len(received),
        "ok": left[0] == "sending" and final[0] == "sent" and len(received) == 1,
    }


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="drill-faults-") as tmp:
        folder = Path(tmp)
        base = service_env(folder, f"sqlite:///{folder / 'db.sqlite3'}")
        manage(base, "migrate", "--noinput", "-v", "0")

        def env_for(server: SMTPServer) -> dict[str, str]:
            return {
                **base,
                "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OUTBOX_RETRY_SECONDS": "1",
                "OUTBOX_SENDING_LEASE_SECONDS": "3",
            }

        results = [refused_then_accepted(env_for), worker_killed_mid_send(env_for)]
    for result in results:
        print(json.dumps(result))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
