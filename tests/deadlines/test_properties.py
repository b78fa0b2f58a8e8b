"""Invariants of the deadline arithmetic, checked with hypothesis over dates and staff overrides.

Each calendar is built from generated overrides (no database), so the invariants are checked for
calendars that differ from the real one as well as for the real one.
"""

import datetime
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines.calendar import WorkingCalendar
from deadlines.rules import (
    acknowledgement_due,
    calendar_days_after,
    progress_report_periods,
    to_london_date,
    working_days_after,
)

ONE_DAY = datetime.timedelta(days=1)
dates = st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2035, 12, 31))
overrides = st.lists(
    st.tuples(
        st.dates(min_value=datetime.date(2018, 1, 1), max_value=datetime.date(2036, 12, 31)),
        st.sampled_from(["add", "remove"]),
        st.just("Generated"),
        st.just("hypothesis"),
    ),
    max_size=6,
)
calendars = st.one_of(st.just(()), overrides).map(WorkingCalendar)


def days_in(first, last):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def non_working(calendar, first, last):
    return [day for day in days_in(first, last) if not calendar.is_working_day(day)]


@given(received=dates, calendar=calendars)
def test_acknowledgement_invariants(received, calendar):
    deadline = acknowledgement_due(received, calendar=calendar)
    assert deadline.received == received
    assert calendar.is_working_day(deadline.start)
    assert calendar.is_working_day(deadline.due)
    # The start is the receipt day, or the first working day after it (reg 5).
    assert all(not calendar.is_working_day(day) for day in days_in(received, deadline.start - ONE_DAY))
    # Due is the start plus exactly 4 working days: 5 working days in [start, due].
    assert calendar.add_working_days(deadline.start, 4) == deadline.due
    assert calendar.working_days_between(deadline.start, deadline.due) == 5
    # The skipped days are exactly the non-working days from receipt to due, with a reason each.
    assert [s.day for s in deadline.skipped] == non_working(calendar, received, deadline.due)
    assert all(s.reason for s in deadline.skipped)
    assert deadline.due - received < datetime.timedelta(days=5 + 14)


@given(first=dates, second=dates, calendar=calendars)
def test_a_later_receipt_never_gives_an_earlier_due_date(first, second, calendar):
    first, second = sorted([first, second])
    assert (
        acknowledgement_due(first, calendar=calendar).due
        <= acknowledgement_due(second, calendar=calendar).due
    )
    assert (
        progress_report_periods(first, 1, calendar=calendar)[0].due
        <= progress_report_periods(second, 1, calendar=calendar)[0].due
    )
    assert (
        working_days_after(first, 7, calendar=calendar).due
        <= working_days_after(second, 7, calendar=calendar).due
    )


@settings(max_examples=50)
@given(told=dates, count=st.integers(min_value=1, max_value=4), calendar=calendars)
def test_progress_report_periods_are_contiguous_and_56_working_days_long(told, count, calendar):
    periods = progress_report_periods(told, count, calendar=calendar)
    assert [p.period for p in periods] == list(range(1, count + 1))
    assert periods[0].start == calendar.first_working_day_from(told)
    assert [s.day for s in periods[0].skipped] == non_working(calendar, told, periods[0].due)
    for previous, current in itertools.pairwise(periods):
        assert current.start == calendar.next_working_day(previous.due)
        assert [s.day for s in current.skipped] == non_working(calendar, previous.due + ONE_DAY, current.due)
    for period in periods:
        assert calendar.is_working_day(period.start)
        assert calendar.is_working_day(period.due)
        assert calendar.working_days_between(period.start, period.due) == 56
        assert period.received == told


@given(start=dates, days=st.integers(min_value=1, max_value=60), calendar=calendars)
def test_working_days_after_invariants(start, days, calendar):
    deadline = working_days_after(start, days, calendar=calendar)
    assert deadline.start == calendar.next_working_day(start)
    assert calendar.is_working_day(deadline.due)
    # Counting begins the day after the start date: N working days in (start, due].
    assert calendar.working_days_between(start + ONE_DAY, deadline.due) == days
    assert calendar.working_days_between(deadline.start, deadline.due) == days
    assert [s.day for s in deadline.skipped] == non_working(calendar, start + ONE_DAY, deadline.due)


@given(start=dates, days=st.integers(min_value=1, max_value=400))
def test_calendar_days_after_counts_every_day(start, days):
    deadline = calendar_days_after(start, days, calendar=WorkingCalendar(()))
    assert (deadline.due - start).days == days
    assert deadline.start == start + ONE_DAY
    assert deadline.skipped == ()


@given(moment=st.datetimes(timezones=st.timezones(), allow_imaginary=False))
def test_london_date_does_not_depend_on_how_the_moment_is_written(moment):
    london = moment.astimezone(ZoneInfo("Europe/London"))
    assert to_london_date(moment) == london.date()
    assert to_london_date(moment.astimezone(datetime.UTC)) == london.date()
    assert to_london_date(moment.astimezone(ZoneInfo("Asia/Tokyo"))) == london.date()


@given(received=dates, calendar=calendars)
def test_as_dict_matches_the_deadline(received, calendar):
    deadline = acknowledgement_due(received, calendar=calendar)
    data = json.loads(json.dumps(deadline.as_dict()))
    assert data["due"] == deadline.due.isoformat()
    assert data["start"] == deadline.start.isoformat()
    assert data["skipped"] == [s.day.isoformat() for s in deadline.skipped]
    assert [r["reason"] for r in data["skipped_reasons"]] == [s.reason for s in deadline.skipped]


@pytest.mark.django_db
@settings(max_examples=25)
@given(received=dates)
def test_the_real_calendar_read_from_the_table_satisfies_the_invariants(received):
    deadline = acknowledgement_due(received)
    calendar = WorkingCalendar()
    assert calendar.working_days_between(deadline.start, deadline.due) == 5
    assert [s.day for s in deadline.skipped] == non_working(calendar, received, deadline.due)
