"""Two sweeps at once, each in its own database connection, send every message exactly once."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from outbox import services as outbox
from outbox.models import Message, MessageState
from tests.outbox.smtp_server import SMTPServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real row locks and two connections; SQLite's test database is one shared file",
    ),
]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_two_sweeps_started_at_once_send_each_message_once():
    # The dummy backend only records the worker being asked, so every message waits for a sweep.
    with transaction.atomic():
        for n in range(20):
            outbox.enqueue_message(
                to=[f"person{n}@example.org"],
                subject=f"Message {n}",
                template="complaints/letters/email.txt",
                context={"reference": "SC-2026-001", "text": "text"},
                dedupe_key=f"concurrent:{n}",
            )
    assert Message.objects.filter(state=MessageState.QUEUED).count() == 20

    # Each message takes the server a moment, so the two sweeps overlap over the same due rows.
    with SMTPServer(refusing=False, delay=0.05) as server, override_settings(**server.settings()):
        start = threading.Barrier(2)
        results, errors = [], []

        def sweep():
            try:
                start.wait()
                results.append(outbox.send_due_messages())
            except Exception as error:  # surfaced below, not lost in the thread
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert len(results) == 2
    assert sum(r.sent for r in results) == 20
    recipients = sorted(to[0] for _sender, to, _message in server.received)
    assert recipients == sorted(f"person{n}@example.org" for n in range(20))
    assert Message.objects.filter(state=MessageState.SENT, attempts=1).count() == 20
