"""Complaints that enter the service from the public record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import record_event, snapshot
from complaints.models import (
    ComplaintState,
    SuperComplaint,
)
from complaints.services.base import (
    next_reference,
)
from deadlines.services import ensure_acknowledgement_deadline, stop_deadlines
from organisations.models import Organisation

# --- The public record ---------------------------------------------------------------------------


def import_historical_complaint(
    *,
    key: str,
    state: ComplaintState,
    complainants: list[Organisation],
    received_on: Any,
    fields: dict[str, Any],
) -> tuple[SuperComplaint, bool]:
    """Load a complaint from the public record in the state the record shows.

    The one way a complaint enters a state without its transitions: it went through them before
    the service existed. Keyed by ``key``, so loading twice creates nothing new and never
    overwrites what staff corrected. Stores its reg 5 deadline where the day of receipt is known,
    stopped unless the complaint is still awaiting acknowledgement. Records
    ``complaint.loaded_from_public_record``.
    """
    existing = SuperComplaint.objects.filter(public_record_key=key).first()
    if existing:
        return existing, False
    with transaction.atomic():
        year = received_on.year
        complaint = SuperComplaint.objects.create(
            public_record_key=key,
            is_historical=True,
            state=state,
            public_since=timezone.now(),
            reference=next_reference(year),
            received_on=received_on,
            **fields,
        )
        for position, body in enumerate(complainants, start=1):
            complaint.complainant_set.create(body=body, position=position)
        # Reg 5's due date follows from the day of receipt, where the day is known. The complaint
        # was acknowledged before the service kept records, so its clock is not running.
        received_day = received_on.as_date
        deadline = ensure_acknowledgement_deadline(complaint, received=received_day) if received_day else None
        if deadline is not None and state != ComplaintState.RECEIVED:
            stop_deadlines(complaint, reason="Acknowledged before this service kept records.")
        record_event(
            action="complaint.loaded_from_public_record",
            obj=complaint,
            after={
                **snapshot(complaint, ["reference", "state", "title", "received_on"]),
                "acknowledgement_due": deadline.due if deadline else None,
                "complainants": [b.name for b in complainants],
            },
        )
    return complaint, True
