"""The working file of an investigation: its plan and milestones, the fieldwork log, internal
notes, and who owns the case. None of it is a statutory step, and none of it leaves the
authorities: the body and the public never see it (``complaints.timeline`` shows it to staff only).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import is_dma_staff
from audit.services import record_event
from complaints.models import (
    ComplaintState,
    FieldworkEntry,
    FieldworkKind,
    InternalNote,
    InvestigationPlan,
    Milestone,
    SuperComplaint,
)
from complaints.services.base import ComplaintError, InvalidTransition, _locked, check_version

# The plan and the fieldwork belong to an investigation: from eligibility until the report.
PLANNING_STATES = (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING)


def _check_investigation(complaint: SuperComplaint) -> None:
    if complaint.state not in PLANNING_STATES:
        raise InvalidTransition(
            _(
                "The investigation’s file can only change while the complaint is eligible or being investigated."
            )
        )


def _bump(complaint: SuperComplaint) -> None:
    complaint.version += 1
    complaint.save(update_fields=["version", "updated_at"])


def save_plan(
    complaint: SuperComplaint,
    *,
    terms_of_reference: str,
    methods: str,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> InvestigationPlan:
    """Write the investigation plan's terms of reference and methods.

    A save from a form opened at another version of the plan is refused (``StaleEdit``). Side
    effects: creates or updates the ``InvestigationPlan``; records ``complaint.plan_updated`` with
    the previous text. Saving the same text again does nothing.
    """
    if not terms_of_reference.strip():
        raise ComplaintError(_("Enter the terms of reference."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _check_investigation(complaint)
        plan, _created = InvestigationPlan.objects.select_for_update().get_or_create(complaint=complaint)
        # The plan has its own version: a note or an assignment meanwhile does not make it stale.
        check_version(plan, expected_version)  # type: ignore[arg-type]
        before = {"terms_of_reference": plan.terms_of_reference, "methods": plan.methods}
        after = {"terms_of_reference": terms_of_reference, "methods": methods}
        if before == after:
            return plan
        plan.terms_of_reference, plan.methods = terms_of_reference, methods
        plan.updated_at = at or timezone.now()
        plan.version += 1
        plan.save(update_fields=["terms_of_reference", "methods", "updated_at", "version"])
        record_event(action="complaint.plan_updated", obj=complaint, before=before, after=after)
    return plan


def add_milestone(complaint: SuperComplaint, *, title: str, target_date: datetime.date) -> Milestone:
    """Add a milestone to the plan. Its target date is a plan entry, not a statutory deadline, so
    no ledger row is made. Records ``complaint.milestone_added``."""
    if not title.strip():
        raise ComplaintError(_("Enter the milestone."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _check_investigation(complaint)
        milestone = Milestone.objects.create(complaint=complaint, title=title, target_date=target_date)
        record_event(
            action="complaint.milestone_added",
            obj=complaint,
            after={"title": title, "target_date": target_date},
        )
    return milestone


def record_fieldwork(
    complaint: SuperComplaint,
    *,
    occurred_on: datetime.date,
    kind: str,
    place: str,
    summary: str,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> FieldworkEntry:
    """Log a visit or an interview (SI 2018/748 regs 9-10). Records ``complaint.fieldwork_recorded``.

    The entry has no field for names: what was learned, where, and when is what the
    investigation needs (UK GDPR art. 5(1)(c), data minimisation).
    """
    at = at or timezone.now()
    if kind not in FieldworkKind.values:
        raise ComplaintError(_("Choose whether it was a visit or an interview."))
    if not place.strip() or not summary.strip():
        raise ComplaintError(_("Enter the place or organisation and a summary."))
    if occurred_on > timezone.localdate(at):
        raise ComplaintError(_("The date of a visit or interview cannot be in the future."))
    with transaction.atomic():
        complaint = _locked(complaint)
        _check_investigation(complaint)
        entry = FieldworkEntry.objects.create(
            complaint=complaint,
            occurred_on=occurred_on,
            kind=kind,
            place=place,
            summary=summary,
            recorded_at=at,
            recorded_by=user,
        )
        record_event(
            action="complaint.fieldwork_recorded",
            obj=complaint,
            after={"kind": kind, "occurred_on": occurred_on, "place": place},
        )
    return entry


def add_internal_note(
    complaint: SuperComplaint, *, text: str, user: Any = None, at: datetime.datetime | None = None
) -> InternalNote:
    """Add a note for the authorities' staff only. Records ``complaint.note_added`` (without the
    text: the note itself is the record, and the trail is read more widely than the file)."""
    if not text.strip():
        raise ComplaintError(_("Enter the note."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.DRAFT:
            raise InvalidTransition(_("A draft cannot have notes from the authorities."))
        note = InternalNote.objects.create(
            complaint=complaint, text=text, created_at=at or timezone.now(), author=user
        )
        record_event(action="complaint.note_added", obj=complaint, after={"note": note.pk})
    return note


def assign_caseworker(
    complaint: SuperComplaint, *, caseworker: Any, expected_version: int | None = None
) -> SuperComplaint:
    """Make ``caseworker`` (a member of the authorities' staff, or None) the complaint's owner.

    Side effects: sets ``assigned_to``; records ``complaint.caseworker_assigned`` with the previous
    owner. A stale form is refused (``StaleEdit``); assigning the same person again does nothing.
    """
    if caseworker is not None and not is_dma_staff(caseworker):
        raise ComplaintError(_("Only a member of the authorities’ staff can own a complaint."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_version(complaint, expected_version)
        if complaint.state == ComplaintState.DRAFT:
            raise InvalidTransition(_("A draft has no caseworker."))
        if complaint.assigned_to_id == (caseworker.pk if caseworker else None):
            return complaint
        before = {"assigned_to": str(complaint.assigned_to) if complaint.assigned_to else None}
        complaint.assigned_to = caseworker
        complaint.version += 1
        complaint.save(update_fields=["assigned_to", "version", "updated_at"])
        record_event(
            action="complaint.caseworker_assigned",
            obj=complaint,
            before=before,
            after={"assigned_to": str(caseworker) if caseworker else None},
        )
    return complaint
