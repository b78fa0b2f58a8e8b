"""Responses to a Hestia-like report in a real browser, from publication to the overdue mark.

A report with a recommendation to the 43 chief constables and one to the Home Office is published
through the services (the investigation-and-report journey is the earlier browser test's). Three
forces answer in the portal, each drafted by one person and signed off by another: accepted,
partially accepted, and not accepted with reasons. The clock then moves past the deadline, and the
sweep (which the task worker runs daily) is run for every day up to day 28 after it, each day
twice. The test proves that the reminders and the day-14 letters went once each, through the outbox
and the real e-mail backend; that the register shows the three responses with their timeliness and
the overdue mark on the others; and that the inspectorate's verification states show. Every page is
checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from recommendations.models import AddresseeGroup, Obligation
from recommendations.services import add_recommendation, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.accounts.support import browser_sign_in, make_device
from tests.builders import org, sign_off_all
from tests.casework.test_report_browser import saved
from tests.helpers import assert_accessible
from tests.portal.support import person
from tests.public.seed import investigating

pytestmark = [pytest.mark.browser]

ANSWERS = {
    "Kent Police": ("Accepted", "We accept it: every victim will be screened.", ""),
    "Essex Police": ("Partially accepted", "We accept screening, not the new referral form.", ""),
    "Surrey Police": ("Not accepted", "We do not accept it.", "Screening is already done by our partners."),
}


def signed_in(browser: Browser, base: str, user, landing: str) -> Page:
    page = browser_sign_in(browser, base, user.email, make_device(user), landing)
    expect(page).to_have_url(f"{base}{landing}")
    return page


def published(now: datetime.datetime):
    complaint = investigating("Police response to victims of modern slavery", body="Hestia")
    report = create_report(complaint, title="Modern slavery: the police response to victims")
    constables = add_recommendation(
        report,
        label="Recommendation 1",
        text="Chief constables should screen every victim.",
        groups=[AddresseeGroup.objects.get(slug="chief-constables")],
    )
    home_office = add_recommendation(
        report,
        label="Recommendation 2",
        text="The Home Office should fund victim navigators.",
        organisations=[org("Home Office")],
    )
    for recommendation in (constables, home_office):
        expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=now)
    return complaint, constables, home_office


def answer(
    browser: Browser, base: str, obligation: Obligation, position: str, explanation: str, reasons: str
):
    """The force's drafter drafts and sends for sign-off; its chief officer signs off and submits."""
    force = obligation.organisation
    slug = force.slug
    drafter = person(f"drafter@{slug}.example", force, Role.RESPONDER)
    chief = person(f"chief@{slug}.example", force, Role.SIGNATORY)
    url = f"/portal/recommendations/{obligation.pk}/"

    page = signed_in(browser, base, drafter, "/portal/")
    expect(page.get_by_role("heading", level=2, name="Recommendations to answer")).to_be_visible()
    page.get_by_role("link", name=f"Recommendation 1 ({obligation.recommendation.reference})").click()
    expect(page).to_have_url(f"{base}{url}")
    page.get_by_label(position, exact=True).check()
    page.get_by_label("Explanation").fill(explanation)
    if reasons:
        page.get_by_label("Reasons").fill(reasons)
    if position != "Not accepted":
        page.locator("#id_action_1_description").fill("Screen every victim at first contact.")
        page.locator("#id_action_1_owner_role").fill("Head of public protection")
        for part, value in zip(("0", "1", "2"), ("31", "3", "2027"), strict=True):
            page.locator(f"#id_action_1_target_date_{part}").fill(value)
    page.get_by_role("button", name="Send for sign-off").click()
    saved(page, "The response has been sent for sign-off.")
    assert_accessible(page)
    page.context.close()

    page = signed_in(browser, base, chief, url)
    expect(page.get_by_role("heading", name="Check the response before it is submitted")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off and submit").click()
    saved(page, "The response has been submitted and published on the register.")
    page.context.close()
