"""The sweep's run that changes nothing costs a fixed number of queries: each step asks the
database whether there is anything to do instead of visiting every candidate row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from deadlines.models import Deadline
from operations.sweep import sweep_deadlines
from recommendations.models import ObligationStep
from tests.builders import eligible, london
from tests.recommendations.ladder_support import DUE, addressee_people, published_report

pytestmark = pytest.mark.django_db

# Thirty days after the responses were due: the chaser, the letter and the public mark are taken.
ON = DUE + datetime.timedelta(days=30)


def _changed_nothing(run):
    before = (
        AuditEvent.objects.count(),
        ObligationStep.objects.count(),
        list(Deadline.objects.order_by("pk").values_list("pk", "due", "flagged_overdue_on", "updated_at")),
    )
    counts = run()
    after = (
        AuditEvent.objects.count(),
        ObligationStep.objects.count(),
        list(Deadline.objects.order_by("pk").values_list("pk", "due", "flagged_overdue_on", "updated_at")),
    )
    assert before == after
    assert not any(counts.values()), counts


def test_a_second_sweep_costs_the_same_queries_for_one_case_as_for_many(
    public_record, django_assert_max_num_queries
):
    addressee_people()
    published_report("First report")
    eligible("Under investigation", told=london(2026, 1, 5, 9))
    first = sweep_deadlines(ON)
    assert first["response_letters"] == 2 and first["responses_marked_overdue"] == 2
    with CaptureQueriesContext(connection) as one:
        _changed_nothing(lambda: sweep_deadlines(ON))

    for n in range(3):
        published_report(f"Report {n}")
        eligible(f"Investigation {n}", told=london(2026, 2, 2 + n, 9))
    more = sweep_deadlines(ON)
    assert more["response_letters"] == 6 and more["responses_marked_overdue"] == 6
    with django_assert_max_num_queries(len(one.captured_queries)):
        _changed_nothing(lambda: sweep_deadlines(ON))


def test_a_period_that_starts_after_the_last_sweep_is_still_stored(public_record):
    complaint = eligible("Under investigation", told=london(2026, 1, 5, 9))
    sweep_deadlines(datetime.date(2026, 3, 2))
    stored = complaint.progress_reports.count()
    # A day past every stored period: the complaint needs its next period, so the sweep visits it.
    last = Deadline.objects.filter(case_id=complaint.pk, rule="reg7").order_by("-due").first()
    sweep_deadlines(last.due + datetime.timedelta(days=1))
    assert complaint.progress_reports.count() == stored + 1
