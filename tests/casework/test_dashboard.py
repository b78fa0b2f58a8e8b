"""The casework dashboard: complaints by stage, running deadlines against London today, filters."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import selectors, services
from complaints.models import ComplaintState, SuperComplaint
from tests.builders import authority, london
from tests.casework.support import FULL_CHECKLIST, received
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db

SATURDAY = datetime.date(2026, 11, 28)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(selectors, "london_today", lambda: SATURDAY)
    return SATURDAY


def eligible_told_on(at, body="Hestia", title="Police response to victims"):
    complaint = services.acknowledge_complaint(
        received(body, at=at - datetime.timedelta(days=10), title=title)
    )
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(
            complaint, authority=authority(short), position="eligible", reasons="Meets reg 4"
        )
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="",
        checklist=dict.fromkeys(FULL_CHECKLIST, True),
        repeat_finding="not_a_repeat",
        at=at,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def text(response) -> str:
    """The page's visible text, one space between words."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'").split())


def deadline_rows(response) -> list[str]:
    table = response.content.decode().split('id="deadlines"')[1].split("</table>")[0].split("<tbody")[1]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, flags=re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_deadlines_show_the_due_day_and_the_days_left_against_london_today(client_for, today):
    in_time = received(at=london(2026, 11, 27, 10, 0), title="Due next Thursday")
    late = received(at=london(2026, 11, 20, 10, 0), title="Due last Thursday")
    one_day_late = received(at=london(2026, 11, 23, 10, 0), title="Due yesterday")
    reporting = eligible_told_on(london(2026, 9, 14, 12, 0), title="Progress report due Monday")
    overdue_report = eligible_told_on(london(2026, 8, 3, 12, 0), title="Progress report long overdue")

    response = client_for("team").get("/casework/")

    assert response.status_code == 200
    assert deadline_rows(response) == [
        f"{overdue_report.reference} Progress report long overdue Progress report 1 SI 2018/748 regulation 7 "
        "Overdue by 39 days was due Tuesday 20 October 2026",
        f"{late.reference} Due last Thursday Acknowledgement SI 2018/748 regulation 5 "
        "Overdue by 2 days was due Thursday 26 November 2026",
        f"{one_day_late.reference} Due yesterday Acknowledgement SI 2018/748 regulation 5 "
        "Overdue by 1 day was due Friday 27 November 2026",
        f"{reporting.reference} Progress report due Monday Progress report 1 SI 2018/748 regulation 7 "
        "Due Monday 30 November 2026 — 2 days left",
        f"{in_time.reference} Due next Thursday Acknowledgement SI 2018/748 regulation 5 "
        "Due Thursday 3 December 2026 — 5 days left",
    ]
    page = response.content.decode()
    assert (
        page.count('<strong class="govuk-tag govuk-tag--red">Overdue by') == 6
    )  # deadlines table and stage lists
    assert "from today in London: Saturday 28 November 2026" in text(response)


def test_a_sent_progress_report_moves_the_deadline_to_the_next_period(client_for, today):
    complaint = eligible_told_on(london(2026, 9, 14, 12, 0))
    services.send_progress_report(
        complaint.progress_reports.get(period=1), steps_taken="Fieldwork", steps_proposed="Analysis"
    )
    rows = deadline_rows(client_for("team").get("/casework/"))
    assert rows == [
        f"{complaint.reference} Police response to victims Progress report 2 SI 2018/748 regulation 7 "
        "Due Friday 19 February 2027 — 83 days left"
    ]


def test_a_deadline_due_today_says_so(client_for, monkeypatch):
    # Received Friday 27 November: the acknowledgement is due by the end of Thursday 3 December.
    complaint = received(at=london(2026, 11, 27, 10, 0))
    monkeypatch.setattr(selectors, "london_today", lambda: datetime.date(2026, 12, 3))
    assert deadline_rows(client_for("team").get("/casework/")) == [
        f"{complaint.reference} Police response to victims Acknowledgement SI 2018/748 regulation 5 "
        "Due today Thursday 3 December 2026"
    ]


def test_stage_counts_cover_every_complaint_and_the_lists_group_them(client_for, today):
    received(at=london(2026, 11, 27, 10, 0))
    services.acknowledge_complaint(received(at=london(2026, 11, 26, 10, 0)))
    response = client_for("team").get("/casework/")
    counts = dict(response.context["dashboard"].counts)
    assert counts[ComplaintState.RECEIVED] == 1
    assert counts[ComplaintState.ACKNOWLEDGED] == 1
    # The public record's seven complaints with their reports published, and the eighth, being
    # investigated.
    assert counts[ComplaintState.REPORT_PUBLISHED] == 7
    assert counts[ComplaintState.INVESTIGATING] == 1
    assert response.context["dashboard"].total == 10
    assert [(g.state, len(g.rows)) for g in response.context["dashboard"].groups] == [
        (ComplaintState.RECEIVED, 1),
        (ComplaintState.ACKNOWLEDGED, 1),
        (ComplaintState.INVESTIGATING, 1),
        (ComplaintState.REPORT_PUBLISHED, 7),
    ]
    assert "Showing 10 complaints." in text(response)


def test_filters_by_stage_body_and_overdue_keep_the_counts_of_all(client_for, today):
    hestia_late = received("Hestia", at=london(2026, 11, 20, 10, 0))
    liberty_in_time = received("Liberty", at=london(2026, 11, 27, 10, 0))
    team = client_for("team")

    def shown(query):
        response = team.get("/casework/", query)
        assert response.status_code == 200
        assert response.context["dashboard"].total == 10
        return [row.complaint.reference for g in response.context["dashboard"].groups for row in g.rows]

    assert shown({"stage": "received"}) == [hestia_late.reference, liberty_in_time.reference]
    liberty = liberty_in_time.complainants.get().pk
    assert shown({"stage": "received", "body": str(liberty)}) == [liberty_in_time.reference]
    # Liberty is also one of the two bodies of SC-2018-001 (public record); stages in order.
    assert shown({"body": str(liberty)}) == [liberty_in_time.reference, "SC-2018-001"]
    assert shown({"overdue": "on"}) == [hestia_late.reference]
    assert shown({"stage": "acknowledged"}) == []
    # An unknown stage is ignored rather than an error: the page shows everything.
    assert len(shown({"stage": "no-such-stage"})) == 10


def test_the_filter_form_is_a_get_form_that_keeps_its_values(client_for, today):
    received(at=london(2026, 11, 20, 10, 0))
    page = client_for("team").get("/casework/", {"stage": "received", "overdue": "on"}).content.decode()
    assert '<form method="get" action="/casework/" novalidate>' in page
    assert '<option value="received" selected>Received</option>' in page
    assert 'name="overdue" type="checkbox" value="on" checked' in page
    assert 'href="/casework/">Clear filters</a>' in page


def test_the_dashboard_costs_the_same_queries_for_one_complaint_as_for_many(
    client_for, today, django_assert_max_num_queries
):
    team = client_for("team")
    SuperComplaint.objects.filter(is_historical=True).update(state=ComplaintState.CLOSED)
    received(at=london(2026, 11, 27, 10, 0))
    team.get("/casework/")  # the first request of a session does more (session, device)
    with CaptureQueriesContext(connection) as one:
        assert len(team.get("/casework/").context["dashboard"].deadlines) == 1

    received(at=london(2026, 11, 20, 10, 0))
    received("Liberty", at=london(2026, 11, 23, 10, 0))
    services.acknowledge_complaint(received(at=london(2026, 11, 24, 10, 0)))
    eligible_told_on(london(2026, 9, 14, 12, 0))
    eligible_told_on(london(2026, 8, 3, 12, 0), body="Liberty")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = team.get("/casework/")
    assert len(response.context["dashboard"].deadlines) == 5
    assert response.context["dashboard"].shown == 14


def test_the_dashboard_is_valid_html(client_for, today):
    received(at=london(2026, 11, 20, 10, 0))
    eligible_told_on(london(2026, 9, 14, 12, 0))
    assert_valid_html(client_for("team").get("/casework/").content.decode(), name="dashboard.html")
