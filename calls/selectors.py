"""Reads of calls for evidence that carry a rule.

Public pages use only ``published_calls`` and what is built on it: a call is public once its
complaint is on the register and its opening day has begun in London; never its responses.
Staff pages use ``review_queue``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from calls.models import CallForEvidence, CallResponse, ResponseTag, Signpost
from complaints.models import SuperComplaint
from deadlines.rules import end_of_london_day, start_of_london_day


def published_calls(at: datetime.datetime | None = None) -> QuerySet[CallForEvidence]:
    """Every call the public may see at ``at`` (open or closed, never one not yet opened)."""
    return CallForEvidence.objects.published(at).select_related("complaint")


def published_calls_for(
    complaint: SuperComplaint, at: datetime.datetime | None = None
) -> list[CallForEvidence]:
    """The public calls of one complaint, the latest first."""
    return list(published_calls(at).filter(complaint=complaint).order_by("-opens_on", "-pk"))


def published_call(reference: str, pk: int, at: datetime.datetime | None = None) -> CallForEvidence | None:
    """One public call by its complaint's reference and its number, with its questions and
    signposts; None if the public may not see it."""
    return (
        published_calls(at)
        .filter(complaint__reference=reference, pk=pk)
        .prefetch_related(
            "questions", Prefetch("signposts", queryset=Signpost.objects.order_by("position", "pk"))
        )
        .first()
    )


def calls_of(complaint: SuperComplaint) -> QuerySet[CallForEvidence]:
    """Every call of a complaint, for staff, with how many responses each has had and reviewed."""
    return (
        CallForEvidence.objects.filter(complaint=complaint)
        .annotate(
            response_count=Count("responses", distinct=True),
            unreviewed_count=Count("responses", filter=Q(responses__reviewed_at__isnull=True), distinct=True),
        )
        .order_by("-opens_on", "-pk")
    )


@dataclass(frozen=True)
class QueueFilters:
    call: CallForEvidence | None = None
    reviewed: bool | None = None
    tag: ResponseTag | None = None
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None


def review_queue(filters: QueueFilters) -> QuerySet[CallResponse]:
    """Responses for staff to review, the oldest unreviewed first. Dates are London days: "from"
    includes the whole of its day, "to" runs to the end of its day."""
    responses = CallResponse.objects.select_related("call__complaint").prefetch_related("tags")
    if filters.call is not None:
        responses = responses.filter(call=filters.call)
    if filters.reviewed is True:
        responses = responses.filter(reviewed_at__isnull=False)
    elif filters.reviewed is False:
        responses = responses.filter(reviewed_at__isnull=True)
    if filters.tag is not None:
        responses = responses.filter(tags=filters.tag)
    if filters.submitted_from is not None:
        responses = responses.filter(submitted_at__gte=start_of_london_day(filters.submitted_from))
    if filters.submitted_to is not None:
        responses = responses.filter(submitted_at__lt=end_of_london_day(filters.submitted_to))
    return responses.order_by("submitted_at", "pk")


def response_for_staff(pk: int) -> CallResponse | None:
    return (
        CallResponse.objects.select_related("call__complaint", "reviewed_by")
        .prefetch_related("tags", "answers__question", "documents")
        .filter(pk=pk)
        .first()
    )
