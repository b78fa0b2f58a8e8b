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
    overwrites what staff corrected. Records ``complaint.loaded_from_public_record``.
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
        record_event(
            action="complaint.loaded_from_public_record",
            obj=complaint,
            after={
                **snapshot(complaint, ["reference", "state", "title", "received_on", "acknowledgement_due"]),
                "complainants": [b.name for b in complainants],
            },
        )
    return complaint, True
