"""The authorities' journeys in a real browser, every page and error state checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from complaints import services
from complaints.models import ComplaintState, SuperComplaint
from tests.accounts.support import PASSWORD, code_for
from tests.builders import authority, ensure_public_record, london, make_draft
from tests.casework.support import make_person
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser]


@pytest.fixture
def people(transactional_db):
    ensure_public_record()
    return {name: make_person(name) for name in ("team", "iopc", "college", "chief")}


def sign_in(browser: Browser, base: str, person) -> Page:
    """A new browser session for one person, signed in with password and code."""
    user, device = person
    page = browser.new_context().new_page()
    page.goto(f"{base}/account/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Enter your security code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()
    # Staff land on their dashboard.
    expect(page).to_have_url(f"{base}/casework/")
    return page


def record_position(page: Page, base: str, complaint, value: str, reasons: str) -> None:
    page.goto(f"{base}/casework/complaints/{complaint.reference}/eligibility/")
    page.get_by_role("group", name="In your authority’s view, is the complaint eligible").get_by_label(
        value, exact=True
    ).check()
    page.get_by_label("Reasons for your authority’s position").fill(reasons)
    page.get_by_role("button", name="Save the position").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been recorded")


def test_the_team_acknowledges_the_authorities_agree_and_the_decision_letter_is_sent(
    live_server, people, browser: Browser
):
    base = live_server.url
    complaint = services.submit_complaint(make_draft("Hestia"), at=london(2026, 11, 27, 10, 0))

    team = sign_in(browser, base, people["team"])
    expect(team.get_by_role("heading", level=1)).to_have_text("Casework dashboard")
    expect(team.locator("#deadlines + table")).to_contain_text(complaint.reference)
    assert_accessible(team)

    team.get_by_role("link", name=complaint.reference).first.click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Police response to victims")
    assert_accessible(team)

    team.get_by_role("link", name="Acknowledge the complaint").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Acknowledge the super-complaint")
    assert_accessible(team)
    team.get_by_role("button", name="Acknowledge and send the letter").click()
    banner = team.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Complaint {complaint.reference} acknowledged.")
    expect(banner).to_contain_text("e-mailed to pat@example.org")
    assert_accessible(team)

    team.get_by_role(
        "link", name=f"Acknowledgement of super-complaint {complaint.reference}", exact=True
    ).click()
    expect(team.get_by_role("heading", level=1)).to_have_text(
        f"Acknowledgement of super-complaint {complaint.reference}"
    )
    expect(team.locator("main")).to_contain_text("on Friday 27 November 2026")
    assert_accessible(team)

    # The team's own position, first with the reasons forgotten.
    team.goto(f"{base}/casework/complaints/{complaint.reference}/eligibility/")
    expect(team.get_by_role("heading", level=1)).to_have_text("Eligibility assessment")
    assert_accessible(team)
    team.get_by_role("group", name="In your authority’s view").get_by_label("Eligible", exact=True).check()
    team.get_by_role("button", name="Save the position").click()
    summary = team.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the reasons for your authority’s position")
    expect(summary).to_be_focused()
    expect(
        team.get_by_role("group", name="In your authority’s view").get_by_label("Eligible", exact=True)
    ).to_be_checked()
    assert_accessible(team)
    team.get_by_label("Reasons for your authority’s position").fill("It meets regulation 4.")
    team.get_by_role("button", name="Save the position").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text(
        "The position of HMICFRS has been recorded."
    )

    for name in ("iopc", "college"):
        other = sign_in(browser, base, people[name])
        record_position(other, base, complaint, "Eligible", f"{name} agrees.")
        assert_accessible(other)
        other.context.close()

    team.reload()
    decision = team.locator("form", has=team.locator('input[name="form"][value="decision"]'))
    for label in (
        "It is in writing",
        "It sets out the feature",
        "It explains why",
        "It includes the evidence",
        "It names an individual",
    ):
        decision.get_by_label(re.compile(f"^{label}")).check()
    decision.get_by_label("Does not repeat the substance of another complaint").check()
    expect(
        decision.get_by_role("group", name="Decision").get_by_label("Eligible", exact=True)
    ).to_be_checked()
    decision.get_by_role("button", name="Record the decision and send the letter").click()

    expect(team).to_have_url(f"{base}/casework/complaints/{complaint.reference}/")
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Complaint {complaint.reference} decided: eligible. The decision letter was sent"
    )
    expect(
        team.get_by_role(
            "link", name=f"Super-complaint {complaint.reference} will be investigated", exact=True
        )
    ).to_be_visible()
    # The outbox's messages, each with its state (issue 7).
    sent = team.locator("#messages ~ table").first
    for subject in (f"Super-complaint {complaint.reference} received", "Acknowledgement of super-complaint"):
        expect(sent.get_by_role("row", name=re.compile(f"^{subject}.* Sent "))).to_have_count(1)
    assert_accessible(team)

    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ELIGIBLE
    assert list(complaint.letters.filter(sent_at__isnull=False).values_list("kind", flat=True)) == [
        "acknowledgement",
        "eligible",
    ]


def test_when_the_authorities_disagree_only_the_chief_inspector_decides(
    live_server, people, browser: Browser
):
    base = live_server.url
    complaint = services.acknowledge_complaint(
        services.submit_complaint(make_draft("Liberty"), at=london(2026, 11, 27, 10, 0))
    )
    for short, value in (("HMICFRS", "eligible"), ("IOPC", "not_eligible"), ("College", "eligible")):
        services.record_position(
            complaint, authority=authority(short), position=value, reasons=f"{short} view"
        )

    team = sign_in(browser, base, people["team"])
    team.goto(f"{base}/casework/complaints/{complaint.reference}/eligibility/")
    expect(team.locator(".govuk-warning-text")).to_contain_text("Under regulation 11(1)")
    expect(team.locator(".govuk-inset-text")).to_contain_text("only the Chief Inspector can decide")
    expect(team.get_by_role("button", name="Record the decision and send the letter")).to_have_count(0)
    assert_accessible(team)
    team.context.close()

    chief = sign_in(browser, base, people["chief"])
    chief.goto(f"{base}/casework/complaints/{complaint.reference}/eligibility/")
    decision = chief.locator("form", has=chief.locator('input[name="form"][value="decision"]'))
    decision.get_by_label(re.compile("^It is in writing")).check()
    decision.get_by_label("Does not repeat the substance of another complaint").check()
    decision.get_by_role("group", name="Decision").get_by_label("Not eligible", exact=True).check()
    decision.get_by_role("button", name="Record the decision and send the letter").click()
    expect(chief.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reasons why the complaint is not eligible"
    )
    expect(
        chief.get_by_role("group", name="Decision").get_by_label("Not eligible", exact=True)
    ).to_be_checked()
    assert_accessible(chief)

    chief.get_by_label("Reasons for the decision").fill("The harm described is not significant.")
    chief.get_by_role("button", name="Record the decision and send the letter").click()
    expect(chief.locator(".govuk-notification-banner--success")).to_contain_text("decided: not eligible")
    expect(chief.locator("main")).to_contain_text(
        "The Chief Inspector, the authorities not agreeing (reg 11(1))"
    )
    assert_accessible(chief)

    chief.get_by_role(
        "link", name=f"Super-complaint {complaint.reference} is not eligible for investigation", exact=True
    ).click()
    expect(chief.locator("main")).to_contain_text("The harm described is not significant.")
    assert_accessible(chief)

    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert complaint.state == ComplaintState.NOT_ELIGIBLE
    assert complaint.eligibility.decided_by == "chief_inspector"
