"""Reads of information requests, each with its rule: a force sees only its own requests."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines.rules import to_london_date
from inquiries.models import ForceRequest, InformationRequest
from organisations.models import Organisation


class Completeness(models.TextChoices):
    ANSWERED_ON_TIME = "answered_on_time", _("Answered on time")
    ANSWERED_LATE = "answered_late", _("Answered late")
    OVERDUE = "overdue", _("Overdue, not answered")
    NOT_YET_DUE = "not_yet_due", _("Not yet due")


@dataclass(frozen=True)
class CompletenessRow:
    force: Organisation
    status: Completeness
    answered_on: datetime.date | None
    force_request: ForceRequest


@dataclass(frozen=True)
class CompletenessTable:
    request: InformationRequest
    rows: list[CompletenessRow]
    counts: dict[str, int]


def status_of(force_request: ForceRequest, due: datetime.date, today: datetime.date) -> Completeness:
    """Answered on or before the due day (London date) is on time; the due day itself is still
    in time ("by the end of"), so an unanswered request is overdue only from the day after."""
    if force_request.answered_at is not None:
        if to_london_date(force_request.answered_at) <= due:
            return Completeness.ANSWERED_ON_TIME
        return Completeness.ANSWERED_LATE
    return Completeness.OVERDUE if today > due else Completeness.NOT_YET_DUE


def completeness(request: InformationRequest, *, today: datetime.date) -> CompletenessTable:
    """Each force the request went to, by name, with where its answer stands on ``today``."""
    rows = []
    for force_request in request.force_requests.select_related("force").order_by("force__name"):
        rows.append(
            CompletenessRow(
                force=force_request.force,
                status=status_of(force_request, request.due, today),
                answered_on=to_london_date(force_request.answered_at) if force_request.answered_at else None,
                force_request=force_request,
            )
        )
    counted = Counter(row.status.value for row in rows)
    counts = {status.value: counted.get(status.value, 0) for status in Completeness}
    return CompletenessTable(request=request, rows=rows, counts=counts)


def requests_for_complaint(complaint: Any) -> models.QuerySet[InformationRequest]:
    return InformationRequest.objects.filter(complaint=complaint).prefetch_related("force_requests")


def requests_for_forces(forces: list[Organisation]) -> models.QuerySet[ForceRequest]:
    """The requests addressed to these forces (a force user's own), the soonest due first."""
    return (
        ForceRequest.objects.filter(force__in=forces)
        .select_related("request__complaint", "force")
        .order_by("request__due", "pk")
    )
