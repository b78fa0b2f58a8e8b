"""Redaction for publication in a real browser: staff open a response holding an e-mail address,
a phone number, a postcode and a name, confirm what was found, take out the name, keep a public
helpline's number, publish, and the extract downloaded from the public complaint page holds none
of the redacted strings. Every page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from redaction.models import Redaction, RedactionState
from tests.accounts.support import browser_sign_in
from tests.builders import ensure_public_record
from tests.calls.support import open_now
from tests.casework.support import make_person
from tests.helpers import assert_accessible
from tests.redaction.support import EMAIL, HELPLINE, NAME, PHONE, POSTCODE, a_response, pdftotext

pytestmark = [pytest.mark.browser]


@pytest.fixture
def response(transactional_db):
    ensure_public_record()
    return a_response(open_now())


def test_staff_redact_a_response_and_publish_an_extract_without_the_redacted_text(
    live_server, browser, response
):
    user, device = make_person("team")
    base = live_server.url
    page = browser_sign_in(
        browser, base, user.email, device, f"/casework/calls-for-evidence/responses/{response.pk}/"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Redact the answers for publication").click()
    assert_accessible(page)
    page.get_by_label("Title of the extract").fill("What a survivor told us about reporting")
    page.get_by_role("button", name="Start redacting").click()
    expect(page.locator("h1")).to_have_text("What a survivor told us about reporting")
    expect(page.locator("#source-text mark")).to_have_count(4)
    expect(page.get_by_role("button", name="Publish extract")).to_have_count(0)
    assert_accessible(page)

    # The helpline's number is public: kept. Everything else found is confirmed.
    page.locator("#redaction-spans tr", has_text=HELPLINE).get_by_role("button", name="Keep").click()
    expect(page.locator("#redaction-spans tr", has_text=HELPLINE)).to_contain_text("Keep")
    page.get_by_role("button", name="Confirm every detected redaction still waiting").click()
    expect(page.locator("#source-text mark")).to_have_count(0)
    assert_accessible(page)

    # The name, every time it appears; a typo first, which the form refuses in plain words.
    page.get_by_label("Words to take out").fill("Jane Dough")
    page.get_by_label("What they are").select_option(label="Name")
    page.get_by_role("button", name="Take these words out").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Those words are not in the text")
    assert_accessible(page)
    page.get_by_label("Words to take out").fill(NAME)
    page.get_by_label("What they are").select_option(label="Name")
    page.get_by_role("button", name="Take these words out").click()
    preview = page.locator("#preview")
    for removed in [EMAIL, PHONE, POSTCODE, NAME]:
        expect(preview).not_to_contain_text(removed)
    expect(preview).to_contain_text(HELPLINE)
    expect(preview).to_contain_text("station near [redacted]")
    assert_accessible(page)

    # The page fits a 320 px screen, spans table and all.
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    page.set_viewport_size({"width": 1280, "height": 720})

    page.get_by_role("button", name="Publish extract").click()
    expect(page.locator("#redaction-state")).to_contain_text("Published")
    assert_accessible(page)
    assert Redaction.objects.get().state == RedactionState.PUBLISHED

    public = browser.new_context().new_page()
    public.goto(f"{base}/super-complaints/{response.call.complaint.reference}/")
    extracts = public.locator("#extracts + p + ul")
    expect(extracts).to_contain_text("What a survivor told us about reporting")
    expect(extracts).to_contain_text("PDF,")
    assert_accessible(public)
    with public.expect_download() as downloading:
        public.get_by_role("link", name="What a survivor told us about reporting").click()
    data = Path(downloading.value.path()).read_bytes()
    extracted = " ".join(pdftotext(data).split())
    for removed in [EMAIL, PHONE, POSTCODE, NAME]:
        assert removed not in extracted
    assert "I reported it at the station near [redacted]." in extracted
    assert HELPLINE in extracted
