"""Reads of factual-accuracy checks, each with its rule: an organisation sees only the draft
recommendations addressed to it, and only its own comments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from accuracy.models import AccuracyCheck, AccuracyComment, CheckAddressee, CheckState, CommentDecision
from deadlines.models import DeadlineRule
from organisations.models import Organisation
from recommendations.models import Recommendation
from recommendations.selectors import is_addressed_to


def open_checks_for(organisations: Iterable[Organisation], *, today: datetime.date) -> list[CheckAddressee]:
    """The checks open on ``today`` that went to these organisations, the soonest closing first."""
    found = (
        CheckAddressee.objects.filter(
            organisation__in=list(organisations),
            accuracy_check__state=CheckState.OPEN,
            accuracy_check__deadlines__rule=DeadlineRule.ACCURACY_CHECK,
            accuracy_check__deadlines__due__gte=today,
        )
        .select_related("organisation", "accuracy_check__report__complaint")
        .prefetch_related("accuracy_check__deadlines")
        .distinct()
    )
    return sorted(found, key=lambda a: (a.accuracy_check.closes_on or today, a.organisation.name, a.pk))


def recommendations_for(addressee: CheckAddressee) -> list[Recommendation]:
    """The checked report's recommendations addressed to this organisation, in the report's order.

    Asks ``recommendations.selectors.is_addressed_to`` (which reads ``addressees_of``) for each, so the check and the report agree on
    who a recommendation is addressed to.
    """
    recommendations = addressee.accuracy_check.report.recommendations.order_by("position", "pk")
    return [r for r in recommendations if is_addressed_to(r, addressee.organisation_id)]


def comments_of(addressee: CheckAddressee) -> QuerySet[AccuracyComment]:
    """One organisation's own comments on a check, oldest first, with their decisions."""
    return (
        AccuracyComment.objects.filter(addressee=addressee)
        .select_related("recommendation", "author")
        .prefetch_related(
            Prefetch("decisions", queryset=CommentDecision.objects.select_related("decided_by"))
        )
        .order_by("created_at", "pk")
    )


def all_comments(check: AccuracyCheck) -> QuerySet[AccuracyComment]:
    """Every comment on a check (for the authorities' staff), by recommendation, then oldest first."""
    return (
        AccuracyComment.objects.filter(addressee__accuracy_check=check)
        .select_related("recommendation", "author", "addressee__organisation")
        .prefetch_related(
            Prefetch("decisions", queryset=CommentDecision.objects.select_related("decided_by"))
        )
        .order_by("recommendation__position", "recommendation__pk", "created_at", "pk")
    )


def checks_of_report(report_id: int) -> QuerySet[AccuracyCheck]:
    """Every check of one report, the latest first, with their closing dates."""
    return AccuracyCheck.objects.filter(report_id=report_id).prefetch_related("deadlines")
