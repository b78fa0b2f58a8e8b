"""An addressee answers a recommendation in a real browser: Kent Police's drafter finds it first on
the portal home, drafts an accepted response with an action (adding a row as a person without
JavaScript would), saves, sends it for sign-off; the chief officer reads it, signs it off and
submits it, which meets the deadline and publishes it. Every page is checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from deadlines.models import DeadlineRule
from deadlines.rules import to_london_date
from recommendations.models import Obligation, Response, ResponseState
from tests.accounts.support import browser_sign_in, make_device
from tests.builders import ensure_public_record
from tests.casework.test_report_browser import saved
from tests.helpers import assert_accessible
from tests.recommendations.response_scenario import published_report

pytestmark = [pytest.mark.browser]


def signed_in(browser: Browser, base: str, user, landing: str) -> Page:
    page = browser_sign_in(browser, base, user.email, make_device(user), landing)
    expect(page).to_have_url(f"{base}{landing}")
    return page


def test_a_drafter_drafts_and_sends_for_sign_off_and_the_signatory_submits(
    transactional_db, live_server, browser: Browser
):
    ensure_public_record()
    # Published ten days ago (London), so the deadline, 56 days after, is 46 days away.
    published_at = timezone.now() - datetime.timedelta(days=10)
    case = published_report(published_at=published_at)
    base = live_server.url
    reference = case.first.reference
    url = f"/portal/recommendations/{case.kent.pk}/"
    due = to_london_date(published_at) + datetime.timedelta(days=56)
    days_left = (due - to_london_date(timezone.now())).days

    # --- The drafter finds the recommendation first on the home page ----------------------------
    drafter = signed_in(browser, base, case.drafter, "/portal/")
    expect(drafter.get_by_role("heading", level=2, name="Recommendations to answer")).to_be_visible()
    expect(drafter.locator("#obligation-list")).to_contain_text(f"{days_left} days left")
    assert_accessible(drafter)
    drafter.get_by_role("link", name=f"Recommendation 1 ({reference})").click()
    expect(drafter.get_by_role("heading", level=1)).to_have_text("Your response to Recommendation 1")
    expect(drafter.locator("#deadline")).to_contain_text(f"({days_left} days left)")
    assert_accessible(drafter)

    # --- Drafts, adds an action row without JavaScript, saves ----------------------------------
    drafter.get_by_label("Accepted", exact=True).check()
    drafter.get_by_label("Explanation").fill("We accept it and will adopt the national form.")
    drafter.locator("#id_action_1_description").fill("Adopt the national missing-episode form.")
    drafter.locator("#id_action_1_owner_role").fill("Head of public protection")
    drafter.get_by_role("button", name="Add another action").click()
    expect(drafter.locator("#id_action_4_description")).to_be_visible()
    expect(drafter.locator("#id_action_1_description")).to_have_value(
        "Adopt the national missing-episode form."
    )
    assert_accessible(drafter)
    drafter.get_by_role("button", name="Save draft").click()
    saved(drafter, "Your draft has been saved.")

    # --- Sending it without the action's date is refused, with the error on the field ----------
    drafter.get_by_role("button", name="Send for sign-off").click()
    expect(drafter.locator(".govuk-error-summary")).to_contain_text("Action 1 needs a target date")
    assert_accessible(drafter)
    for part, value in zip(("0", "1", "2"), ("31", "3", "2027"), strict=True):
        drafter.locator(f"#id_action_1_target_date_{part}").fill(value)
    drafter.get_by_role("button", name="Send for sign-off").click()
    saved(drafter, "The response has been sent for sign-off.")
    expect(drafter.locator("#response-status")).to_have_text("Awaiting sign-off")
    expect(drafter.get_by_role("button", name="Sign off and submit")).to_have_count(0)

    # --- The signatory checks it, signs it off and submits it -----------------------------------
    chief = signed_in(browser, base, case.signatory, url)
    expect(chief.get_by_role("heading", name="Check the response before it is submitted")).to_be_visible()
    expect(chief.locator("#response-actions")).to_contain_text("31 March 2027")
    assert_accessible(chief)
    chief.get_by_role("button", name="Sign off and submit").click()
    saved(chief, "The response has been submitted and published on the register.")
    expect(chief.locator("#response-status")).to_contain_text(", on time")
    expect(chief.get_by_role("button", name="Post progress on action 1")).to_be_visible()

    response = Response.objects.get(obligation=case.kent)
    assert response.state == ResponseState.PUBLISHED and response.signed_off_by == case.signatory
    obligation = Obligation.objects.get(pk=case.kent.pk)
    assert obligation.responded_at == response.submitted_at == response.published_at
    assert obligation.deadlines.get(rule=DeadlineRule.RESPONSE).met_at == response.submitted_at
