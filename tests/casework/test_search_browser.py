"""Staff search the evidence in a real browser: a search with a bad date is explained, a filtered
search finds a force's return with the match highlighted and the rest escaped, and the result's
link downloads it. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from complaints.models import EvidenceItem
from evidence.models import Document
from evidence.services import store_document
from inquiries.services import submit_force_answer
from tests.accounts.support import browser_sign_in
from tests.builders import ensure_public_record
from tests.casework.support import make_person
from tests.evidence import documents
from tests.evidence.files import upload
from tests.helpers import assert_accessible
from tests.inquiries.scenario import send_to_five

pytestmark = [pytest.mark.browser]


def test_staff_search_filter_and_see_a_highlighted_snippet(transactional_db, live_server, browser: Browser):
    ensure_public_record()
    base = live_server.url
    request = send_to_five()
    # Stored after commit, so the task backend extracts each file's text at once, as the worker would.
    account = store_document(
        upload("account.docx", documents.docx("Exploited at a nail bar <b>in Leeds</b> for two years"))
    )
    EvidenceItem.objects.create(complaint=request.complaint, description="An account", document=account)
    kent = store_document(upload("kent-return.csv", b"force,note\nKent Police,Nail bar referrals: 12\n"))
    force_request = request.force_requests.get(force__name="Kent Police")
    submit_force_answer(
        force_request, answers={q.pk: "See file" for q in request.questions.all()}, documents=[kent]
    )
    assert Document.objects.get(pk=kent.pk).extracted_text == "force,note\nKent Police,Nail bar referrals: 12"

    team_user, device = make_person("team")
    page = browser_sign_in(browser, base, team_user.email, device, "/casework/")
    expect(page).to_have_url(f"{base}/casework/")
    page.get_by_role("link", name="Search the evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the evidence")
    assert_accessible(page)

    # A bad date: the error, and what was typed kept.
    page.get_by_label("Search words").fill("nail bar")
    page.get_by_text("Filter the results").click()
    added_from = page.get_by_role("group", name="Added from")
    added_from.get_by_label("Day").fill("30")
    added_from.get_by_label("Month").fill("2")
    added_from.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The ‘from’ date must be a real date")
    expect(page.get_by_label("Search words")).to_have_value("nail bar")
    assert_accessible(page)

    page.get_by_role("group", name="Added from").get_by_label("Day").fill("")
    page.get_by_role("group", name="Added from").get_by_label("Month").fill("")
    page.get_by_role("group", name="Added from").get_by_label("Year").fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="2 documents found")).to_be_visible()
    assert_accessible(page)
    snippet = page.locator(".app-search-snippet").filter(has_text="Leeds")
    expect(snippet).to_have_text("Exploited at a nail bar <b>in Leeds</b> for two years")
    expect(snippet.locator("mark")).to_have_text(["nail", "bar"])

    # No filter set: the filters are folded away again.
    page.get_by_text("Filter the results").click()
    page.get_by_label("Kind of document").select_option(label="Information returned by a force")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="1 document found")).to_be_visible()
    result = page.locator(".app-search-result")
    expect(result).to_contain_text("Information returned by a force: Kent Police.")
    expect(result.locator("mark")).to_have_text(["Nail", "bar"])
    assert_accessible(page)
    with page.expect_download() as downloading:
        result.get_by_role("link", name="Download kent-return.csv").click()
    assert downloading.value.suggested_filename == "kent-return.csv"
    page.context.close()
