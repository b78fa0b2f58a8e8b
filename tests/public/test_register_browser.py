"""The register's pages in a real browser: no axe-core violations in English or Welsh, and everything
works without JavaScript: filtering, pagination, the details of long response lists, the matrix."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.builders import ensure_public_record
from tests.helpers import axe_violations, format_violations
from tests.public.seed import investigating, published_case

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/super-complaints/",
    "/super-complaints/?stage=report_published&year=2019",
    "/super-complaints/SC-2019-002/",
    "/super-complaints/SC-2019-002/report/",
    "/super-complaints/SC-2019-002/recommendations/",
    "/super-complaints/SC-2022-001/",
    "/super-complaints/SC-2022-001/report/",  # published before the service: links its publication
    "/super-complaints/SC-2025-001/",  # known from press reports: facts flagged unverified
    "/super-complaints/SC-2026-001/",
    "/super-complaints/SC-2026-001/report/",
    "/super-complaints/SC-2026-001/recommendations/",
    "/super-complaints/SC-2026-002/",  # under investigation: its next progress report and how it is worked out
    "/organisations/hestia/",
    "/organisations/kent-police/",
    "/organisations/home-office/",
    "/organisations/college-of-policing/",
    "/organisations/national-police-chiefs-council/",  # named in the public record
    "/organisations/kent-police-and-crime-commissioner/",
    "/organisations/welsh-womens-aid/",  # a Welsh name
    "/search/?q=SC-2019-002",
    "/designated-bodies/",
    "/search/",
    "/search/?q=modern+slavery",
    "/search/?q=xylophone",
]


@pytest.fixture
def register(transactional_db):
    ensure_public_record()
    case = published_case()
    assert case.complaint.reference == "SC-2026-001"
    assert investigating("Under investigation").reference == "SC-2026-002"
    return case


@pytest.mark.parametrize("language", ["", "/cy"])
def test_every_register_page_has_no_accessibility_violations(live_server, register, page: Page, language):
    failures = []
    for path in PAGES:
        response = page.goto(live_server.url + language + path)
        assert response.status == 200, path
        violations = axe_violations(page)
        if violations:
            failures.append(f"{language}{path}:\n{format_violations(violations)}")
        # Open every details component (long lists of responses) and check what it reveals too.
        if page.locator("details").count():
            page.evaluate("document.querySelectorAll('details').forEach((d) => d.open = true)")
            violations = axe_violations(page)
            if violations:
                failures.append(f"{language}{path} (details open):\n{format_violations(violations)}")
    assert failures == [], "\n\n".join(failures)


def test_the_register_works_without_javascript(live_server, register, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/super-complaints/")
        page.get_by_label("Year received").select_option("2019")
        page.get_by_label("Designated body").select_option(label="Hestia")
        page.get_by_role("button", name="Apply filters").click()

        assert page.url == live_server.url + "/super-complaints/?stage=&body=hestia&year=2019&force="
        expect(page.get_by_role("heading", level=2, name="1 super-complaint")).to_be_visible()
        page.get_by_role("link", name="Police response to victims of modern slavery", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Police response to victims of modern slavery"
        )

        # The 43 chief constables' responses sit in a details component that opens without script.
        summary = page.get_by_text("0 of 43 addressees have responded: show each one")
        table = page.get_by_role("table", name="Responses to Chief constable recommendations (paraphrase)")
        expect(table).to_be_hidden()
        summary.click()
        expect(table).to_be_visible()

        page.goto(live_server.url + "/cy/search/?q=caethwasiaeth")
        expect(page.get_by_role("heading", level=1)).to_have_text("Chwilio’r gofrestr")
        page.get_by_label("Chwilio uwch-gwynion, adroddiadau, argymhellion a sefydliadau").fill("stalking")
        page.get_by_role("button", name="Chwilio").click()
        assert page.url == live_server.url + "/cy/search/?q=stalking"
        # The complaint's Welsh title, where the record has one.
        expect(page.get_by_role("link", name="Ymateb yr heddlu i stelcio", exact=True)).to_be_visible()
    finally:
        context.close()


def test_the_matrix_scrolls_sideways_and_takes_keyboard_focus(live_server, register, page: Page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/super-complaints/SC-2019-002/recommendations/")

    region = page.get_by_role("region", name="44 addressees; 0 responses entered")
    expect(region).to_be_visible()
    # The page does not scroll sideways; the table does, inside its region.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('app-table-scroll')")
    # The keys scroll the focused region (wait_for_function would need eval, which the CSP forbids).
    for _ in range(20):
        page.keyboard.press("ArrowRight")
        if region.evaluate("element => element.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert region.evaluate("element => element.scrollLeft") > 0
    table = page.get_by_role(
        "table",
        name="Responses to the recommendations of the report on super-complaint SC-2019-002, by 44 addressees",
    )
    expect(table.get_by_role("columnheader", name="Recommendation 1")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Home Office")).to_be_attached()
