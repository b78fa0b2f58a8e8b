"""What every complaint service shares: its errors, the row lock, the one state move, the
version check and the reference counter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext as _

from complaints.models import (
    ALLOWED_TRANSITIONS,
    ComplaintState,
    ReferenceCounter,
    SuperComplaint,
)

STATE_FIELDS = ["state", "version"]


class ComplaintError(Exception):
    """A change that the rules do not allow. The message is written for the person who asked."""


class InvalidTransition(ComplaintError):
    pass


class NotDesignated(ComplaintError):
    pass


class IncompleteComplaint(ComplaintError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


class StaleEdit(ComplaintError):
    pass


def _locked(complaint: SuperComplaint) -> SuperComplaint:
    return SuperComplaint.objects.select_for_update().get(pk=complaint.pk)


def _check_transition(complaint: SuperComplaint, target: ComplaintState) -> None:
    current = ComplaintState(complaint.state)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(
            _("A complaint that is “%(current)s” cannot become “%(target)s”.")
            % {"current": current.label, "target": target.label}
        )


def _move(complaint: SuperComplaint, target: ComplaintState, extra_fields: Iterable[str] = ()) -> None:
    complaint.state = target
    complaint.version += 1
    complaint.save(update_fields=[*STATE_FIELDS, *extra_fields, "updated_at"])


class Versioned(Protocol):
    version: int


def check_version(record: Versioned, expected_version: int | None, message: object = None) -> None:
    """Refuse a save made from a stale form: someone else saved first. ``record`` is anything with
    a version (a complaint, a progress report); ``message`` says what was refused, where the
    default (a complaint's changes not saved) does not fit."""
    if expected_version is not None and record.version != expected_version:
        if message is None:
            message = _(
                "Someone else saved changes to this complaint after you opened this page. "
                "Your changes have not been saved yet: check the latest version below, then save again."
            )
        raise StaleEdit(str(message))


# --- Reference -----------------------------------------------------------------------------------


def next_reference(year: int) -> str:
    """The next free reference in a year, e.g. SC-2026-001. Call inside a transaction."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"SC-{year}-{counter.last:03d}"
