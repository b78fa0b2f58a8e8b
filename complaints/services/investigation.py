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
from deadlines.calendar import WorkingCalendar
from deadlines.models import DeadlineRule
from deadlines.rules import progress_report_periods, to_london_date
from deadlines.services import ensure_progress_report_deadline, meet_deadline
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


def _schedule_progress_reports(
    complaint: SuperComplaint, *, upto: datetime.date, calendar: WorkingCalendar | None = None
) -> int:
    """Store the reg 7 periods up to the one running on ``upto`` (at least the first): one
    ``ProgressReport`` per period, each with its deadline row in the ledger.

    Deadlines of unsent reports are re-derived from the day the body was told, so a change of that
    day or of the holiday calendar is followed; sent ones (met) never move. Returns how many
    deadlines were created or moved. Call inside a transaction.
    """
    told = complaint.told_investigation_on
    if told is None:
        return 0
    cal = calendar if calendar is not None else WorkingCalendar()
    existing = {r.period: r for r in complaint.progress_reports.prefetch_related("deadlines")}
    needed = max(1, len(existing))
    periods = progress_report_periods(told, needed, calendar=cal)
    while periods[-1].due < upto:
        needed += 1
        periods = progress_report_periods(told, needed, calendar=cal)
    changed = 0
    for number in range(1, len(periods) + 1):
        report = existing.get(number)
        if report is None:
            report = ProgressReport.objects.create(complaint=complaint, period=number)
            before = None
        else:
            row = report.deadline
            before = (row.due, row.start) if row else None
        row = ensure_progress_report_deadline(
            report, case=complaint, told_on=told, period=number, calendar=cal
        )
        if before != (row.due, row.start):
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

    Side effects: marks it sent and its reg 7 deadline met, stores the next period so its due
    date shows, records ``complaint.progress_report_sent``.
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
        deadline = meet_deadline(report, DeadlineRule.PROGRESS_REPORT, at=at)
        due = deadline.due if deadline else to_london_date(at)
        _schedule_progress_reports(complaint, upto=due + datetime.timedelta(days=1))
        record_event(
            action="complaint.progress_report_sent",
            obj=complaint,
            after={"period": report.period, "due": due, "sent_at": at},
        )
    return report
