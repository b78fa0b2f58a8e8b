"""Reads of redactions that carry a rule.

Public pages use only ``published_extracts_for`` and ``published_extract``
(``RedactionQuerySet.published``): a draft or withdrawn extract, or one of a complaint not on the
register, is never returned. Staff pages use ``redactions_of`` and ``redaction_for_staff``.
"""

from __future__ import annotations

from typing import IO

from django.db.models import Q, QuerySet

from calls.models import CallResponse
from complaints.models import SuperComplaint
from redaction.models import Redaction, RedactionState


def published_extracts_for(complaint: SuperComplaint) -> list[Redaction]:
    """The published extracts of one complaint, the latest first, with their PDFs."""
    return list(
        Redaction.objects.published()
        .filter(complaint=complaint)
        .select_related("derivative")
        .order_by("-published_at", "-pk")
    )


def published_extract(reference: str, pk: int) -> Redaction | None:
    """One published extract by its complaint's reference and its number; None if not public."""
    return (
        Redaction.objects.published()
        .filter(complaint__reference=reference, pk=pk)
        .select_related("derivative", "complaint")
        .first()
    )


def redactions_of(complaint: SuperComplaint) -> QuerySet[Redaction]:
    """Every redaction of a complaint, for staff, the latest first."""
    return (
        Redaction.objects.filter(complaint=complaint)
        .select_related("derivative")
        .order_by("-created_at", "-pk")
    )


def redaction_for_staff(pk: int) -> Redaction | None:
    return (
        Redaction.objects.select_related(
            "complaint", "call_response__call", "document", "derivative", "created_by", "published_by"
        )
        .filter(pk=pk)
        .first()
    )


def redactions_of_response(response: CallResponse) -> list[Redaction]:
    """The redactions of a response's answers and of its files, for its staff page."""
    return list(
        Redaction.objects.filter(Q(call_response=response) | Q(document__in=response.documents.all()))
        .filter(complaint=response.call.complaint)
        .order_by("-created_at", "-pk")
    )


def open_published_extract(extract: Redaction) -> IO[bytes]:
    """The bytes of a published extract's PDF, for the public download. Not an access to personal
    data (the extract is public), so nothing is recorded. Raises ``Redaction.DoesNotExist`` when
    its file is not released (a virus scan owed), which the view turns into a 404."""
    document = extract.derivative
    if extract.state != RedactionState.PUBLISHED or document is None or not document.is_released:
        raise Redaction.DoesNotExist("not published")
    return document.file.open("rb")
