"""The refusal pages (too many searches, too many reset requests) in a real browser: accessible,
and the Permissions-Policy header raises no console error."""

from __future__ import annotations

import pytest

from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_too_many_searches_page_is_accessible(live_server, page, settings):
    settings.SEARCH_RATE_LIMIT_PER_MINUTE = 1
    errors = _errors(page)
    page.goto(live_server.url + "/search/?q=one")
    response = page.goto(live_server.url + "/search/?q=two")

    assert response.status == 429
    assert page.locator("h1").inner_text() == "Too many searches"
    assert_accessible(page)
    assert errors == [] or all("429" in error for error in errors)


def test_too_many_reset_requests_page_is_accessible(live_server, page, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    for _ in range(2):
        page.goto(live_server.url + "/account/password-reset/")
        page.get_by_label("Email address").fill("pat@example.org")
        page.get_by_role("button", name="Send the link").click()

    assert page.locator("h1").inner_text() == "Too many requests to reset a password"
    assert_accessible(page)
