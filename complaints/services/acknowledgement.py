"""Acknowledgement (SI 2018/748 reg 5)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import record_event, snapshot
from complaints.models import (
    ComplaintState,
    SuperComplaint,
)
from complaints.services.base import (
    _check_transition,
    _locked,
    _move,
)
from deadlines.models import DeadlineRule
from deadlines.services import meet_deadline

# --- Acknowledgement -----------------------------------------------------------------------------


def acknowledge_complaint(
    complaint: SuperComplaint, *, at: datetime.datetime | None = None
) -> SuperComplaint:
    """Record the acknowledgement the Chief Inspector gives the body (SI 2018/748 reg 5).

    Side effects: meets the reg 5 deadline row; records ``complaint.acknowledged``. An overdue
    flag stays, as history.
    """
    at = at or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.ACKNOWLEDGED:
            return complaint
        _check_transition(complaint, ComplaintState.ACKNOWLEDGED)
        before = snapshot(complaint, ["state", "acknowledged_at"])
        complaint.acknowledged_at = at
        _move(complaint, ComplaintState.ACKNOWLEDGED, ["acknowledged_at"])
        meet_deadline(complaint, DeadlineRule.ACKNOWLEDGEMENT, at=at)
        record_event(
            action="complaint.acknowledged",
            obj=complaint,
            before=before,
            after=snapshot(complaint, ["state", "acknowledged_at"]),
        )
    return complaint
