"""The response deadline counted from publication: 56 calendar days after the London day the
report became public (SPEC rule 10: practice, no statute)."""

import datetime

import pytest
from django.utils import translation

from deadlines import rules
from deadlines.calendar import WorkingCalendar
from deadlines.selectors import explanation_in_active_language

UTC = datetime.UTC
NO_OVERRIDES = WorkingCalendar(())  # the bank holidays as the law gives them, without the database


def test_the_stalking_report_published_on_27_september_2024_asked_for_responses_by_22_november():
    deadline = rules.response_due_after_publication(
        datetime.datetime(2024, 9, 27, 10, 0, tzinfo=UTC), calendar=NO_OVERRIDES
    )
    assert deadline.due == datetime.date(2024, 11, 22)
    assert deadline.received == datetime.date(2024, 9, 27)
    assert deadline.start == datetime.date(2024, 9, 28)
    assert deadline.skipped == ()
    assert "no statute fixes it; the report sets it" in deadline.explanation
    assert deadline.explanation.endswith(
        "56 calendar days after publication on Friday 27 September 2024 is Friday 22 November 2024."
    )


def test_a_publication_at_2330_utc_in_summer_falls_on_the_next_london_day():
    # 23:30 UTC on Monday 1 July 2024 is 00:30 BST on Tuesday 2 July.
    deadline = rules.response_due_after_publication(
        datetime.datetime(2024, 7, 1, 23, 30, tzinfo=UTC), calendar=NO_OVERRIDES
    )
    assert deadline.received == datetime.date(2024, 7, 2)
    assert deadline.due == datetime.date(2024, 8, 27)
    assert "12:30am BST in London" in deadline.explanation


def test_a_due_day_on_a_bank_holiday_is_not_moved():
    # Published Monday 30 June 2025: 56 days later is Monday 25 August 2025, the summer bank holiday.
    deadline = rules.response_due_after_publication(datetime.date(2025, 6, 30), calendar=NO_OVERRIDES)
    assert deadline.due == datetime.date(2025, 8, 25)
    assert "the deadline is not moved" in deadline.explanation


def test_a_naive_moment_is_refused():
    with pytest.raises(rules.NaiveDatetimeError):
        rules.response_due_after_publication(datetime.datetime(2024, 9, 27, 10, 0), calendar=NO_OVERRIDES)


@pytest.mark.django_db
def test_the_row_keeps_what_it_was_counted_from_and_a_welsh_page_re_derives_the_working(public_record):
    from deadlines.models import DeadlineRule
    from deadlines.services import ensure_response_deadline
    from organisations.models import Organisation

    subject = Organisation.objects.get(name="Home Office")  # any saved row serves as a subject here
    published = datetime.datetime(2024, 9, 27, 8, 0, tzinfo=UTC)
    row = ensure_response_deadline(subject, case=subject, due=None, published=published)
    assert row is not None
    assert (row.rule, row.due, row.counted_from, row.counted_from_moment) == (
        DeadlineRule.RESPONSE,
        datetime.date(2024, 11, 22),
        datetime.date(2024, 9, 27),
        published,
    )
    assert row.explanation["result"] == "2024-11-22"
    with translation.override("cy"):
        welsh = explanation_in_active_language(row)
        assert welsh == rules.response_due_after_publication(published).explanation
    assert explanation_in_active_language(row) == row.explanation_text


@pytest.mark.django_db
def test_a_date_the_report_sets_is_written_as_a_set_date(public_record):
    from deadlines.services import ensure_response_deadline
    from organisations.models import Organisation

    subject = Organisation.objects.get(name="Home Office")
    row = ensure_response_deadline(subject, case=subject, due=datetime.date(2025, 3, 31))
    assert row is not None
    assert (row.due, row.counted_from, row.start) == (datetime.date(2025, 3, 31), None, None)
    assert row.explanation_text == "Due: by the end of Monday 31 March 2025, the date the report sets."
