"""Reads of the audit trail that encode a rule."""

from __future__ import annotations

from django.db import models

from audit.chain import Verification, verify_chain
from audit.models import AuditEvent


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The history of one object, oldest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "sequence"
    )


def chain_head() -> AuditEvent | None:
    """The latest event: its hash stands for the whole trail before it."""
    return AuditEvent.objects.order_by("-sequence").first()


def verify_trail(*, chunk_size: int = 2000) -> Verification:
    """Walk the whole trail in sequence order and report the first event that breaks the chain."""
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)

    def sequence_of(hash_: str) -> int | None:
        return AuditEvent.objects.filter(hash=hash_).values_list("sequence", flat=True).first()

    return verify_chain(events, hash_lookup=sequence_of)
