"""Staff send an information request to five forces; a force user answers it with a file. Every
page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inquiries.models import ForceRequest
from tests.accounts.support import browser_sign_in, make_device
from tests.builders import eligible, ensure_public_record, london
from tests.casework.support import make_person
from tests.helpers import assert_accessible
from tests.inquiries.scenario import FORCES, force_user

pytestmark = [pytest.mark.browser]


sign_in = browser_sign_in


def test_staff_send_to_five_forces_and_a_force_answers_with_a_file(
    transactional_db, live_server, browser, tmp_path
):
    ensure_public_record()
    base = live_server.url
    complaint = eligible("Victims of modern slavery", told=london(2026, 2, 2, 10))
    team_user, team_device = make_person("team")
    kent = force_user("Kent Police", "kent@example.police.uk")
    kent_device = make_device(kent)

    page = sign_in(browser, base, team_user.email, team_device, "/casework/")
    page.goto(f"{base}/casework/complaints/{complaint.reference}/")
    page.get_by_role("link", name="Send an information request to forces").click()
    assert_accessible(page)
    # Bad input: a clear error, and what was entered is kept.
    page.get_by_label("Title").fill("Modern slavery referrals")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter at least one question")
    expect(page.get_by_label("Title")).to_have_value("Modern slavery referrals")
    assert_accessible(page)
    page.get_by_label("Questions").fill(
        "How many referrals did you make in 2025?\nWho decides on a referral?"
    )
    due = page.get_by_role("group", name="Answers due by the end of")
    due.get_by_label("Day").fill("27")
    due.get_by_label("Month").fill("2")
    due.get_by_label("Year").fill("2099")
    page.get_by_label("Chosen forces").check()
    for name in FORCES:
        page.get_by_label(name, exact=True).check()
    template = tmp_path / "data-return.csv"
    template.write_text("force,referrals\n")
    page.get_by_label("Data-return spreadsheet (optional)").set_input_files(str(template))
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent to 5 forces")
    expect(page.locator("#completeness tbody tr")).to_have_count(5)
    expect(page.locator("#counts")).to_contain_text("Not yet due")
    assert_accessible(page)

    # The force finds the request on its first page after signing in.
    force_page = sign_in(browser, base, kent.email, kent_device, "/portal/")
    expect(force_page.locator("#information-requests + ul")).to_contain_text("Modern slavery referrals")
    assert_accessible(force_page)
    force_page.get_by_role("link", name="All information requests to your force").click()
    expect(force_page).to_have_url(f"{base}/portal/information-requests/")
    assert_accessible(force_page)
    force_page.get_by_role("link", name="Modern slavery referrals").click()
    assert_accessible(force_page)
    force_page.get_by_label("1. How many referrals did you make in 2025?").fill("412")
    force_page.get_by_role("button", name="Send the answer").click()
    expect(force_page.locator(".govuk-error-summary")).to_contain_text("Answer question 2")
    expect(force_page.get_by_label("1. How many referrals did you make in 2025?")).to_have_value("412")
    assert_accessible(force_page)
    force_page.get_by_label("2. Who decides on a referral?").fill("The single point of contact")
    answer_file = tmp_path / "kent.csv"
    answer_file.write_text("force,referrals\nKent,412\n")
    force_page.get_by_label("Upload a file (optional)").set_input_files(str(answer_file))
    force_page.get_by_role("button", name="Send the answer").click()
    expect(force_page.locator(".govuk-notification-banner--success")).to_contain_text(
        "sent to the super-complaints team"
    )
    assert_accessible(force_page)

    answered = ForceRequest.objects.get(force__name="Kent Police")
    assert answered.answered_at is not None
    assert [d.original_name for d in answered.documents.all()] == ["kent.csv"]
    page.reload()
    expect(page.locator("#completeness")).to_contain_text("Answered on time")
    page.locator("#completeness").get_by_role("link", name="Kent Police").click()
    expect(page.locator("main")).to_contain_text("The single point of contact")
    expect(page.locator("main")).to_contain_text("kent.csv")
    assert_accessible(page)
