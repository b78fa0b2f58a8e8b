"""Working days under SI 2018/748 reg 2, and the staff overrides of the bank-holiday calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.calendar import (
    WorkingCalendar,
    add_working_days,
    bank_holiday_name,
    easter_sunday,
    is_working_day,
    long_date,
    next_working_day,
    non_working_reason,
    statutory_non_working_reason,
    working_days_between,
)
from deadlines.models import HolidayOverride

D = datetime.date
NO_OVERRIDES = WorkingCalendar(overrides=[])

# Every non-working weekday in England and Wales, 2018 to 2027, as GOV.UK's bank-holidays list
# gives them (Christmas Day and Good Friday included, as reg 2 names them).
WEEKDAY_HOLIDAYS = {
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


@pytest.mark.parametrize("year", sorted(WEEKDAY_HOLIDAYS))
def test_non_working_weekdays_match_the_published_bank_holidays(year):
    found = [
        day.strftime("%m-%d")
        for day in (D(year, 1, 1) + datetime.timedelta(days=n) for n in range(366))
        if day.year == year and day.weekday() < 5 and not NO_OVERRIDES.is_working_day(day)
    ]
    assert found == WEEKDAY_HOLIDAYS[year]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2019, 6, 1), "Saturday"),
        (D(2019, 6, 2), "Sunday"),
        (D(2019, 4, 19), "Good Friday"),
        (D(2019, 4, 22), "Easter Monday"),
        (D(2019, 12, 25), "Christmas Day"),
        (D(2019, 12, 26), "Boxing Day"),
        (D(2020, 5, 8), "Early May bank holiday"),
        (D(2020, 12, 26), "Boxing Day, a Saturday"),
        (D(2020, 12, 28), "Boxing Day (substitute day)"),
        (D(2021, 12, 25), "Christmas Day, a Saturday"),
        (D(2021, 12, 26), "Boxing Day, a Sunday"),
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
        (D(2022, 1, 3), "New Year's Day (substitute day)"),
        (D(2022, 6, 2), "Spring bank holiday"),
        (D(2022, 6, 3), "Bank holiday: Platinum Jubilee of Elizabeth II"),
        (D(2022, 8, 29), "Summer bank holiday"),
        (D(2022, 9, 19), "Bank holiday: State Funeral of Queen Elizabeth II"),
        (D(2022, 12, 25), "Christmas Day, a Sunday"),
        (D(2022, 12, 26), "Boxing Day"),
        (D(2022, 12, 27), "Christmas Day (substitute day)"),
        (D(2023, 5, 8), "Bank holiday: Coronation of Charles III"),
        (D(2019, 5, 31), None),
        (D(2020, 5, 4), None),
        (D(2022, 12, 28), None),
    ],
)
def test_non_working_reason_names_the_day(day, reason):
    assert NO_OVERRIDES.non_working_reason(day) == reason
    assert NO_OVERRIDES.is_working_day(day) is (reason is None)


def test_statutory_reason_covers_only_what_reg_2_names_itself():
    assert statutory_non_working_reason(D(2024, 3, 29)) == "Good Friday"
    assert statutory_non_working_reason(D(2027, 12, 25)) == "Christmas Day, a Saturday"
    assert statutory_non_working_reason(D(2024, 4, 1)) is None  # Easter Monday is a bank holiday
    assert bank_holiday_name(D(2024, 4, 1)) == "Easter Monday"
    # Christmas Day and Good Friday are not bank holidays under the 1971 Act.
    assert bank_holiday_name(D(2024, 12, 25)) is None
    assert bank_holiday_name(D(2024, 3, 29)) is None


def test_long_date_is_written_as_caseworkers_write_it():
    assert long_date(D(2019, 5, 31)) == "Friday 31 May 2019"
    assert long_date(D(2024, 11, 22)) == "Friday 22 November 2024"


def test_working_day_arithmetic():
    # Fri 31 May 2019 -> Mon 3, Tue 4, Wed 5, Thu 6 June.
    assert NO_OVERRIDES.add_working_days(D(2019, 5, 31), 4) == D(2019, 6, 6)
    assert NO_OVERRIDES.add_working_days(D(2019, 6, 1), 0) == D(2019, 6, 1)
    assert NO_OVERRIDES.next_working_day(D(2019, 4, 18)) == D(2019, 4, 23)  # over Easter 2019
    assert NO_OVERRIDES.first_working_day_from(D(2019, 5, 31)) == D(2019, 5, 31)
    assert NO_OVERRIDES.first_working_day_from(D(2019, 6, 1)) == D(2019, 6, 3)
    # Fri 31 May to Thu 6 Jun 2019: 5 working days; the weekend is not counted.
    assert NO_OVERRIDES.working_days_between(D(2019, 5, 31), D(2019, 6, 6)) == 5
    assert NO_OVERRIDES.working_days_between(D(2019, 6, 6), D(2019, 5, 31)) == 0
    with pytest.raises(ValueError):
        NO_OVERRIDES.add_working_days(D(2019, 6, 1), -1)


def test_skipped_between_lists_each_non_working_day_with_its_reason():
    skipped = NO_OVERRIDES.skipped_between(D(2021, 12, 24), D(2021, 12, 29))
    assert [(s.day, s.reason) for s in skipped] == [
        (D(2021, 12, 25), "Christmas Day, a Saturday"),
        (D(2021, 12, 26), "Boxing Day, a Sunday"),
        (D(2021, 12, 27), "Christmas Day (substitute day)"),
        (D(2021, 12, 28), "Boxing Day (substitute day)"),
    ]


@pytest.mark.django_db
def test_module_functions_read_overrides_from_the_table():
    HolidayOverride.objects.create(
        date=D(2019, 6, 5), action="add", name="Proclaimed day", reason="Proclamation of 1 May 2019"
    )
    assert is_working_day(D(2019, 6, 5)) is False
    assert non_working_reason(D(2019, 6, 5)) == "Bank holiday added by staff: Proclaimed day"
    assert next_working_day(D(2019, 6, 4)) == D(2019, 6, 6)
    assert add_working_days(D(2019, 6, 4), 1) == D(2019, 6, 6)
    assert working_days_between(D(2019, 6, 3), D(2019, 6, 7)) == 4


@pytest.mark.django_db
def test_removed_bank_holiday_counts_as_a_working_day():
    HolidayOverride.objects.create(
        date=D(2022, 9, 19), action="remove", name="Cancelled", reason="Test of a cancelled proclamation"
    )
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2022, 9, 19)) is True
    [removed] = calendar.removed_holidays_between(D(2022, 9, 1), D(2022, 9, 30))
    assert (removed.day, removed.usual_name, removed.name) == (
        D(2022, 9, 19),
        "Bank holiday: State Funeral of Queen Elizabeth II",
        "Cancelled",
    )
    assert calendar.removed_holidays_between(D(2022, 9, 20), D(2022, 9, 30)) == ()


@pytest.mark.django_db
def test_a_calendar_reads_the_override_table_once():
    HolidayOverride.objects.create(date=D(2019, 6, 5), action="add", name="Proclaimed day", reason="r")
    calendar = WorkingCalendar()
    with CaptureQueriesContext(connection) as queries:
        for n in range(1, 60):
            calendar.add_working_days(D(2019, 1, 1), n)
        calendar.skipped_between(D(2019, 1, 1), D(2019, 12, 31))
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("day", "action", "message"),
    [
        (D(2019, 6, 1), "remove", "This day is never a working day (Saturday: SI 2018/748 reg 2)"),
        (D(2019, 12, 25), "remove", "This day is never a working day (Christmas Day: SI 2018/748 reg 2)"),
        (D(2019, 4, 19), "remove", "This day is never a working day (Good Friday: SI 2018/748 reg 2)"),
        (D(2019, 6, 4), "remove", "This day is not a bank holiday, so there is nothing to remove."),
        (D(2019, 6, 1), "add", "This day is already not a working day: Saturday."),
        (D(2023, 5, 8), "add", "already not a working day: Bank holiday: Coronation of Charles III."),
    ],
)
def test_override_validation_refuses_what_reg_2_fixes(day, action, message):
    override = HolidayOverride(date=day, action=action, name="n", reason="r")
    with pytest.raises(ValidationError) as caught:
        override.clean()
    [error] = caught.value.message_dict["date"]
    assert message in error


def test_override_validation_accepts_a_new_day_and_removing_a_bank_holiday():
    HolidayOverride(date=D(2019, 6, 5), action="add", name="n", reason="r").clean()
    HolidayOverride(date=D(2023, 5, 8), action="remove", name="n", reason="r").clean()


def test_easter_sunday_matches_dateutil_for_every_year_it_could_matter():
    from dateutil.easter import easter

    for year in range(1900, 2301):
        assert easter_sunday(year) == easter(year), year
    assert easter_sunday(2019) == D(2019, 4, 21)
    assert easter_sunday(2024) == D(2024, 3, 31)


def test_in_welsh_the_weekday_mutates_after_ar():
    from django.utils import translation

    with translation.override("cy"):
        assert statutory_non_working_reason(D(2021, 12, 25)) == "Dydd Nadolig, ar ddydd Sadwrn"
        assert statutory_non_working_reason(D(2022, 12, 25)) == "Dydd Nadolig, ar ddydd Sul"
