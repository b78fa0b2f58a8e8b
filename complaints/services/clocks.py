"""The complaint's stored due dates: recomputed when their inputs change, flagged when overdue."""

from __future__ import annotations

import datetime

from django.db import transaction

from audit.services import record_event
from complaints.models import (
    ComplaintState,
    ProgressReport,
    SuperComplaint,
)
from complaints.services.base import (
    _locked,
)
from complaints.services.investigation import _schedule_progress_reports
from deadlines.rules import acknowledgement_due

# --- Stored deadlines ----------------------------------------------------------------------------


def recompute_deadlines(complaint: SuperComplaint) -> bool:
    """Re-derive the stored due dates from their inputs. Returns whether anything changed.

    Inputs: the moment of receipt (reg 5), the day the body was told of the investigation
    (reg 7), and the holiday calendar. Records ``complaint.deadlines_recomputed`` on change.
    """
    with transaction.atomic():
        complaint = _locked(complaint)
        before = {
            "acknowledgement_due": complaint.acknowledgement_due,
            "progress_reports": [(r.period, r.due) for r in complaint.progress_reports.all()],
        }
        changed = False
        if complaint.received_at is not None:
            due = acknowledgement_due(complaint.received_at).due
            if due != complaint.acknowledgement_due:
                complaint.acknowledgement_due = due
                complaint.save(update_fields=["acknowledgement_due"])
                changed = True
        told = complaint.told_investigation_on
        if told and complaint.state in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            changed |= _schedule_progress_reports(complaint, upto=told) > 0
        if changed:
            record_event(
                action="complaint.deadlines_recomputed",
                obj=complaint,
                before=before,
                after={
                    "acknowledgement_due": complaint.acknowledgement_due,
                    "progress_reports": [(r.period, r.due) for r in complaint.progress_reports.all()],
                },
            )
    return changed


def flag_overdue(on: datetime.date) -> dict[str, int]:
    """Flag acknowledgements and progress reports overdue on ``on``. Safe to run twice.

    A flag is set once, on the first sweep that finds the item overdue; a second sweep finds
    nothing new and changes nothing. Records one ``*.overdue`` event per newly flagged item.
    """
    counts = {"acknowledgements": 0, "progress_reports": 0}
    with transaction.atomic():
        # Progress-report rows for running periods must exist before they can be checked.
        for complaint in SuperComplaint.objects.filter(
            state__in=[ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING],
            told_investigation_on__isnull=False,
        ):
            _schedule_progress_reports(complaint, upto=on)
        late = SuperComplaint.objects.select_for_update().filter(
            state=ComplaintState.RECEIVED,
            acknowledgement_due__lt=on,
            acknowledgement_overdue_flagged_on__isnull=True,
        )
        for complaint in late:
            complaint.acknowledgement_overdue_flagged_on = on
            complaint.save(update_fields=["acknowledgement_overdue_flagged_on"])
            record_event(
                action="complaint.acknowledgement_overdue",
                obj=complaint,
                after={"due": complaint.acknowledgement_due, "flagged_on": on},
            )
            counts["acknowledgements"] += 1
        late_reports = ProgressReport.objects.select_for_update().filter(
            sent_at__isnull=True,
            due__lt=on,
            overdue_flagged_on__isnull=True,
            complaint__state__in=[ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING],
        )
        for report in late_reports.select_related("complaint"):
            report.overdue_flagged_on = on
            report.save(update_fields=["overdue_flagged_on"])
            record_event(
                action="complaint.progress_report_overdue",
                obj=report.complaint,
                after={"period": report.period, "due": report.due, "flagged_on": on},
            )
            counts["progress_reports"] += 1
    return counts
