"""The complaint's deadlines in the ledger: re-derived when their inputs change, and the running
reg 7 periods stored ahead of the sweep that flags them."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef

from audit.services import record_event
from complaints.models import ComplaintState, SuperComplaint
from complaints.services.base import _locked
from complaints.services.investigation import _schedule_progress_reports
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline, DeadlineRule
from deadlines.services import ensure_acknowledgement_deadline

INVESTIGATION_STATES = (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING)


def _deadline_dates(complaint: SuperComplaint) -> dict[str, Any]:
    rows = list(Deadline.objects.of(complaint).order_by("rule", "sequence"))
    return {
        "acknowledgement_due": next((r.due for r in rows if r.rule == DeadlineRule.ACKNOWLEDGEMENT), None),
        "progress_reports": [(r.sequence, r.due) for r in rows if r.rule == DeadlineRule.PROGRESS_REPORT],
    }


def recompute_deadlines(complaint: SuperComplaint) -> bool:
    """Re-derive the complaint's running deadlines from their inputs. Returns whether any moved.

    Inputs: the moment of receipt (reg 5), the day the body was told of the investigation
    (reg 7), and the holiday calendar. Met and stopped deadlines keep their dates. Records
    ``complaint.deadlines_recomputed`` on change.
    """
    with transaction.atomic():
        complaint = _locked(complaint)
        before = _deadline_dates(complaint)
        if complaint.received_at is not None:
            ensure_acknowledgement_deadline(complaint, received=complaint.received_at)
        told = complaint.told_investigation_on
        if told and complaint.state in INVESTIGATION_STATES:
            _schedule_progress_reports(complaint, upto=told)
        after = _deadline_dates(complaint)
        changed = after != before
        if changed:
            record_event(action="complaint.deadlines_recomputed", obj=complaint, before=before, after=after)
    return changed


def store_running_progress_reports(on: datetime.date, *, calendar: WorkingCalendar | None = None) -> int:
    """Store the reg 7 period running on ``on`` for every complaint under investigation, so its
    deadline row exists before the sweep checks it. Returns how many deadlines were created or moved.

    Only a complaint with no stored period running on ``on`` (no reg 7 row due on or after it) is
    visited, so a day whose periods are all stored costs one query. Each is visited in its own
    transaction with its row locked, so two sweeps at once create each period once (the unique
    period per complaint would refuse a second); the visit re-derives the unsent periods too. A
    stored period moves only with its inputs, and the services that change those re-derive it
    (``recompute_deadlines``, ``deadlines.services.recompute_open_deadlines``). No audit event:
    storing a period the rule already fixes changes nothing anyone decided.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    created = 0
    running_period_stored = Deadline.objects.filter(
        case_type=ContentType.objects.get_for_model(SuperComplaint),
        case_id=OuterRef("pk"),
        rule=DeadlineRule.PROGRESS_REPORT,
        due__gte=on,
    )
    ids = (
        SuperComplaint.objects.filter(state__in=INVESTIGATION_STATES, told_investigation_on__isnull=False)
        .exclude(Exists(running_period_stored))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(ids):
        with transaction.atomic():
            complaint = (
                SuperComplaint.objects.select_for_update()
                .filter(pk=pk, state__in=INVESTIGATION_STATES)
                .first()
            )
            if complaint is not None:
                created += _schedule_progress_reports(complaint, upto=on, calendar=cal)
    return created
