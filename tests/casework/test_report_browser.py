"""The report builder in a real browser: staff start a report, write a passage, add an action, a
recommendation to the chief constables (43 forces, one taken off) and one to the Home Office,
propose an excluded passage that a second member of staff approves, and give an opinion. The
published preview leaves the excluded passage out. Every builder page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from recommendations.models import Recommendation
from recommendations.selectors import addressees_of
from recommendations.services import ensure_standard_groups
from reports.models import Report
from reports.selectors import unapproved_exclusions
from tests.builders import ensure_public_record
from tests.casework.support import make_person
from tests.casework.test_investigation_browser import sign_in
from tests.helpers import assert_accessible
from tests.public.seed import investigating

pytestmark = [pytest.mark.browser]

EXCLUDED = "EXCLUDED-7c1a the refuge is at 1 High Street"


def saved(page: Page, message: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(message)
    assert_accessible(page)


def test_staff_build_a_report_with_an_approved_exclusion_and_an_opinion(
    transactional_db, live_server, browser: Browser
):
    ensure_public_record()
    ensure_standard_groups()
    base = live_server.url
    team_person, iopc_person = make_person("team"), make_person("iopc")
    complaint = investigating("Police response to victims of stalking")
    reference = complaint.reference

    team = sign_in(browser, base, team_person, f"/casework/complaints/{reference}/")
    team.get_by_role("link", name="Start the report").click()
    assert_accessible(team)
    team.get_by_role("button", name="Start the report").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text("Enter the report")
    assert_accessible(team)
    team.get_by_label("Title of the report").fill("Stalked and unprotected")
    team.get_by_role("button", name="Start the report").click()
    saved(team, "The report has been started")

    # A passage of the steps taken, then a second that must be excluded (reg 8(3)).
    team.get_by_role("link", name="Add a passage to steps taken to investigate").click()
    expect(team.get_by_label("Steps taken to investigate")).to_be_checked()
    team.get_by_role("button", name="Save the passage").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text("Enter the text of the passage")
    assert_accessible(team)
    team.get_by_label("Text of the passage").fill("We read 300 case files from 6 forces.")
    team.get_by_role("button", name="Save the passage").click()
    saved(team, "The passage has been added")
    team.get_by_role("link", name="Add a passage to steps taken to investigate").click()
    team.get_by_label("Text of the passage").fill(EXCLUDED)
    team.get_by_role("button", name="Save the passage").click()
    saved(team, "The passage has been added")
    team.get_by_role("link", name="Exclude passage 2 of Steps taken to investigate").click()
    assert_accessible(team)
    team.get_by_label("The safety of any person").check()
    team.get_by_label("Reason").fill("It locates a refuge.")
    team.get_by_role("button", name="Propose the exclusion").click()
    saved(team, "The exclusion has been proposed")
    expect(team.get_by_role("button", name="Approve the exclusion")).to_have_count(0)

    # An action owned by the College.
    team.get_by_role("link", name="Add an action").click()
    assert_accessible(team)
    team.get_by_label("College of Policing").check()
    team.get_by_label("What the authority will do").fill("Update the guidance on stalking.")
    team.get_by_role("button", name="Save the action").click()
    saved(team, "The action has been added")

    # A recommendation to the chief constables, with one force taken off its list.
    team.get_by_role("link", name="Add a recommendation").click()
    assert_accessible(team)
    team.get_by_label("Text of the recommendation").fill("Every force should appoint a stalking lead.")
    team.get_by_label("chief constables (43)").check()
    team.get_by_role("button", name="Save the recommendation").click()
    saved(team, f"Recommendation {reference}-R1 has been added")
    expect(
        team.locator(f"#recommendation-{Recommendation.objects.get(reference=f'{reference}-R1').pk}")
    ).to_contain_text("43 organisations")
    team.get_by_role("link", name=f"Edit the list of addressees of {reference}-R1").click()
    expect(team.get_by_text("This recommendation is addressed to 43 organisations.")).to_be_visible()
    assert_accessible(team)
    team.get_by_label("City of London Police").uncheck()
    team.get_by_role("button", name="Save the list").click()
    saved(team, "The list of addressees")
    expect(team.get_by_text("42 organisations")).to_be_visible()

    # A recommendation to the Home Office with its own deadline; a bad date first.
    team.get_by_role("link", name="Add a recommendation").click()
    team.get_by_label("Text of the recommendation").fill("The Home Office should fund stalking advocates.")
    team.get_by_label("Home Office", exact=True).check()
    team.get_by_label("Day").fill("31")
    team.get_by_label("Month").fill("2")
    team.get_by_label("Year").fill("2027")
    team.get_by_role("button", name="Save the recommendation").click()
    expect(team.locator(".govuk-error-summary")).to_be_visible()
    expect(team.get_by_label("Text of the recommendation")).to_have_value(
        "The Home Office should fund stalking advocates."
    )
    assert_accessible(team)
    team.get_by_label("Day").fill("28")
    team.get_by_role("button", name="Save the recommendation").click()
    saved(team, f"Recommendation {reference}-R2 has been added")
    expect(team.get_by_text("28 February 2027")).to_be_visible()

    # The HMICFRS opinion.
    team.get_by_role("link", name="Give the opinion of").click()
    assert_accessible(team)
    team.get_by_label("Your authority's opinion").fill("HMICFRS would have recommended a statutory duty.")
    team.get_by_role("button", name="Save the opinion").click()
    saved(team, "opinion has been saved")

    # A second member of staff approves the exclusion.
    iopc = sign_in(browser, base, iopc_person, f"/casework/complaints/{reference}/report/")
    assert_accessible(iopc)
    iopc.get_by_role("button", name="Approve the exclusion").click()
    saved(iopc, "The exclusion has been approved")
    report = Report.objects.get(complaint=complaint)
    assert not unapproved_exclusions(report).exists()

    # The two previews: the excluded passage is absent from one and marked in the other.
    iopc.get_by_role("link", name="Preview published report").click()
    expect(iopc.get_by_role("heading", level=1)).to_have_text("Stalked and unprotected")
    assert_accessible(iopc)
    assert "7c1a" not in iopc.content()
    expect(iopc.get_by_text("We read 300 case files from 6 forces.")).to_be_visible()
    iopc.go_back()
    iopc.get_by_role("link", name="Preview full report").click()
    assert_accessible(iopc)
    expect(iopc.get_by_text(EXCLUDED)).to_be_visible()
    expect(iopc.get_by_text("Excluded from publication: The safety of any person")).to_be_visible()

    recommendations = list(Recommendation.objects.filter(report=report).order_by("position"))
    assert [len(addressees_of(r)) for r in recommendations] == [42, 1]
    assert report.actions.get().authority.short_name == "College"
    assert report.opinions.get().authority.short_name == "HMICFRS"
