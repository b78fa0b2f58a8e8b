"""Calls for evidence in a real browser: a survivor answers anonymously with JavaScript turned off,
attaching a file, in English and in Welsh; staff review the responses and download the file; the quick exit leaves without a trace in the
history; the call page fits a 320 px screen. Every page is checked with axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from audit.models import AuditEvent
from calls.models import CallResponse
from tests.builders import ensure_public_record
from tests.calls.support import open_now
from tests.casework.support import make_person
from tests.helpers import assert_accessible
from tests.inquiries.test_browser import sign_in

pytestmark = [pytest.mark.browser]

NEUTRAL = "https://www.bbc.co.uk/weather"
NOTES = b"The officer said to come back with a translator.\n"
NOTES_FILE = {"name": "officer-notes.txt", "mimeType": "text/plain", "buffer": NOTES}


@pytest.fixture
def call(transactional_db, settings):
    # People take longer than this; the refusal of faster forms is tested in tests/public.
    settings.CALL_RESPONSE_MIN_SECONDS = 0
    ensure_public_record()
    return open_now()


def no_script_page(browser: Browser) -> Page:
    return browser.new_context(java_script_enabled=False).new_page()


def assert_accessible_as_shown(browser: Browser, page: Page) -> None:
    """axe-core on the page exactly as the script-less browser shows it. axe needs JavaScript (its
    checks wait on timers), so the same HTML, with its scripts taken out, is checked in a second
    browser context at the same address, where the styles load as they did."""
    # A click that navigates returns once the new page is committed, maybe before it is parsed:
    # read it only once it has loaded (under load the content was read empty).
    page.wait_for_load_state("load")
    url = page.url
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S)
    context = browser.new_context()
    checker = context.new_page()
    checker.route(
        lambda address: address == url,
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    checker.goto(url)
    assert_accessible(checker)
    context.close()


def test_a_survivor_answers_anonymously_without_javascript(live_server, browser, call):
    base = live_server.url
    page = no_script_page(browser)
    page.goto(f"{base}/super-complaints/{call.complaint.reference}/")
    page.get_by_role("link", name="Your experience of reporting exploitation").click()
    expect(page.locator("h1")).to_have_text("Your experience of reporting exploitation")
    assert_accessible_as_shown(browser, page)
    exit_button = page.get_by_role("link", name="Emergency Exit this page")
    expect(exit_button).to_have_attribute("href", NEUTRAL)
    expect(page.locator(".govuk-inset-text")).to_contain_text("08000\u00a0121\u00a0700")
    expect(page.locator(".govuk-warning-text")).to_contain_text("999")
    # Anonymous is the default; without JavaScript the name and e-mail boxes are simply shown.
    expect(page.get_by_label("Yes, do not ask for my name")).to_be_checked()
    expect(page.get_by_label("Your name (optional)")).to_be_visible()

    question = page.get_by_label("1. What happened when you contacted the police?")
    question.fill("They told me to come back with a translator.")
    attach = page.get_by_label("Attach files (optional)")
    expect(page.locator("#id_attachments-hint")).to_contain_text("take out any names, addresses")
    attach.set_input_files(NOTES_FILE)
    page.get_by_role("button", name="Send your answers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you agree")
    expect(question).to_have_value("They told me to come back with a translator.")
    # A browser never fills a file input in again: the page says to choose the file once more.
    expect(page.locator("#id_attachments-info")).to_have_text(
        "Your answers have been kept, but files cannot be: choose the files you want to attach again."
    )
    assert_accessible_as_shown(browser, page)

    attach.set_input_files(NOTES_FILE)
    page.get_by_label("I agree to my answers being used in this way").check()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Your answers have been sent")
    response = CallResponse.objects.get()
    expect(page.locator("#receipt-code")).to_have_text(response.receipt_code)
    expect(page.locator("main")).not_to_contain_text("translator")
    assert_accessible_as_shown(browser, page)
    assert (response.anonymous, response.name, response.email, response.language) == (True, "", "", "en")
    expect(page.locator("main")).not_to_contain_text("officer-notes")
    document = response.documents.get()
    assert (document.original_name, document.content_type, document.size) == (
        "officer-notes.txt",
        "text/plain",
        len(NOTES),
    )


def test_a_survivor_answers_in_welsh_without_javascript(live_server, browser, call):
    base = live_server.url
    page = no_script_page(browser)
    page.goto(f"{base}/cy/super-complaints/{call.complaint.reference}/")
    page.locator(
        f"a[href='/cy/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/']"
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("h1")).to_have_text("Eich profiad o roi gwybod am gamfanteisio")
    assert_accessible_as_shown(browser, page)
    first = call.questions.get(position=1)
    expect(page.locator(f"label[for='id_answer_{first.pk}']")).to_contain_text("Beth ddigwyddodd")
    page.locator(f"#id_answer_{first.pk}").fill("Dywedon nhw wrtha i am ddod yn ôl gyda chyfieithydd.")
    page.locator("#id_consent").check()
    page.locator("form button[type=submit]").click()
    code = page.locator("#receipt-code")
    expect(code).to_have_text(CallResponse.objects.get().receipt_code)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert_accessible_as_shown(browser, page)
    response = CallResponse.objects.get()
    assert response.language == "cy"
    assert response.answers.get().text == "Dywedon nhw wrtha i am ddod yn ôl gyda chyfieithydd."


def test_the_quick_exit_replaces_the_page_in_the_history(live_server, browser, call):
    base = live_server.url
    page = browser.new_context().new_page()
    page.route(
        f"{NEUTRAL}**", lambda route: route.fulfill(body="<title>Weather</title>", content_type="text/html")
    )
    complaint_page = f"{base}/super-complaints/{call.complaint.reference}/"
    page.goto(complaint_page)
    page.get_by_role("link", name="Your experience of reporting exploitation").click()
    # Until its script has run the button is the plain link it is without JavaScript (which
    # keeps the page in the history); the script runs before the page's load event.
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Emergency Exit this page").click()
    expect(page).to_have_url(NEUTRAL)
    page.go_back()
    # Back goes to the page before the call, never to the call itself.
    expect(page).to_have_url(complaint_page)


def test_the_call_page_fits_a_320_pixel_screen(live_server, browser, call):
    page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    for path in [
        f"/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/",
        f"/cy/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/",
    ]:
        page.goto(f"{live_server.url}{path}")
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], path
        assert_accessible(page)


def test_staff_review_responses(live_server, browser, call):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from calls.services import submit_response
    from evidence.services import store_document

    first = call.questions.get(position=1)
    attached = store_document(SimpleUploadedFile("officer-notes.txt", NOTES), withhold_name=True)
    submit_response(
        call,
        answers={first.pk: "I was turned away at the front desk."},
        consent_given=True,
        documents=[attached],
    )
    other = open_now(title="Another call")
    submit_response(
        other, answers={other.questions.get(position=1).pk: "Another account"}, consent_given=True
    )
    user, device = make_person("team")
    base = live_server.url
    page = sign_in(browser, base, user.email, device, "/casework/")
    page.get_by_role("link", name="Responses to calls for evidence").click()
    expect(page.locator("#responses tbody tr")).to_have_count(2)
    assert_accessible(page)
    page.get_by_label("Call for evidence").select_option(label=f"{call.complaint.reference}: {call.title}")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#responses tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.locator("#responses tbody a").click()
    expect(page.locator("main")).to_contain_text("I was turned away at the front desk.")
    files = page.locator("#response-files tbody tr")
    expect(files).to_have_count(1)
    expect(files).to_contain_text("TXT")
    assert_accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile(r"^Download officer-notes\.txt")).click()
    download = downloading.value
    assert download.suggested_filename == "officer-notes.txt"
    assert Path(download.path()).read_bytes() == NOTES
    page.get_by_label("Tags").fill("front desk, follow up")
    page.get_by_role("button", name="Save the tags").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("tags have been saved")
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.locator("#review-status")).to_contain_text("Reviewed")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the responses to this call").click()
    # The queue shows what is left to review by default: nothing, for this call.
    page.get_by_label("Status").select_option(label="Reviewed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#responses tbody tr")).to_have_count(1)
    expect(page.locator("#responses")).to_contain_text("front desk")
    assert_accessible(page)
    reviewed = CallResponse.objects.get(call=call)
    assert reviewed.reviewed_by == user
    assert sorted(reviewed.tags.values_list("name", flat=True)) == ["follow up", "front desk"]
    assert AuditEvent.objects.filter(action="document.viewed", object_id=str(attached.pk)).count() == 1
