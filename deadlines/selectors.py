"""Reads of the deadline ledger that follow a rule."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from deadlines import rules
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline, DeadlineRule


def computed_for(row: Deadline, *, calendar: WorkingCalendar | None = None) -> rules.Deadline | None:
    """The rule's answer for a row's stored inputs today, in the active language; None for a date
    the ledger keeps as given (a response deadline whose date the report set)."""
    if row.rule == DeadlineRule.ACKNOWLEDGEMENT:
        received = row.counted_from_moment or row.counted_from
        return rules.acknowledgement_due(received, calendar=calendar) if received else None
    if row.rule == DeadlineRule.PROGRESS_REPORT and row.counted_from is not None:
        return rules.progress_report_periods(row.counted_from, row.sequence, calendar=calendar)[-1]
    if row.rule == DeadlineRule.RESPONSE and row.counted_from is not None:
        # Counted from the day of publication; a date the report set has no ``counted_from``.
        published = row.counted_from_moment or row.counted_from
        return rules.response_due_after_publication(published, calendar=calendar)
    return None


def explanation_in_active_language(row: Deadline) -> str:
    """How the row's date was worked out, in the page's language.

    The stored explanation is the record, in the service's language. A Welsh page shows the same
    working in Welsh, re-derived from the row's inputs, only while that working still gives the
    stored date; otherwise (a holiday changed since a met row) the record is shown as stored.
    """
    if (translation.get_language() or "") == settings.LANGUAGE_CODE:
        return row.explanation_text
    computed = computed_for(row)
    if computed is None or computed.due != row.due:
        return row.explanation_text
    return computed.explanation
