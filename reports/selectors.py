"""Reads of reports that encode a rule."""

from __future__ import annotations

from django.db.models import QuerySet

from complaints.models import SuperComplaint
from reports.models import Exclusion, Report, ReportPassage


def published_reports() -> QuerySet[Report]:
    """Reports the public may read: published, out of any embargo, on complaints on the register.

    The one selector every public page, feed, download and API response reads reports through.
    """
    return Report.objects.published().filter(complaint__in=SuperComplaint.objects.published())


def unapproved_exclusions(report: Report) -> QuerySet[Exclusion]:
    """The report's exclusions (reg 8(3)) still waiting for a second member of staff to approve them.

    Their passages are already left out of the published rendition; publication must wait until
    this is empty, so nothing is withheld on one person's word alone."""
    return Exclusion.objects.filter(report=report, approved_at__isnull=True).order_by("pk")


def builder_passages(report: Report) -> QuerySet[ReportPassage]:
    """The report's passages in reading order, each with its exclusion (if any) and who proposed
    and approved it."""
    return (
        ReportPassage.objects.filter(report=report)
        .select_related("exclusion__proposed_by", "exclusion__approved_by")
        .order_by("section", "position", "pk")
    )


def published_passages() -> QuerySet[ReportPassage]:
    """Passages the public may read: of reports from ``published_reports``, and never one excluded
    (or proposed for exclusion) under reg 8(3). What public search reads passages through."""
    return ReportPassage.objects.filter(report__in=published_reports(), exclusion__isnull=True).order_by(
        "position", "pk"
    )
