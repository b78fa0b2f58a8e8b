"""The report's sign-off and publication pages: each authority signs off for itself, the team
publishes now or at a set moment after a confirmation, and bad input keeps what was typed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import SuperComplaint
from organisations.models import Organisation
from recommendations.services import add_recommendation
from reports.models import Report, ReportState
from reports.services import create_report
from tests.builders import authority, eligible, london
from tests.casework.test_dashboard import text
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def _report() -> Report:
    complaint = eligible("Police response to victims", told=london(2026, 6, 1, 10))
    services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("HMICFRS")
    )
    report = create_report(complaint, title="The hidden victims, again")
    add_recommendation(
        report,
        label="Recommendation 1",
        text="Publish guidance.",
        organisations=[Organisation.objects.get(name="Home Office")],
    )
    return report


def _url(report: Report, tail: str) -> str:
    return f"/casework/complaints/{report.complaint.reference}/report/{tail}"


def test_each_authority_signs_off_for_itself_and_may_withdraw(client_for):
    report = _report()
    iopc = client_for("iopc")
    page = iopc.get(_url(report, "sign-off/"))
    assert page.status_code == 200
    assert_valid_html(page.content.decode())
    assert "Sign off for Independent Office for Police Conduct" in text(page)

    done = iopc.post(_url(report, "sign-off/"), {"action": "sign_off"}, follow=True)
    assert "Independent Office for Police Conduct has signed off the report." in text(done)
    assert list(report.sign_offs.values_list("authority__short_name", flat=True)) == ["IOPC"]
    client_for("college").post(_url(report, "sign-off/"), {"action": "sign_off"})
    assert report.sign_offs.count() == 2

    iopc.post(_url(report, "sign-off/"), {"action": "withdraw"})
    assert list(report.sign_offs.values_list("authority__short_name", flat=True)) == ["College"]


def test_a_designated_body_cannot_see_the_pages(client_for):
    report = _report()
    assert client_for("hestia").get(_url(report, "sign-off/")).status_code == 404
    assert client_for("hestia").get(_url(report, "publish/")).status_code == 404


def test_publication_names_who_is_missing_and_is_refused_until_all_have_signed(client_for):
    report = _report()
    client_for("iopc").post(_url(report, "sign-off/"), {"action": "sign_off"})
    team = client_for("team")
    page = team.get(_url(report, "publish/"))
    assert "Not yet signed off by: College of Policing," in text(page)
    confirm = team.post(_url(report, "publish/"), {"when": "now"})
    assert "Confirm the publication" in text(confirm)
    refused = team.post(_url(report, "publish/"), {"when": "now", "confirmed": "yes"})
    assert refused.status_code == 200
    assert "cannot be published until every authority has signed it off" in text(refused)
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_an_embargo_in_the_past_or_a_malformed_time_keeps_what_was_typed(client_for):
    report = _report()
    team = client_for("team")
    past = team.post(
        _url(report, "publish/"),
        {"when": "later", "on_0": "1", "on_1": "1", "on_2": "2020", "time": "9:30am"},
    )
    assert past.status_code == 200
    body = past.content.decode()
    assert_valid_html(body)
    assert "The date and time of publication must be in the future" in text(past)
    assert 'value="2020"' in body and 'value="9:30am"' in body

    bad_time = team.post(
        _url(report, "publish/"),
        {"when": "later", "on_0": "1", "on_1": "1", "on_2": "2099", "time": "25 o'clock"},
    )
    assert "Enter the time of publication as, for example, 9:30am or 14:00" in text(bad_time)
    assert 'value="25 o&#x27;clock"' in bad_time.content.decode()

    bad_date = team.post(
        _url(report, "publish/"), {"when": "later", "on_0": "31", "on_1": "2", "on_2": "2099"}
    )
    assert "must be a real date" in text(bad_date)
    assert "Enter the time of publication" in text(bad_date)
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_the_team_schedules_a_publication_after_confirming_and_can_cancel_it(client_for):
    report = _report()
    for name in ("team", "iopc", "college"):
        client_for(name).post(_url(report, "sign-off/"), {"action": "sign_off"})
    team = client_for("team")
    year = timezone.now().year + 1
    form = {"when": "later", "on_0": "3", "on_1": "2", "on_2": str(year), "time": "09:30"}
    confirm = team.post(_url(report, "publish/"), form)
    assert "At 9:30am on" in text(confirm) and f"3 February {year} (London time)" in text(confirm)
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT
    assert_valid_html(confirm.content.decode())

    done = team.post(_url(report, "publish/"), {**form, "confirmed": "yes"}, follow=True)
    assert "The report will be published at 9:30am on" in text(done)
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.release_pending
    assert report.embargo_until == datetime.datetime(year, 2, 3, 9, 30, tzinfo=datetime.UTC)
    assert "Cancel the scheduled publication" in text(done)

    cancelled = team.post(_url(report, "publish/cancel/"), follow=True)
    assert "The scheduled publication is cancelled" in text(cancelled)
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_only_the_team_publishes(client_for):
    report = _report()
    assert (
        client_for("iopc").post(_url(report, "publish/"), {"when": "now", "confirmed": "yes"}).status_code
        == 404
    )


def test_publishing_now_shows_who_was_told_and_who_had_nobody_to_tell(client_for):
    report = _report()
    for name in ("team", "iopc", "college"):
        client_for(name).post(_url(report, "sign-off/"), {"action": "sign_off"})
    team = client_for("team")
    done = team.post(_url(report, "publish/"), {"when": "now", "confirmed": "yes"}, follow=True)
    assert "The report is published." in text(done)
    assert "Addressees told Organisation Told Home Office No recipient" in text(done)
    assert_valid_html(done.content.decode())
    report.refresh_from_db()
    assert report.released_at is not None
    assert report.complaint.state == "report_published"
