"""The outbox's work in the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from outbox import services


@task()
def deliver_message(message_id: int) -> str:
    """Deliver one message from the outbox; returns the state it ended in."""
    message = services.deliver(message_id)
    return message.state if message is not None else "not taken"
