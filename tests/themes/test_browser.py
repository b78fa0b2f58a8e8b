"""Theme grouping in a real browser: staff group 200 responses into themes, merge two, split one,
confirm them, download the evidence passage closest to a theme and export the CSV. Every page is
checked with axe-core."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from calls.services import submit_response
from evidence.services import store_document
from tests.builders import ensure_public_record
from tests.casework.support import make_person
from tests.helpers import assert_accessible
from tests.inquiries.test_browser import sign_in
from tests.themes.support import call_with_responses
from themes.models import ThemeAssignment

pytestmark = [pytest.mark.browser]

FINDINGS = (
    "Victims who spoke no English were interviewed without an interpreter.\n\n"
    "Several people feared their immigration status would be reported."
)


def test_staff_group_200_responses_merge_split_and_confirm(live_server, browser, transactional_db, model):
    ensure_public_record()
    call, _topics = call_with_responses(199)
    # The 200th response sends a file: uploaded, its text extracted and its passages embedded (the
    # test task backend runs each task as the transaction commits).
    file = SimpleUploadedFile("findings.txt", FINDINGS.encode(), "text/plain")
    submit_response(
        call,
        answers={call.questions.get(position=1).pk: "My findings are attached."},
        consent_given=True,
        documents=[store_document(file, withhold_name=True)],
    )
    user, device = make_person("team")
    page = sign_in(browser, live_server.url, user.email, device, f"/casework/calls-for-evidence/{call.pk}/")
    page.set_default_timeout(120_000)  # the grouping runs in the request with the immediate backend
    page.get_by_role("link", name="Themes in the responses").click()
    expect(page.locator("main")).to_contain_text("The call has 200 responses.")
    assert_accessible(page)
    page.get_by_role("button", name="Group the responses into themes").click()
    expect(page.locator("#totals")).to_contain_text(
        "0 responses confirmed by a person, 200 not yet confirmed"
    )
    assert_accessible(page)
    themes = page.locator(".app-theme")
    before = themes.count()
    assert before >= 5

    themes.nth(0).locator("input").check()
    themes.nth(1).locator("input").check()
    page.get_by_role("button", name="Merge the chosen themes").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("merged")
    assert_accessible(page)
    page.get_by_label("Name of the theme").fill("Language and immigration")
    page.get_by_role("button", name="Rename the theme").click()
    expect(page.locator("h1")).to_have_text("Language and immigration")
    page.get_by_role("button", name="Split the theme in two").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("split")
    expect(themes).to_have_count(before)  # two became one, then one became two
    assert_accessible(page)

    page.get_by_role("link", name="Language and immigration", exact=True).click()
    page.get_by_role("button", name="Confirm this theme’s responses").click()
    expect(page.locator("#theme-size")).to_contain_text("not yet confirmed")
    expect(page.locator("#theme-size")).to_contain_text(" 0 not yet confirmed")
    expect(page.locator("#passages li")).to_have_count(2)
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.locator("#passages li").first.get_by_role("link", name="Download findings.txt").click()
    assert downloading.value.suggested_filename == "findings.txt"
    page.get_by_role("link", name="Back to all themes").click()
    page.get_by_role("button", name="Confirm every theme’s responses").click()
    expect(page.locator("#totals")).to_contain_text(
        "200 responses confirmed by a person, 0 not yet confirmed"
    )
    assert_accessible(page)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the themes (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(downloading.value.path()).read_text(encoding="utf-8"))))
    assert sum(row[0] == "response" and row[5] == "yes" for row in rows) == 200
    assert rows[1][:2] == ["theme", "Language and immigration"]
    assert ThemeAssignment.objects.filter(confirmed=True, confirmed_by=user).count() == 200
