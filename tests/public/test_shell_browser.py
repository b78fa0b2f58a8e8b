"""The public page shell in a real browser: accessibility, pages without JavaScript, the GOV.UK
Frontend script under the content security policy, the stylesheet, keyboard use and the language
switcher."""

from __future__ import annotations

import pytest

from tests.helpers import assert_accessible, axe_violations
from tests.public.test_shell import PAGES

pytestmark = pytest.mark.browser

HEADINGS = [(url, english) for url, english, *_ in PAGES] + [
    ("/cy" + url, welsh) for url, _e, welsh, *_ in PAGES
]
NOT_FOUND = [("/no-such-page/", "Page not found"), ("/cy/no-such-page/", "Heb ddod o hyd i’r dudalen")]


def _collect_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize(("url", "heading"), HEADINGS + NOT_FOUND)
def test_page_has_no_accessibility_violations(live_server, page, url, heading):
    response = page.goto(live_server.url + url)

    assert response.status == (404 if "no-such-page" in url else 200)
    assert page.locator("h1").inner_text() == heading
    assert_accessible(page)


@pytest.mark.parametrize(("url", "heading"), HEADINGS + NOT_FOUND)
def test_page_works_without_javascript(live_server, browser, url, heading):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + url)

        assert page.locator("h1").inner_text() == heading
        assert page.locator("h1").is_visible()
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        # Without the script the service navigation is a plain, visible list.
        assert page.locator("#navigation").is_visible()
        assert page.locator(".govuk-service-navigation__toggle").is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("url", ["/", "/cy/cookies/"])
def test_govuk_frontend_starts_under_the_content_security_policy(live_server, page, url):
    errors = _collect_errors(page)

    page.goto(live_server.url + url)
    page.wait_for_selector(".govuk-skip-link[data-govuk-skip-link-init]", state="attached")

    body_classes = page.locator("body").get_attribute("class").split()
    assert {"govuk-template__body", "js-enabled", "govuk-frontend-supported"} <= set(body_classes)
    assert errors == []


def test_stylesheet_is_served_and_uses_system_fonts(live_server, page):
    stylesheet = page.request.get(live_server.url + "/static/dist/application.css")
    assert stylesheet.status == 200, "static/dist/application.css missing: run `make frontend`"

    page.goto(live_server.url + "/")

    header = page.locator(".govuk-header")
    assert header.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(11, 12, 12)"
    font = page.locator("h1").evaluate("element => getComputedStyle(element).fontFamily")
    assert font.lower().replace('"', "") == "arial, sans-serif"


def test_skip_link_is_first_and_moves_focus_to_the_main_content(live_server, page):
    page.goto(live_server.url + "/cookies/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert page.locator(".govuk-skip-link").is_visible()

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.url.endswith("/cookies/#main-content")


def test_language_switcher_opens_the_same_page_in_welsh_and_back(live_server, page):
    page.goto(live_server.url + "/cookies/")

    page.locator(".app-language-switcher a").click()
    assert page.url == live_server.url + "/cy/cookies/"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.locator("h1").inner_text() == "Cwcis"

    page.locator(".app-language-switcher a").click()
    assert page.url == live_server.url + "/cookies/"
    assert page.locator("h1").inner_text() == "Cookies"


def test_axe_check_reports_violations(live_server, page):
    """The accessibility tests above would pass vacuously if axe never ran: break a page on purpose."""
    page.goto(live_server.url + "/")
    page.evaluate("document.documentElement.removeAttribute('lang')")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    # A best-practice rule outside WCAG: the WCAG-only run must not report it.
    page.evaluate("document.querySelector('h1').textContent = ''")

    assert {violation["id"] for violation in axe_violations(page)} == {"html-has-lang", "image-alt"}
