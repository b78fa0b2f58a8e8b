"""Who is acting, and in which request, for the audit trail.

The request middleware sets these for the length of a request; management commands and the task
worker set them with ``acting_as``. Services read them when they record an event.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    """The person (or the system) doing something. ``user`` is None for the system or the public."""

    user: Any = None
    label: str = "system"
    organisation_id: int | None = None
    organisation_label: str = ""


SYSTEM = Actor()

_actor: contextvars.ContextVar[Actor | Callable[[], Actor]] = contextvars.ContextVar(
    "audit_actor", default=SYSTEM
)
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("audit_request_id", default="")


def current_actor() -> Actor:
    """The actor in context. A request's actor is resolved on first use, then kept."""
    actor = _actor.get()
    if callable(actor):
        actor = actor()
        _actor.set(actor)
    return actor


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def acting_as(
    actor: Actor | Callable[[], Actor], request_id: str | None = None
) -> Iterator[Actor | Callable[[], Actor]]:
    """Set the actor (and a request id) for everything recorded inside the block."""
    actor_token = _actor.set(actor)
    request_token = _request_id.set(request_id or new_request_id())
    try:
        yield actor
    finally:
        _actor.reset(actor_token)
        _request_id.reset(request_token)
