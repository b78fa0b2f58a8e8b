"""Withdrawal (non-statutory), the report's publication, monitoring and closure."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints import notifications
from complaints.models import (
    ComplaintState,
    SuperComplaint,
)
from complaints.services.base import (
    ComplaintError,
    _check_transition,
    _locked,
    _move,
)
from deadlines.models import DeadlineRule
from deadlines.services import stop_deadlines

# --- Withdrawal, report, monitoring, closure -----------------------------------------------------


def withdraw_complaint(
    complaint: SuperComplaint, *, reason: str, at: datetime.datetime | None = None
) -> SuperComplaint:
    """Record that the body withdrew its complaint.

    Non-statutory: the regulations have no withdrawal procedure, but bodies do withdraw. Possible
    from receipt until the report. Stops the complaint's running deadlines (reg 5, reg 7). Records
    ``complaint.withdrawn``, and writes to the outbox a notice to the body that its withdrawal is
    recorded and one to the super-complaints team.
    """
    if not reason.strip():
        raise ComplaintError(_("Give a reason for withdrawing the complaint."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.WITHDRAWN:
            return complaint
        _check_transition(complaint, ComplaintState.WITHDRAWN)
        before = snapshot(complaint, ["state"])
        complaint.withdrawn_at = at or timezone.now()
        complaint.withdrawal_reason = reason
        _move(complaint, ComplaintState.WITHDRAWN, ["withdrawn_at", "withdrawal_reason"])
        stop_deadlines(
            complaint,
            reason="The complaint was withdrawn.",
            at=complaint.withdrawn_at,
            rules_=frozenset({DeadlineRule.ACKNOWLEDGEMENT, DeadlineRule.PROGRESS_REPORT}),
        )
        record_event(
            action="complaint.withdrawn",
            obj=complaint,
            before=before,
            after={"state": complaint.state, "reason": reason, "statutory": False},
        )
        notifications.complaint_withdrawn(complaint)
    return complaint


def mark_report_published(complaint: SuperComplaint) -> SuperComplaint:
    """Called by ``reports.publication.release_report`` in its transaction (SI 2018/748 reg 8).

    The report ends the investigation, so progress reports not yet sent stop being due (reg 7
    runs until the report). Records ``complaint.report_published``.
    """
    with transaction.atomic():
        complaint = _simple_transition(
            complaint, ComplaintState.REPORT_PUBLISHED, "complaint.report_published"
        )
        stop_deadlines(
            complaint,
            reason="The report was published, which ends the investigation.",
            rules_=frozenset({DeadlineRule.PROGRESS_REPORT}),
        )
    return complaint


def begin_monitoring(complaint: SuperComplaint) -> SuperComplaint:
    """Start tracking the responses to the report's recommendations."""
    return _simple_transition(complaint, ComplaintState.MONITORING, "complaint.monitoring_started")


def close_complaint(complaint: SuperComplaint) -> SuperComplaint:
    """Close a complaint whose responses no longer need monitoring."""
    return _simple_transition(complaint, ComplaintState.CLOSED, "complaint.closed")


def _simple_transition(complaint: SuperComplaint, target: ComplaintState, action: str) -> SuperComplaint:
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == target:
            return complaint
        _check_transition(complaint, target)
        previous = complaint.state
        _move(complaint, target)
        record_event(
            action=action, obj=complaint, before={"state": previous}, after={"state": complaint.state}
        )
    return complaint
