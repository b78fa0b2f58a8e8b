"""The obligations of a published report in a real browser: the team opens the responses from the
complaint page, records a verification after a refused one, withholds a passage and sets the
report's ladder. Every page is checked with axe-core, and the matrix fits a 320 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from recommendations.models import Response
from tests.builders import ensure_public_record, london
from tests.casework.support import make_person
from tests.casework.test_investigation_browser import sign_in
from tests.helpers import assert_accessible
from tests.recommendations.ladder_support import addressee_people, published_report, published_response

pytestmark = [pytest.mark.browser]


def test_the_team_verifies_withholds_and_sets_the_ladder(transactional_db, live_server, browser: Browser):
    ensure_public_record()
    base = live_server.url
    team = make_person("team")
    addressee_people()
    published = published_report()
    published_response(
        published.kent,
        at=london(2026, 8, 20, 9),
        explanation="We accept it. Inspector Sam Jones of Ashford leads the work.",
    )
    reference = published.complaint.reference

    page = sign_in(browser, base, team, f"/casework/complaints/{reference}/")
    page.get_by_role("link", name="Responses to the recommendations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses to the recommendations")
    assert_accessible(page)

    page.get_by_role("link", name="Submitted on time: Kent Police, Recommendation 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kent Police")
    assert_accessible(page)

    # Verified without a note: refused, the choice kept.
    page.get_by_label("Verified by the inspectorate").check()
    page.get_by_role("button", name="Record verification").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a note saying what the inspectorate verified."
    )
    expect(page.get_by_label("Verified by the inspectorate")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Note").fill("Saw the referral logs.")
    page.get_by_role("button", name="Record verification").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The verification is recorded."
    )

    page.get_by_label("Explanation", exact=True).check()
    page.get_by_label("Passage to withhold").fill("Inspector Sam Jones of Ashford")
    page.get_by_label("Reason for withholding it").fill("Names an officer")
    page.get_by_role("button", name="Withhold the passage").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("withheld from the register")
    assert_accessible(page)
    assert Response.objects.get(obligation=published.kent).public_explanation == (
        "We accept it. [Personal data withheld] leads the work."
    )

    page.get_by_role("link", name="All responses to this report").click()
    page.get_by_role("link", name="Reminders and escalation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders and escalation")
    assert_accessible(page)
    page.get_by_label("Reminders before the deadline (days before the due day)").fill("10, 2")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("are saved")
    expect(page.get_by_text("This report has its own reminders and escalation.")).to_be_visible()
    assert_accessible(page)

    narrow = browser.new_context(
        viewport={"width": 320, "height": 640}, storage_state=page.context.storage_state()
    )
    small = narrow.new_page()
    small.goto(f"{base}/casework/complaints/{reference}/report/responses/")
    assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    narrow.close()
