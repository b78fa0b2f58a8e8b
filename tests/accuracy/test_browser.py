"""Staff open a factual-accuracy check on a draft report with a chief-constables recommendation and
a Home Office one; a force responder comments; the Home Office sees only its recommendation; staff
accept one comment and reject another. Every page is checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accuracy.models import AccuracyComment, CheckAddressee
from complaints.selectors import london_today
from tests.accounts.support import browser_sign_in, make_device
from tests.accuracy.scenario import draft_report, person, staff
from tests.builders import ensure_public_record
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser]


sign_in = browser_sign_in


def _fill_date(page: Page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_staff_open_a_check_a_force_and_the_home_office_comment_staff_decide(
    transactional_db, live_server, browser
):
    ensure_public_record()
    base = live_server.url
    draft = draft_report()
    team_user = staff()
    team_device = make_device(team_user)
    kent = person("kent@example.police.uk", "Kent Police")
    kent_device = make_device(kent)
    home_office = person("policy@homeoffice.example", "Home Office", Role.SIGNATORY)
    home_office_device = make_device(home_office)
    closes_on = london_today() + datetime.timedelta(days=14)

    page = sign_in(browser, base, team_user.email, team_device, "/casework/")
    page.goto(f"{base}/casework/complaints/{draft.complaint.reference}/")
    page.get_by_role("link", name="Open a factual-accuracy check of the draft recommendations").click()
    assert_accessible(page)
    # Bad input: a clear error, and what was typed is kept.
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill(str(closes_on.year))
    page.get_by_role("button", name="Open the check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The closing date must be a real date")
    expect(page.get_by_label("Day")).to_have_value("31")
    assert_accessible(page)
    _fill_date(page, "Closing date", closes_on)
    page.get_by_role("button", name="Open the check").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("44 organisations")
    assert_accessible(page)
    check_url = page.url

    force_page = sign_in(browser, base, kent.email, kent_device, "/portal/")
    expect(force_page.locator("#accuracy-check-list")).to_contain_text(draft.report.title)
    assert_accessible(force_page)
    force_page.get_by_role("link", name=draft.report.title).click()
    expect(force_page.get_by_text(draft.chiefs.text)).to_be_visible()
    expect(force_page.get_by_text(draft.home_office.text)).to_have_count(0)
    assert_accessible(force_page)
    box = force_page.get_by_label("Your comment on Recommendation 1")
    box.fill("x" * 10_001)
    force_page.get_by_role("button", name="Send the comment on Recommendation 1").click()
    expect(force_page.locator(".govuk-error-summary")).to_contain_text("10,000 characters or fewer")
    expect(force_page.get_by_label("Your comment on Recommendation 1")).to_have_value("x" * 10_001)
    assert_accessible(force_page)
    force_page.get_by_label("Your comment on Recommendation 1").fill(
        "Kent trained its call handlers in 2024."
    )
    force_page.get_by_role("button", name="Send the comment on Recommendation 1").click()
    expect(force_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "sent to the super-complaints team"
    )
    expect(force_page.get_by_text("Kent trained its call handlers in 2024.")).to_be_visible()
    assert_accessible(force_page)

    ho_page = sign_in(browser, base, home_office.email, home_office_device, "/portal/")
    ho_addressee = CheckAddressee.objects.get(organisation__name="Home Office")
    ho_page.goto(f"{base}/portal/accuracy-checks/{ho_addressee.pk}/")
    expect(ho_page.get_by_text(draft.home_office.text)).to_be_visible()
    expect(ho_page.get_by_text(draft.chiefs.text)).to_have_count(0)
    expect(ho_page.get_by_text("Kent trained its call handlers in 2024.")).to_have_count(0)
    ho_page.get_by_label("Your comment on Recommendation 2").fill("The guidance was published in May 2025.")
    ho_page.get_by_role("button", name="Send the comment on Recommendation 2").click()
    expect(ho_page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert_accessible(ho_page)
    ho_page.goto(f"{base}/cy/portal/accuracy-checks/{ho_addressee.pk}/")
    assert_accessible(ho_page)

    kent_comment = AccuracyComment.objects.get(addressee__organisation__name="Kent Police")
    ho_comment = AccuracyComment.objects.get(addressee__organisation__name="Home Office")
    page.goto(check_url)
    expect(page.locator("#comments")).to_contain_text("Comments (2)")
    assert_accessible(page)
    kent_section = page.locator(f"#comment-{kent_comment.pk}")
    # Bad input: no decision chosen; the reason typed is kept.
    kent_section.get_by_label("Reason for the decision").fill("The training records confirm it.")
    kent_section.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the comment is accepted or rejected"
    )
    expect(page.locator(f"#comment-{kent_comment.pk}").get_by_label("Reason for the decision")).to_have_value(
        "The training records confirm it."
    )
    assert_accessible(page)
    kent_section = page.locator(f"#comment-{kent_comment.pk}")
    kent_section.get_by_label("Accepted").check()
    kent_section.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    ho_section = page.locator(f"#comment-{ho_comment.pk}")
    ho_section.get_by_label("Rejected").check()
    ho_section.get_by_label("Reason for the decision").fill("Only a draft was published in May 2025.")
    ho_section.get_by_role("button", name="Record the decision").click()
    expect(page.locator(f"#comment-{kent_comment.pk} table")).to_contain_text(
        "The training records confirm it."
    )
    expect(page.locator(f"#comment-{ho_comment.pk} table")).to_contain_text("Rejected")
    assert_accessible(page)

    force_page.reload()
    expect(force_page.locator(f"#comment-{kent_comment.pk}")).to_contain_text("Accepted")
    expect(force_page.locator(f"#comment-{kent_comment.pk}")).to_contain_text(
        "The training records confirm it."
    )
    expect(force_page.get_by_text("Only a draft was published in May 2025.")).to_have_count(0)
    assert_accessible(force_page)
