"""When a record's retention period ends: pure date arithmetic, in London days.

A period starts on the London day of its clock's moment (a sign-in at 00:30 on 1 July, British
Summer Time, starts on 1 July, although it is still 30 June in UTC) and ends that many days or
calendar months later. The job acts on the day the period ends and on any day after. A month
period from the 31st ends on the last day of a shorter month (31 January + 1 month = 28 or 29
February), as people count months.
"""

from __future__ import annotations

import calendar
import datetime

from deadlines.rules import start_of_london_day, to_london_date
from retention.schedule import DAYS, MONTHS


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved on by ``months`` calendar months, clipped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_ends(start: datetime.date | datetime.datetime, period: int, unit: str) -> datetime.date:
    """The London day on which a period started at ``start`` ends (and the record is due)."""
    day = to_london_date(start)
    if unit == DAYS:
        return day + datetime.timedelta(days=period)
    if unit == MONTHS:
        return add_months(day, period)
    raise ValueError(f"unknown unit {unit!r}")


def is_due(start: datetime.date | datetime.datetime, period: int, unit: str, today: datetime.date) -> bool:
    return period_ends(start, period, unit) <= today


def latest_due_start(today: datetime.date, period: int, unit: str) -> datetime.date:
    """The last London day a period may have started on and have ended by ``today``.

    Periods ending is monotonic in their start, so everything that started on or before this day is
    due, and nothing after it is.
    """
    if unit == DAYS:
        return today - datetime.timedelta(days=period)
    # add_months(today, -period) is a day whose period ends on or before today; the next few days
    # may end on the same (clipped) day, so step on while they do.
    day = add_months(today, -period)
    while period_ends(day + datetime.timedelta(days=1), period, unit) <= today:
        day += datetime.timedelta(days=1)
    return day


def due_before(today: datetime.date, period: int, unit: str) -> datetime.datetime:
    """The moment before which a clock must have started for its record to be due ``today``:
    the start of the London day after ``latest_due_start``, for filtering datetime fields."""
    return start_of_london_day(latest_due_start(today, period, unit) + datetime.timedelta(days=1))
