"""The investigation and its progress reports (SI 2018/748 reg 7)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from complaints.models import (
    ComplaintState,
    ProgressReport,
    SuperComplaint,
)
from complaints.services.base import (
    ComplaintError,
    InvalidTransition,
    _check_transition,
    _locked,
    _move,
)
from deadlines.rules import progress_report_periods
from organisations.models import Organisation, OrganisationKind

# --- Investigation and progress reports ----------------------------------------------------------


def start_investigation(complaint: SuperComplaint, *, lead_authority: Organisation) -> SuperComplaint:
    """Open the investigation with its lead authority. Records ``complaint.investigation_started``."""
    if lead_authority.kind != OrganisationKind.AUTHORITY:
        raise ComplaintError(_("The lead must be one of the decision-making authorities."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.INVESTIGATING:
            return complaint
        _check_transition(complaint, ComplaintState.INVESTIGATING)
        complaint.lead_authority = lead_authority
        _move(complaint, ComplaintState.INVESTIGATING, ["lead_authority"])
        record_event(
            action="complaint.investigation_started",
            obj=complaint,
            before={"state": ComplaintState.ELIGIBLE.value},
            after={"state": complaint.state, "lead_authority": lead_authority.name},
        )
    return complaint


def _schedule_progress_reports(complaint: SuperComplaint, *, upto: datetime.date) -> int:
    """Store the reg 7 periods up to the one running on ``upto`` (at least the first).

    Due dates of unsent reports are re-derived from the day the body was told, so a change of
    that day or of the holiday calendar is followed. Returns how many rows changed.
    """
    if complaint.told_investigation_on is None:
        return 0
    existing = {r.period: r for r in complaint.progress_reports.all()}
    needed = max(1, len(existing))
    periods = progress_report_periods(complaint.told_investigation_on, needed)
    while periods[-1].due < upto:
        needed += 1
        periods = progress_report_periods(complaint.told_investigation_on, needed)
    changed = 0
    for number, deadline in enumerate(periods, start=1):
        report = existing.get(number)
        if report is None:
            ProgressReport.objects.create(
                complaint=complaint,
                period=number,
                period_start=deadline.start,
                due=deadline.due,
                explanation=deadline.explanation,
            )
            changed += 1
        elif not report.is_sent and (report.due, report.period_start) != (deadline.due, deadline.start):
            report.due, report.period_start, report.explanation = (
                deadline.due,
                deadline.start,
                deadline.explanation,
            )
            report.save(update_fields=["due", "period_start", "explanation"])
            changed += 1
    return changed


def send_progress_report(
    report: ProgressReport,
    *,
    steps_taken: str,
    steps_proposed: str,
    exclusion_note: str = "",
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Send the progress report for a reg 7 period (SI 2018/748 reg 7(2)-(3)).

    Side effects: marks it sent, stores the next period so its due date shows, records
    ``complaint.progress_report_sent``.
    """
    at = at or timezone.now()
    if not steps_taken.strip() or not steps_proposed.strip():
        raise ComplaintError(
            _("Explain the steps taken and the steps proposed before the end of the next period.")
        )
    with transaction.atomic():
        complaint = _locked(report.complaint)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.is_sent:
            return report
        if complaint.state not in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            raise InvalidTransition(
                _("Progress reports are sent only while the complaint is being investigated.")
            )
        report.steps_taken, report.steps_proposed, report.exclusion_note = (
            steps_taken,
            steps_proposed,
            exclusion_note,
        )
        report.sent_at = at
        report.save(update_fields=["steps_taken", "steps_proposed", "exclusion_note", "sent_at"])
        _schedule_progress_reports(complaint, upto=report.due + datetime.timedelta(days=1))
        record_event(
            action="complaint.progress_report_sent",
            obj=complaint,
            after={"period": report.period, "due": report.due, "sent_at": at},
        )
    return report
