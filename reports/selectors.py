"""Reads of reports that encode a rule."""

from __future__ import annotations

from django.db.models import QuerySet

from complaints.models import SuperComplaint
from reports.models import Report


def published_reports() -> QuerySet[Report]:
    """Reports the public may read: published, out of any embargo, on complaints on the register.

    The one selector every public page, feed, download and API response reads reports through.
    """
    return Report.objects.published().filter(complaint__in=SuperComplaint.objects.published())
