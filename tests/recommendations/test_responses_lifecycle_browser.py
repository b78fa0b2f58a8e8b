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
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from deadlines.rules import to_london_date
from operations.sweep import sweep_deadlines
from outbox.models import Message, MessageState
from outbox.services import deliver
from recommendations.models import (
    AddresseeGroup,
    Obligation,
    ObligationStep,
    Response,
    ResponseState,
    StepKind,
    Verification,
)
from recommendations.services import add_recommendation, ensure_standard_groups, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.accounts.support import browser_sign_in, make_device
from tests.builders import authority, ensure_public_record, org, sign_off_all
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


def record_verification_in_casework(
    browser: Browser, base: str, staff, complaint, obligation, state: str, note: str
):
    url = f"/casework/complaints/{complaint.reference}/report/responses/{obligation.pk}/"
    page = signed_in(browser, base, staff, url)
    assert_accessible(page)
    page.get_by_label(state, exact=True).check()
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Record verification").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    assert_accessible(page)
    page.context.close()


def test_three_forces_respond_the_rest_go_overdue_and_the_register_says_so(
    transactional_db, live_server, browser: Browser, monkeypatch
):
    ensure_public_record()
    ensure_standard_groups()
    base = live_server.url
    real_now = timezone.now
    published_at = real_now() - datetime.timedelta(days=10)
    complaint, constables, _home_office = published(published_at)
    due = to_london_date(published_at) + datetime.timedelta(days=56)
    obligations = {
        o.organisation.name: o
        for o in Obligation.objects.filter(recommendation=constables).select_related("organisation")
    }
    assert len(obligations) == 43
    # Two forces that will not answer have people here: their drafters and chief officers are
    # reminded and written to, and so is the local policing body.
    quiet = ("Sussex Police", "Thames Valley Police")
    for name in quiet:
        force = obligations[name].organisation
        person(f"drafter@{force.slug}.example", force, Role.RESPONDER)
        person(f"chief@{force.slug}.example", force, Role.SIGNATORY)
        person(f"office@pcc-{force.slug}.example", force.local_policing_body, Role.RESPONDER)

    # --- Three forces answer, each drafted by one person and signed off by another -------------
    for name, (position, explanation, reasons) in ANSWERS.items():
        answer(browser, base, obligations[name], position, explanation, reasons)
    answered = Response.objects.filter(obligation__recommendation=constables)
    assert {(r.obligation.organisation.name, r.state, r.status) for r in answered} == {
        ("Kent Police", ResponseState.PUBLISHED, "accepted"),
        ("Essex Police", ResponseState.PUBLISHED, "partially_accepted"),
        ("Surrey Police", ResponseState.PUBLISHED, "not_accepted"),
    }

    # --- The inspectorate records what it has verified ------------------------------------------
    staff = person("team@hmicfrs.example", authority("HMICFRS"), Role.CASEWORKER)
    record_verification_in_casework(
        browser,
        base,
        staff,
        complaint,
        obligations["Kent Police"],
        "Verified by the inspectorate",
        "Inspected in Maidstone: every victim screened.",
    )
    record_verification_in_casework(
        browser,
        base,
        staff,
        complaint,
        obligations["Essex Police"],
        "Self-reported complete",
        "Essex says done.",
    )
    record_verification_in_casework(
        browser, base, staff, complaint, obligations["Surrey Police"], "Not verified", "No evidence yet."
    )
    assert {o.organisation.name: o.verification for o in Obligation.objects.filter(verification__gt="")} == {
        "Kent Police": Verification.VERIFIED,
        "Essex Police": Verification.SELF_REPORTED,
        "Surrey Police": Verification.NOT_VERIFIED,
    }

    # --- The clock moves on: the sweep runs every day until 28 days after the deadline, twice ----
    after = datetime.timedelta(days=(due - to_london_date(real_now())).days + 29)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + after)
    day = due - datetime.timedelta(days=15)
    while day <= due + datetime.timedelta(days=28):
        for _twice in range(2):
            sweep_deadlines(day)
        day += datetime.timedelta(days=1)
    for message in Message.objects.filter(state=MessageState.QUEUED):
        deliver(message.pk)

    overdue = Obligation.objects.filter(recommendation__report=constables.report, responded_at__isnull=True)
    assert overdue.count() == 41  # 40 chief constables and the Home Office
    for kind, count in (
        (StepKind.REMINDER, 2),
        (StepKind.CHASER, 1),
        (StepKind.LETTER, 1),
        (StepKind.PUBLIC_MARK, 1),
    ):
        assert ObligationStep.objects.filter(kind=kind).count() == 41 * count, kind
    assert not ObligationStep.objects.filter(obligation__responded_at__isnull=False).exists()
    assert set(overdue.values_list("publicly_overdue_on", flat=True)) == {due + datetime.timedelta(days=28)}
    for name in quiet:
        obligation = obligations[name]
        sent = Message.objects.filter(dedupe_key__startswith=f"obligation:{obligation.pk}:")
        # Reminders 14 and 3 days before, the chaser the day after, the letter on day 14: one each.
        assert sent.count() == 4, name
        assert {m.state for m in sent} == {MessageState.SENT}
        letters = [m for m in sent if ":letter" in m.dedupe_key]
        assert len(letters) == 1
        slug = obligation.organisation.slug
        assert set(letters[0].to) == {f"chief@{slug}.example", f"office@pcc-{slug}.example"}
        emails = [e for e in mail.outbox if f"chief@{slug}.example" in e.to]
        assert len(emails) == 4, name

    # --- The register: three responses with their timeliness, the overdue mark on the rest ------
    page = browser.new_page()
    page.goto(f"{base}/super-complaints/{complaint.reference}/recommendations/")
    assert_accessible(page)
    matrix = page.locator("table.app-matrix")
    for name, expected in (
        ("Kent Police", "Accepted, on time"),
        ("Essex Police", "Partially accepted, on time"),
        ("Surrey Police", "Not accepted, on time"),
        ("Sussex Police", "Overdue No response yet, overdue"),
    ):
        expect(matrix.get_by_role("row", name=name, exact=False).first).to_contain_text(expected)
    expect(matrix.locator(".govuk-tag--red")).to_have_count(41)
    expect(page.locator("main")).to_contain_text("Responded on time 3 (7%)")
    expect(page.locator("main")).to_contain_text("Deadline passed, no response 41 (93%)")

    matrix.get_by_role("link", name="Accepted, on time", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Response of Kent Police")
    expect(page.locator("main")).to_contain_text("Verified by the inspectorate")
    expect(page.locator("main")).to_contain_text("Inspected in Maidstone: every victim screened.")
    expect(page.locator("main")).to_contain_text("Screen every victim at first contact.")
    assert_accessible(page)

    page.goto(f"{base}/organisations/surrey-police/")
    expect(page.locator("main")).to_contain_text("Screening is already done by our partners.")
    expect(page.locator("main")).to_contain_text("Not accepted, on time")
    assert_accessible(page)
    page.goto(f"{base}/organisations/sussex-police/")
    expect(page.locator("main")).to_contain_text("No response yet, overdue")
    assert_accessible(page)
