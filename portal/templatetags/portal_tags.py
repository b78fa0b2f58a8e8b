"""Small display helpers for the portal's templates."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from complaints.models import ComplaintState
from deadlines.calendar import long_date
from deadlines.rules import to_london_date
from evidence.checks import size_label

register = template.Library()
LONDON = ZoneInfo("Europe/London")

_STAGE_CLASSES = {
    ComplaintState.DRAFT: "govuk-tag--grey",
    ComplaintState.RECEIVED: "govuk-tag--blue",
    ComplaintState.ACKNOWLEDGED: "govuk-tag--blue",
    ComplaintState.ASSESSING: "govuk-tag--yellow",
    ComplaintState.ELIGIBLE: "govuk-tag--green",
    ComplaintState.NOT_ELIGIBLE: "govuk-tag--red",
    ComplaintState.INVESTIGATING: "govuk-tag--turquoise",
    ComplaintState.REPORT_PUBLISHED: "govuk-tag--purple",
    ComplaintState.MONITORING: "govuk-tag--purple",
    ComplaintState.CLOSED: "govuk-tag--grey",
    ComplaintState.WITHDRAWN: "govuk-tag--grey",
}


@register.filter
def stage_class(state: str) -> str:
    """The GOV.UK tag colour for a complaint's stage."""
    return _STAGE_CLASSES.get(state, "govuk-tag--grey")  # type: ignore[call-overload]


@register.filter
def london_day(value: Any) -> str:
    """A moment or a date as its London day, written out: "Friday 31 May 2019"."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        return long_date(to_london_date(value))
    if isinstance(value, datetime.date):
        return long_date(value)
    return str(value)


@register.filter
def day_and_time(value: datetime.datetime | None) -> str:
    """A moment in London time as GOV.UK writes it: "28 November 2026 at 2:32pm"."""
    if value is None:
        return ""
    local = timezone.localtime(value, LONDON)
    hour = local.hour % 12 or 12
    return _("%(day)s at %(time)s") % {
        "day": formats.date_format(local.date(), "j F Y"),
        "time": f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}",
    }


@register.filter
def file_size(value: int | None) -> str:
    return size_label(value or 0)
