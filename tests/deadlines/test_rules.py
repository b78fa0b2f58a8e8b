"""Exact dates for every deadline rule, worked by hand in the comments so a reader can check them."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.calendar import WorkingCalendar
from deadlines.models import HolidayOverride
from deadlines.rules import (
    Deadline,
    NaiveDatetimeError,
    SkippedDay,
    acknowledgement_due,
    calendar_days_after,
    progress_report_periods,
    to_london_date,
    working_days_after,
)

D = datetime.date
UTC = datetime.UTC
pytestmark = pytest.mark.django_db


def at(text):
    return datetime.datetime.fromisoformat(text)


# --- London dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "london"),
    [
        # 00:30 BST on Saturday 1 June 2019 is 23:30 UTC on the Friday.
        ("2019-06-01T00:30:00+01:00", D(2019, 6, 1)),
        ("2019-05-31T23:30:00+00:00", D(2019, 6, 1)),
        ("2019-06-01T01:30:00+02:00", D(2019, 6, 1)),
        ("2019-05-31T22:59:59+00:00", D(2019, 5, 31)),  # 23:59:59 BST, still Friday
        # Clocks went forward at 01:00 GMT on Sunday 31 March 2019.
        ("2019-03-30T23:30:00+00:00", D(2019, 3, 30)),  # 23:30 GMT Saturday
        ("2019-03-31T00:30:00+00:00", D(2019, 3, 31)),  # 00:30 GMT Sunday, before the change
        ("2019-03-31T23:30:00+00:00", D(2019, 4, 1)),  # 00:30 BST Monday
        # Clocks went back at 01:00 GMT (02:00 BST) on Sunday 27 October 2019.
        ("2019-10-25T23:30:00+00:00", D(2019, 10, 26)),  # 00:30 BST Saturday
        ("2019-10-27T00:30:00+00:00", D(2019, 10, 27)),  # 01:30 BST Sunday, the first 01:30
        ("2019-10-27T01:30:00+00:00", D(2019, 10, 27)),  # 01:30 GMT Sunday, the second 01:30
        ("2019-10-27T23:30:00+00:00", D(2019, 10, 27)),  # 23:30 GMT Sunday
        ("2019-12-31T23:30:00+00:00", D(2019, 12, 31)),  # winter: London is on UTC
    ],
)
def test_to_london_date_takes_the_date_in_london(moment, london):
    assert to_london_date(at(moment)) == london


def test_to_london_date_keeps_a_date_and_refuses_a_naive_moment():
    assert to_london_date(D(2019, 5, 31)) == D(2019, 5, 31)
    with pytest.raises(NaiveDatetimeError, match="has no time zone"):
        to_london_date(datetime.datetime(2019, 6, 1, 0, 30))
    with pytest.raises(NaiveDatetimeError):
        acknowledgement_due(datetime.datetime(2019, 6, 1, 0, 30))
    with pytest.raises(TypeError):
        to_london_date("2019-05-31")


# --- reg 5: acknowledgement ---------------------------------------------------------------------


def test_hestia_acknowledgement_due_thursday_6_june_2019():
    # Received Fri 31 May 2019 (day 1); Sat 1 and Sun 2 skipped; Mon 3 (2), Tue 4 (3), Wed 5 (4),
    # Thu 6 (5).
    deadline = acknowledgement_due(D(2019, 5, 31))
    assert deadline.rule == "reg5"
    assert deadline.basis == "SI 2018/748 reg 5"
    assert deadline.received == D(2019, 5, 31)
    assert deadline.start == D(2019, 5, 31)
    assert deadline.due == D(2019, 6, 6)
    assert deadline.period is None
    assert deadline.skipped == (
        SkippedDay(D(2019, 6, 1), "Saturday"),
        SkippedDay(D(2019, 6, 2), "Sunday"),
    )


def test_hestia_explanation_reads_as_a_caseworker_needs_it():
    assert acknowledgement_due(D(2019, 5, 31)).explanation == (
        "Acknowledgement (SI 2018/748 reg 5): the complaint must be acknowledged before the end of the "
        "period of 5 working days beginning with the day it was received or, if that is not a working "
        "day, beginning with the first working day after it.\n"
        "Received: Friday 31 May 2019.\n"
        "That is a working day, so the period begins that day.\n"
        "Days not counted, because they are not working days (SI 2018/748 reg 2):\n"
        "- Saturday 1 June 2019: Saturday\n"
        "- Sunday 2 June 2019: Sunday\n"
        "Due: by the end of Thursday 6 June 2019, the 5th working day counting Friday 31 May 2019 as "
        "the first."
    )


@pytest.mark.parametrize(
    ("received", "start", "due"),
    [
        # Easter 2019: Good Friday 19 Apr, Easter Monday 22 Apr.
        # Thu 18 (1); Fri 19 to Mon 22 skipped; Tue 23 (2), Wed 24 (3), Thu 25 (4), Fri 26 (5).
        (D(2019, 4, 18), D(2019, 4, 18), D(2019, 4, 26)),
        # Wed 17 (1), Thu 18 (2); Fri 19 to Mon 22 skipped; Tue 23 (3), Wed 24 (4), Thu 25 (5).
        (D(2019, 4, 17), D(2019, 4, 17), D(2019, 4, 25)),
        # Received on Good Friday: start Tue 23; Tue 23 (1) ... Fri 26 (4), Mon 29 (5).
        (D(2019, 4, 19), D(2019, 4, 23), D(2019, 4, 29)),
        # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr.
        # Thu 28 Mar (1); Fri 29 to Mon 1 skipped; Tue 2 (2), Wed 3 (3), Thu 4 (4), Fri 5 Apr (5).
        (D(2024, 3, 28), D(2024, 3, 28), D(2024, 4, 5)),
        # Received on Easter Monday 2024: start Tue 2 Apr (1), Wed 3, Thu 4, Fri 5 (4), Mon 8 (5).
        (D(2024, 4, 1), D(2024, 4, 2), D(2024, 4, 8)),
        # Christmas 2020: Fri 25 Christmas, Sat 26 Boxing Day, Mon 28 its substitute; Fri 1 Jan.
        # Thu 24 (1); Tue 29 (2), Wed 30 (3), Thu 31 (4); Fri 1 to Sun 3 skipped; Mon 4 Jan (5).
        (D(2020, 12, 24), D(2020, 12, 24), D(2021, 1, 4)),
        # Christmas 2021 at a weekend: Sat 25, Sun 26, substitutes Mon 27 and Tue 28.
        # Thu 23 (1), Fri 24 (2); Sat 25 to Tue 28 skipped; Wed 29 (3), Thu 30 (4), Fri 31 (5).
        (D(2021, 12, 23), D(2021, 12, 23), D(2021, 12, 31)),
        # Fri 24 (1); Wed 29 (2), Thu 30 (3), Fri 31 (4); Sat 1, Sun 2, Mon 3 Jan (New Year's Day
        # substitute) skipped; Tue 4 Jan 2022 (5).
        (D(2021, 12, 24), D(2021, 12, 24), D(2022, 1, 4)),
        # Christmas 2022: Sun 25, Mon 26 Boxing Day, Tue 27 the Christmas Day substitute.
        # Fri 23 (1); Wed 28 (2), Thu 29 (3), Fri 30 (4); Sat 31, Sun 1, Mon 2 Jan skipped; Tue 3 (5).
        (D(2022, 12, 23), D(2022, 12, 23), D(2023, 1, 3)),
        # Received on Christmas Day 2022 (a Sunday): start Wed 28 (1) ... Tue 3 Jan 2023 (4), Wed 4 (5).
        (D(2022, 12, 25), D(2022, 12, 28), D(2023, 1, 4)),
        # State Funeral, Mon 19 Sep 2022: Thu 15 (1), Fri 16 (2); Sat 17 to Mon 19 skipped;
        # Tue 20 (3), Wed 21 (4), Thu 22 (5).
        (D(2022, 9, 15), D(2022, 9, 15), D(2022, 9, 22)),
        # Coronation, Mon 8 May 2023: Thu 4 (1), Fri 5 (2); Sat 6 to Mon 8 skipped; Tue 9 (3),
        # Wed 10 (4), Thu 11 (5).
        (D(2023, 5, 4), D(2023, 5, 4), D(2023, 5, 11)),
        # Early May bank holiday 2020 moved to Fri 8 May (VE Day): Wed 6 (1), Thu 7 (2); Fri 8 to
        # Sun 10 skipped; Mon 11 (3), Tue 12 (4), Wed 13 (5).
        (D(2020, 5, 6), D(2020, 5, 6), D(2020, 5, 13)),
        # ...so Mon 4 May 2020 was a working day: Mon 4 (1) ... Thu 7 (4); Fri 8 skipped; Mon 11 (5).
        (D(2020, 5, 4), D(2020, 5, 4), D(2020, 5, 11)),
        # Received on a Saturday: start Mon 3 Jun 2019 (1) ... Fri 7 (5).
        (D(2019, 6, 1), D(2019, 6, 3), D(2019, 6, 7)),
        (D(2019, 6, 2), D(2019, 6, 3), D(2019, 6, 7)),
    ],
)
def test_acknowledgement_due_dates(received, start, due):
    deadline = acknowledgement_due(received)
    assert (deadline.received, deadline.start, deadline.due) == (received, start, due)


def test_acknowledgement_over_christmas_2021_skips_the_substitute_days():
    deadline = acknowledgement_due(D(2021, 12, 23))
    assert [(s.day, s.reason) for s in deadline.skipped] == [
        (D(2021, 12, 25), "Christmas Day, a Saturday"),
        (D(2021, 12, 26), "Boxing Day, a Sunday"),
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
    ]
    assert "- Monday 27 December 2021: Christmas Day (substitute day)" in deadline.explanation
    assert "- Tuesday 28 December 2021: Boxing Day (substitute day)" in deadline.explanation


def test_acknowledgement_over_the_state_funeral_says_why():
    deadline = acknowledgement_due(D(2022, 9, 15))
    assert (
        "- Monday 19 September 2022: Bank holiday: State Funeral of Queen Elizabeth II"
        in deadline.explanation
    )
    assert "Due: by the end of Thursday 22 September 2022" in deadline.explanation


@pytest.mark.parametrize(
    ("moment", "received", "due"),
    [
        # 00:30 BST Saturday 1 June 2019: received Saturday, start Mon 3, due Fri 7 June.
        ("2019-06-01T00:30:00+01:00", D(2019, 6, 1), D(2019, 6, 7)),
        ("2019-05-31T23:30:00+00:00", D(2019, 6, 1), D(2019, 6, 7)),
        # One minute before midnight in London: still Friday, so Hestia's date.
        ("2019-05-31T22:59:00+00:00", D(2019, 5, 31), D(2019, 6, 6)),
        # The weekend the clocks went back: 23:30 UTC Fri 25 Oct 2019 is 00:30 BST Sat 26: start
        # Mon 28 (1), Tue 29, Wed 30, Thu 31 (4), Fri 1 Nov (5).
        ("2019-10-25T23:30:00+00:00", D(2019, 10, 26), D(2019, 11, 1)),
        # 22:59 UTC is 23:59 BST on the Friday: Fri 25 (1), Mon 28 ... Thu 31 Oct (5).
        ("2019-10-25T22:59:00+00:00", D(2019, 10, 25), D(2019, 10, 31)),
        # The weekend the clocks went forward (31 Mar 2019): 23:30 UTC Sun 31 Mar is 00:30 BST
        # Mon 1 Apr: Mon 1 (1) ... Fri 5 Apr (5).
        ("2019-03-31T23:30:00+00:00", D(2019, 4, 1), D(2019, 4, 5)),
        # 00:30 UTC Sun 31 Mar is still 00:30 GMT Sunday: start Mon 1 Apr, due Fri 5 Apr.
        ("2019-03-31T00:30:00+00:00", D(2019, 3, 31), D(2019, 4, 5)),
        # 23:30 UTC Sat 30 Mar is 23:30 GMT Saturday.
        ("2019-03-30T23:30:00+00:00", D(2019, 3, 30), D(2019, 4, 5)),
    ],
)
def test_acknowledgement_from_a_moment_uses_the_london_date(moment, received, due):
    deadline = acknowledgement_due(at(moment))
    assert (deadline.received, deadline.due) == (received, due)


def test_receipt_just_after_midnight_explains_the_london_time():
    deadline = acknowledgement_due(at("2019-05-31T23:30:00+00:00"))
    assert deadline.explanation.splitlines()[1:3] == [
        # A person reads this: the time as people write it, never the raw ISO timestamp.
        "Received: Saturday 1 June 2019, at 12:30am BST in London.",
        "That is not a working day (Saturday), so the period begins on the first working day after it: "
        "Monday 3 June 2019.",
    ]
    assert deadline.skipped[0] == SkippedDay(D(2019, 6, 1), "Saturday")


# --- reg 7: progress reports --------------------------------------------------------------------


def test_progress_report_periods_from_tuesday_1_october_2019():
    # Period 1 begins Tue 1 Oct 2019 (told that day). Working days: Oct 1-4 (4), 7-11 (9),
    # 14-18 (14), 21-25 (19), 28-31 (23); Nov 1 (24), 4-8 (29), 11-15 (34), 18-22 (39),
    # 25-29 (44); Dec 2-6 (49), 9-13 (54), Mon 16 (55), Tue 17 Dec (56).
    #
    # Period 2 begins Wed 18 Dec 2019: 18-20 (3), 23-24 (5); 25 and 26 Dec skipped; Fri 27 (6),
    # 30-31 (8); Wed 1 Jan skipped; Jan 2-3 (10), 6-10 (15), 13-17 (20), 20-24 (25), 27-31 (30);
    # Feb 3-7 (35), 10-14 (40), 17-21 (45), 24-28 (50); Mar 2-6 (55), Mon 9 Mar 2020 (56).
    #
    # Period 3 begins Tue 10 Mar 2020: 10-13 (4), 16-20 (9), 23-27 (14), 30-31 (16); Apr 1-3
    # (19), 6-9 (23); Good Friday 10 Apr and Easter Monday 13 Apr skipped; 14-17 (27), 20-24 (32),
    # 27-30 (36); Fri 1 May (37), 4-7 (41); Fri 8 May (VE Day bank holiday) skipped; 11-15 (46),
    # 18-22 (51); Mon 25 May (spring bank holiday) skipped; 26-29 (55), Mon 1 Jun 2020 (56).
    periods = progress_report_periods(D(2019, 10, 1), 3)
    assert [(p.period, p.start, p.due) for p in periods] == [
        (1, D(2019, 10, 1), D(2019, 12, 17)),
        (2, D(2019, 12, 18), D(2020, 3, 9)),
        (3, D(2020, 3, 10), D(2020, 6, 1)),
    ]
    assert {p.rule for p in periods} == {"reg7"}
    assert {p.basis for p in periods} == {"SI 2018/748 reg 7"}
    assert {p.received for p in periods} == {D(2019, 10, 1)}
    assert [s.day for s in periods[2].skipped if s.day.weekday() < 5] == [
        D(2020, 4, 10),
        D(2020, 4, 13),
        D(2020, 5, 8),
        D(2020, 5, 25),
    ]
    assert periods[0].explanation.splitlines()[2] == "That is a working day, so period 1 begins that day."
    assert periods[1].explanation.splitlines()[1] == (
        "Period 2 begins on Wednesday 18 December 2019, the first working day after period 1 ended on "
        "Tuesday 17 December 2019."
    )
    assert periods[2].explanation.splitlines()[-1] == (
        "Due: progress report 3 by the end of Monday 1 June 2020, the 56th working day of period 3."
    )


def test_progress_report_period_told_on_a_non_working_day_applies_reg_5_and_says_so():
    # Told on Sat 25 Dec 2021 (Christmas Day). Reg 7 is silent; reg 5's rule starts period 1 on
    # the first working day after: Sun 26, Mon 27, Tue 28 are not working days, so Wed 29 Dec.
    # Dec 29-31 (3); Sat 1, Sun 2, Mon 3 Jan (substitute) skipped; Jan 4-7 (7), 10-14 (12),
    # 17-21 (17), 24-28 (22), Mon 31 (23); Feb 1-4 (27), 7-11 (32), 14-18 (37), 21-25 (42),
    # Mon 28 (43); Mar 1-4 (47), 7-11 (52), 14-17 (56): due Thu 17 Mar 2022.
    # Period 2 begins Fri 18 Mar (1); 21-25 (6), 28 Mar-1 Apr (11), 4-8 (16), 11-14 (20); Good
    # Friday 15 and Easter Monday 18 Apr skipped; 19-22 (24), 25-29 (29); Mon 2 May skipped; 3-6
    # (33), 9-13 (38), 16-20 (43), 23-27 (48), 30 May-1 Jun (51); Thu 2 (spring bank holiday) and
    # Fri 3 Jun (Platinum Jubilee) skipped; 6-10 Jun (56): due Fri 10 Jun 2022.
    first, second = progress_report_periods(D(2021, 12, 25), 2)
    assert (first.received, first.start, first.due) == (D(2021, 12, 25), D(2021, 12, 29), D(2022, 3, 17))
    assert (second.start, second.due) == (D(2022, 3, 18), D(2022, 6, 10))
    assert first.explanation.splitlines()[1:3] == [
        "Told the complaint will be investigated: Saturday 25 December 2021.",
        "That is not a working day (Christmas Day, a Saturday). Regulation 7 does not say what happens "
        "then, so we apply the rule in regulation 5: period 1 begins on the first working day after it, "
        "Wednesday 29 December 2021.",
    ]
    assert first.skipped[:4] == (
        SkippedDay(D(2021, 12, 25), "Christmas Day, a Saturday"),
        SkippedDay(D(2021, 12, 26), "Boxing Day, a Sunday"),
        SkippedDay(D(2021, 12, 27), "Christmas Day (substitute day)"),
        SkippedDay(D(2021, 12, 28), "Boxing Day (substitute day)"),
    )
    # Period 2's skipped days start after period 1's due date.
    assert second.skipped[0] == SkippedDay(D(2022, 3, 19), "Saturday")
    assert "- Friday 3 June 2022: Bank holiday: Platinum Jubilee of Elizabeth II" in second.explanation


def test_progress_report_periods_needs_at_least_one():
    with pytest.raises(ValueError):
        progress_report_periods(D(2019, 10, 1), 0)


def test_progress_report_periods_read_the_override_table_once():
    with CaptureQueriesContext(connection) as queries:
        progress_report_periods(D(2019, 10, 1), 5)
    assert len(queries) == 1


# --- calendar days ----------------------------------------------------------------------------


def test_stalking_report_action_plans_due_56_days_after_publication():
    # Published Fri 27 Sep 2024. Sep 28-30 is 3 days, October 31 more (34), then 22 days of
    # November (56): Fri 22 Nov 2024.
    deadline = calendar_days_after(D(2024, 9, 27), 56)
    assert deadline.rule == "calendar-days"
    assert (deadline.received, deadline.start, deadline.due) == (
        D(2024, 9, 27),
        D(2024, 9, 28),
        D(2024, 11, 22),
    )
    assert deadline.skipped == ()
    assert deadline.basis == (
        "No statute fixes this deadline; the report sets it (practice, by analogy with Police Act 1996 "
        "s.55(5A)-(5B))"
    )
    assert deadline.explanation == (
        "56 calendar days after a date. Every day counts, including weekends and bank holidays.\n"
        "Basis: No statute fixes this deadline; the report sets it (practice, by analogy with Police Act "
        "1996 s.55(5A)-(5B)).\n"
        "From: Friday 27 September 2024.\n"
        "Counting begins on the day after it, so day 1 is Saturday 28 September 2024.\n"
        "Due: by the end of Friday 22 November 2024, 56 days after Friday 27 September 2024."
    )


def test_calendar_days_are_not_moved_off_a_weekend_but_the_explanation_says_so():
    # Wed 26 May 2021 + 4 days = Sun 30 May 2021.
    deadline = calendar_days_after(D(2021, 5, 26), 4, basis="Set by the report, paragraph 7.1")
    assert deadline.due == D(2021, 5, 30)
    assert deadline.basis == "Set by the report, paragraph 7.1"
    assert (
        "Sunday 30 May 2021 is not a working day (Sunday); the deadline is not moved, because it is a "
        "calendar date." in deadline.explanation
    )


def test_calendar_days_need_at_least_one_day():
    with pytest.raises(ValueError):
        calendar_days_after(D(2024, 9, 27), 0)


# --- working days after a date ------------------------------------------------------------------


def test_working_days_after_begins_counting_the_next_day():
    # From Mon 3 Jun 2019: Tue 4 (1), Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5).
    deadline = working_days_after(D(2019, 6, 3), 5)
    assert deadline.rule == "working-days"
    assert (deadline.received, deadline.start, deadline.due) == (D(2019, 6, 3), D(2019, 6, 4), D(2019, 6, 10))
    assert [s.day for s in deadline.skipped] == [D(2019, 6, 8), D(2019, 6, 9)]
    assert "the first working day counted is Tuesday 4 June 2019" in deadline.explanation
    assert deadline.explanation.endswith(
        "Due: by the end of Monday 10 June 2019, 5 working days after Monday 3 June 2019."
    )


def test_working_days_after_over_the_state_funeral():
    # From Fri 16 Sep 2022: Sat 17, Sun 18, Mon 19 (State Funeral) skipped; Tue 20 (1), Wed 21 (2),
    # Thu 22 (3).
    deadline = working_days_after(D(2022, 9, 16), 3)
    assert (deadline.start, deadline.due) == (D(2022, 9, 20), D(2022, 9, 22))
    assert deadline.skipped[-1] == SkippedDay(
        D(2022, 9, 19), "Bank holiday: State Funeral of Queen Elizabeth II"
    )


def test_working_days_after_a_saturday_and_a_single_day():
    # From Sat 1 Jun 2019: Sun 2 skipped (the Saturday itself is not counted anyway); Mon 3 (1).
    deadline = working_days_after(D(2019, 6, 1), 1)
    assert (deadline.start, deadline.due) == (D(2019, 6, 3), D(2019, 6, 3))
    assert deadline.skipped == (SkippedDay(D(2019, 6, 2), "Sunday"),)
    assert deadline.explanation.splitlines()[0] == "1 working day after a date."


# --- staff overrides ----------------------------------------------------------------------------


def test_a_proclaimed_day_added_by_staff_moves_the_due_date_by_one():
    # Without it: Tue 4 Jun 2019 (1), Wed 5 (2), Thu 6 (3), Fri 7 (4), Mon 10 (5).
    assert acknowledgement_due(D(2019, 6, 4)).due == D(2019, 6, 10)
    HolidayOverride.objects.create(
        date=D(2019, 6, 5), action="add", name="Proclaimed day", reason="Proclamation (test)"
    )
    # With Wed 5 June a bank holiday: Tue 4 (1), Thu 6 (2), Fri 7 (3), Mon 10 (4), Tue 11 (5).
    deadline = acknowledgement_due(D(2019, 6, 4))
    assert deadline.due == D(2019, 6, 11)
    assert SkippedDay(D(2019, 6, 5), "Bank holiday added by staff: Proclaimed day") in deadline.skipped
    assert "- Wednesday 5 June 2019: Bank holiday added by staff: Proclaimed day" in deadline.explanation


def test_a_bank_holiday_removed_by_staff_counts_and_the_explanation_says_so():
    # With 19 Sep 2022 a working day: Thu 15 (1), Fri 16 (2), Mon 19 (3), Tue 20 (4), Wed 21 (5).
    HolidayOverride.objects.create(
        date=D(2022, 9, 19), action="remove", name="Cancelled", reason="Proclamation revoked (test)"
    )
    deadline = acknowledgement_due(D(2022, 9, 15))
    assert deadline.due == D(2022, 9, 21)
    assert [s.day for s in deadline.skipped] == [D(2022, 9, 17), D(2022, 9, 18)]
    assert (
        "- Monday 19 September 2022: usually Bank holiday: State Funeral of Queen Elizabeth II; "
        "removed: Cancelled (Proclamation revoked (test))" in deadline.explanation
    )


def test_a_shared_calendar_is_a_snapshot_taken_once():
    calendar = WorkingCalendar()
    assert acknowledgement_due(D(2019, 6, 4), calendar=calendar).due == D(2019, 6, 10)
    HolidayOverride.objects.create(date=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    with CaptureQueriesContext(connection) as queries:
        assert acknowledgement_due(D(2019, 6, 4), calendar=calendar).due == D(2019, 6, 10)
    assert len(queries) == 0
    assert acknowledgement_due(D(2019, 6, 4)).due == D(2019, 6, 11)


# --- the explanation and the JSON form ----------------------------------------------------------


def test_explanation_names_rule_basis_start_skipped_days_and_result():
    deadline = acknowledgement_due(D(2019, 4, 18))
    text = deadline.explanation
    assert "SI 2018/748 reg 5" in text
    assert "Received: Thursday 18 April 2019." in text
    assert "That is a working day, so the period begins that day." in text
    for line in [
        "- Friday 19 April 2019: Good Friday",
        "- Saturday 20 April 2019: Saturday",
        "- Sunday 21 April 2019: Sunday",
        "- Monday 22 April 2019: Easter Monday",
    ]:
        assert line in text
    assert "Due: by the end of Friday 26 April 2019" in text


def test_as_dict_is_json_ready():
    deadline = acknowledgement_due(D(2019, 5, 31))
    data = deadline.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "rule": "reg5",
        "basis": "SI 2018/748 reg 5",
        "period": None,
        "received": "2019-05-31",
        "start": "2019-05-31",
        "due": "2019-06-06",
        "skipped": ["2019-06-01", "2019-06-02"],
        "skipped_reasons": [
            {"date": "2019-06-01", "reason": "Saturday"},
            {"date": "2019-06-02", "reason": "Sunday"},
        ],
        "explanation": deadline.explanation,
    }
    assert progress_report_periods(D(2019, 10, 1), 2)[1].as_dict()["period"] == 2


def test_deadline_is_immutable():
    deadline = acknowledgement_due(D(2019, 5, 31))
    assert isinstance(deadline, Deadline)
    with pytest.raises(AttributeError):
        deadline.due = D(2019, 6, 7)


def test_utc_constant_is_used_for_aware_input():
    moment = datetime.datetime(2019, 5, 31, 23, 30, tzinfo=UTC)
    assert acknowledgement_due(moment).received == D(2019, 6, 1)
