import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.partial_dates import PartialDate, PartialDateField
from complaints.models import SuperComplaint


def test_month_only_date_is_shown_as_a_month():
    with translation.override("en"):
        assert str(PartialDate.parse("2021-08")) == "August 2021"
        assert str(PartialDate.parse("2021-05-26")) == "26 May 2021"


def test_month_only_date_has_no_day():
    month = PartialDate.parse("2020-03")
    assert month.is_month_only
    assert month.as_date is None
    assert month.isoformat() == "2020-03"


def test_months_sort_before_days_of_that_month_and_after_the_month_before():
    values = [PartialDate.parse(v) for v in ["2020-03-15", "2020-04", "2020-03", "2020-02-29"]]
    assert [v.isoformat() for v in sorted(values)] == ["2020-02-29", "2020-03", "2020-03-15", "2020-04"]


@pytest.mark.parametrize("bad", ["2021-13", "2021-02-30", "21-08", "August 2021", "2021-8"])
def test_bad_values_are_refused(bad):
    with pytest.raises(ValueError):
        PartialDate.parse(bad)
    with pytest.raises(ValidationError):
        PartialDateField().clean(bad, None)


def test_a_moment_is_not_a_date():
    with pytest.raises(ValidationError):
        PartialDateField().to_python(datetime.datetime(2021, 8, 1, 12, 0))


@pytest.mark.django_db
def test_stored_as_the_month_and_sorted_by_the_database():
    for title, received in [("b", "2020-03-15"), ("c", "2020-04"), ("a", "2020-03"), ("z", "2019-12-31")]:
        SuperComplaint.objects.create(title=title, received_on=received)
    assert list(SuperComplaint.objects.order_by("received_on").values_list("title", flat=True)) == [
        "z",
        "a",
        "b",
        "c",
    ]
    stored = SuperComplaint.objects.filter(title="a").values_list("received_on", flat=True).get()
    assert stored == PartialDate(2020, 3)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT received_on FROM complaints_supercomplaint WHERE title = 'a'")
        assert cursor.fetchone()[0] == "2020-03"  # no day invented in storage either
