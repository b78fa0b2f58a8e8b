"""The investigation and its progress reports (SI 2018/748 reg 7)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audit.services import record_event
from complaints.models import (
    ComplaintState,
    ExclusionGround,
    Letter,
    ProgressReport,
    SuperComplaint,
)
from complaints.services.base import (
    ComplaintError,
    InvalidTransition,
    _check_transition,
    _locked,
    _move,
    check_version,
)
from deadlines.calendar import WorkingCalendar
from deadlines.models import DeadlineRule
from deadlines.rules import progress_report_periods, to_london_date
from deadlines.services import ensure_progress_report_deadline, meet_deadline
from organisations.models import Organisation, OrganisationKind

# --- Investigation and progress reports ----------------------------------------------------------


def start_investigation(
    complaint: SuperComplaint,
    *,
    lead_authority: Organisation,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> SuperComplaint:
    """Open the investigation with its lead authority (one of the three decision-making
    authorities). The reg 7 clock already runs from the day the body was told (reg 6(5)); starting
    the investigation does not move it.

    Side effects: the state becomes "being investigated"; stores the lead and the moment; records
    ``complaint.investigation_started``. A stale form is refused (``StaleEdit``).
    """
    if lead_authority.kind != OrganisationKind.AUTHORITY:
        raise ComplaintError(_("The lead must be one of the decision-making authorities."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.INVESTIGATING:
            return complaint
        check_version(complaint, expected_version)
        _check_transition(complaint, ComplaintState.INVESTIGATING)
        complaint.lead_authority = lead_authority
        complaint.investigation_started_at = at or timezone.now()
        _move(complaint, ComplaintState.INVESTIGATING, ["lead_authority", "investigation_started_at"])
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


def check_progress_report(
    steps_taken: str, steps_proposed: str, excluded_text: str, ground: str, note: str
) -> None:
    """What a progress report must say (reg 7(2)), and what an exclusion must record (reg 7(3))."""
    if not steps_taken.strip() or not steps_proposed.strip():
        raise ComplaintError(
            _("Explain the steps taken and the steps proposed before the end of the next period.")
        )
    _check_exclusion(excluded_text, ground, note)


def _check_exclusion(excluded_text: str, ground: str, note: str) -> None:
    if not (excluded_text.strip() or ground or note.strip()):
        return
    if not excluded_text.strip():
        raise ComplaintError(_("Enter the information excluded, or remove the ground and reason."))
    if ground not in ExclusionGround.values:
        raise ComplaintError(
            _("Choose the ground for excluding the information: national security or a person’s safety.")
        )
    if not note.strip():
        raise ComplaintError(_("Give the reason for excluding the information (regulation 7(3))."))


REPORT_FIELDS = ("steps_taken", "steps_proposed", "excluded_text", "exclusion_ground", "exclusion_note")


def save_progress_report_draft(
    report: ProgressReport,
    *,
    steps_taken: str,
    steps_proposed: str,
    excluded_text: str = "",
    exclusion_ground: str = "",
    exclusion_note: str = "",
    user: Any = None,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Save the draft of a progress report: its two parts (reg 7(2)) and any information excluded,
    with its ground and reason (reg 7(3)). Either part may still be empty in a draft.

    A save from a form opened at another version of the report is refused (``StaleEdit``); a sent
    report never changes. Side effects: updates the report; records
    ``complaint.progress_report_drafted`` (the period and which parts changed, not their text).
    """
    _check_exclusion(excluded_text, exclusion_ground, exclusion_note)
    values = dict(
        zip(
            REPORT_FIELDS,
            (steps_taken, steps_proposed, excluded_text, exclusion_ground, exclusion_note),
            strict=True,
        )
    )
    with transaction.atomic():
        complaint = _locked(report.complaint)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.is_sent:
            raise InvalidTransition(_("This progress report has been sent, so it can no longer change."))
        if complaint.state not in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            raise InvalidTransition(
                _("Progress reports are written only while the complaint is being investigated.")
            )
        check_version(report, expected_version, STALE_SAVE)
        changed = [name for name, value in values.items() if getattr(report, name) != value]
        if not changed:
            return report
        for name in changed:
            setattr(report, name, values[name])
        report.drafted_at, report.drafted_by = at or timezone.now(), user
        report.version += 1
        report.save(update_fields=[*changed, "drafted_at", "drafted_by", "version"])
        record_event(
            action="complaint.progress_report_drafted",
            obj=complaint,
            after={"period": report.period, "changed": changed},
        )
    return report


STALE_SAVE = _lazy(
    "Someone else saved changes to this progress report after you opened this page. Your changes "
    "have not been saved yet: check the latest version below, then save again."
)
STALE_SEND = _lazy(
    "Someone else saved changes to this progress report after you opened this page. It has "
    "not been sent: check the latest version below, then send it again."
)


def send_progress_report(
    report: ProgressReport,
    *,
    steps_taken: str,
    steps_proposed: str,
    excluded_text: str = "",
    exclusion_ground: str = "",
    exclusion_note: str = "",
    letter: Letter | None = None,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Send the progress report for a reg 7 period (SI 2018/748 reg 7(2)-(3)).

    A send from a page opened at another version of the report is refused (``StaleEdit``),
    checked under the row lock.

    ``letter`` is the letter generated from these parts (``complaints.letters`` does that and
    sends it in the same transaction); excluded information is never part of it.

    Side effects: stores the parts, marks it sent and its reg 7 deadline met (an overdue flag stays,
    as history), links its letter, stores the next period so its due date shows, records
    ``complaint.progress_report_sent``. Sending twice does nothing the second time.
    """
    at = at or timezone.now()
    check_progress_report(steps_taken, steps_proposed, excluded_text, exclusion_ground, exclusion_note)
    with transaction.atomic():
        complaint = _locked(report.complaint)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.is_sent:
            return report
        if complaint.state not in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            raise InvalidTransition(
                _("Progress reports are sent only while the complaint is being investigated.")
            )
        check_version(report, expected_version, STALE_SEND)
        values = (steps_taken, steps_proposed, excluded_text, exclusion_ground, exclusion_note)
        for name, value in zip(REPORT_FIELDS, values, strict=True):
            setattr(report, name, value)
        report.sent_at = at
        report.letter = letter
        report.version += 1
        report.save(update_fields=[*REPORT_FIELDS, "sent_at", "letter", "version"])
        deadline = meet_deadline(report, DeadlineRule.PROGRESS_REPORT, at=at)
        due = deadline.due if deadline else to_london_date(at)
        _schedule_progress_reports(complaint, upto=due + datetime.timedelta(days=1))
        record_event(
            action="complaint.progress_report_sent",
            obj=complaint,
            after={
                "period": report.period,
                "due": due,
                "sent_at": at,
                "excluded": bool(excluded_text.strip()),
                "exclusion_ground": exclusion_ground,
            },
        )
    return report
