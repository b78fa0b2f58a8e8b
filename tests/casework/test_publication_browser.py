"""Sign-off and scheduled publication in a real browser: staff of each of the three authorities
sign off the report, the team schedules its publication (after a refused moment in the past,
which keeps what was typed) and confirms it. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from complaints import services
from complaints.models import SuperComplaint
from organisations.models import Organisation
from recommendations.services import add_recommendation
from reports.models import Report, ReportState
from reports.services import create_report
from tests.builders import authority, eligible, ensure_public_record, london
from tests.casework.support import make_person
from tests.casework.test_investigation_browser import sign_in
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser]


def test_three_authorities_sign_off_and_the_team_schedules_publication(
    transactional_db, live_server, browser: Browser
):
    ensure_public_record()
    base = live_server.url
    people = {name: make_person(name) for name in ("team", "iopc", "college")}
    complaint = eligible("Police response to victims of stalking", told=london(2026, 6, 1, 10))
    services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("HMICFRS")
    )
    report = create_report(complaint, title="The police response to stalking")
    add_recommendation(
        report,
        label="Recommendation 1",
        text="Publish guidance.",
        organisations=[Organisation.objects.get(name="Home Office")],
    )
    reference = complaint.reference
    sign_off_url = f"/casework/complaints/{reference}/report/sign-off/"

    for name, authority_name in (
        ("iopc", "Independent Office for Police Conduct"),
        ("college", "College of Policing"),
        ("team", authority("HMICFRS").name),
    ):
        page = sign_in(browser, base, people[name], sign_off_url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the report")
        assert_accessible(page)
        page.get_by_role("button", name=f"Sign off for {authority_name}").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "has signed off the report"
        )
        assert_accessible(page)
        if name != "team":
            page.context.close()

    team = page
    team.get_by_role("link", name="Publish the report").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Publish the report")
    assert_accessible(team)

    # A moment in the past: refused, and what was typed is kept.
    team.get_by_label("At a set date and time (an embargo)").check()
    team.get_by_label("Day").fill("1")
    team.get_by_label("Month").fill("1")
    team.get_by_label("Year").fill("2020")
    team.get_by_label("Time of publication (London time)").fill("9:30am")
    team.get_by_role("button", name="Continue").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text(
        "The date and time of publication must be in the future"
    )
    expect(team.get_by_label("Year")).to_have_value("2020")
    expect(team.get_by_label("Time of publication (London time)")).to_have_value("9:30am")
    assert_accessible(team)

    year = timezone.now().year + 1
    team.get_by_label("Year").fill(str(year))
    team.get_by_role("button", name="Continue").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Confirm the publication")
    assert_accessible(team)
    team.get_by_role("button", name="Schedule the publication").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text(
        "The report will be published at 9:30am on"
    )
    expect(team.get_by_role("button", name="Cancel the scheduled publication")).to_be_visible()
    assert_accessible(team)

    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.release_pending
    assert Report.objects.published().filter(pk=report.pk).count() == 0
    # Nothing of it is public yet.
    public = browser.new_context().new_page()
    response = public.goto(f"{base}/super-complaints/{reference}/report/")
    assert response is not None and response.status == 404
