"""The e-mail alerts journey in a real browser: sign up (a mistake first), confirm from the e-mail's
link, stop from an alert's link. With JavaScript, every page is checked with axe-core and for
sideways scroll at 320px, in English and Welsh; the same journey then works with JavaScript off
(where the page cannot run axe)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from alerts.models import Subscription
from alerts.services import unsubscribe_token
from tests.alerts.support import confirmation_url, published_complaint
from tests.builders import ensure_public_record
from tests.helpers import axe_violations, format_violations

pytestmark = pytest.mark.browser


def assert_accessible(page, where: str, *, javascript: bool) -> None:
    if not javascript:
        return
    violations = axe_violations(page)
    assert violations == [], f"{where}:\n{format_violations(violations)}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{where}: {width}px wide at 320px"


@pytest.mark.parametrize(
    ("language", "javascript"), [("", True), ("/cy", True), ("", False)], ids=["en", "cy", "no-js"]
)
def test_sign_up_confirm_and_stop(live_server, transactional_db, browser, language, javascript):
    ensure_public_record()
    complaint = published_complaint()
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{language}/super-complaints/{complaint.reference}/")
        page.locator(f"a[href='{language}/super-complaints/{complaint.reference}/alerts/']").click()
        assert_accessible(page, "form", javascript=javascript)

        page.fill("#id_email", "not an address")
        page.locator("form button[type=submit]").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        expect(page.locator("#id_email")).to_have_value("not an address")
        assert_accessible(page, "form with an error", javascript=javascript)

        page.fill("#id_email", "reader@example.org")
        page.locator("form button[type=submit]").click()
        assert page.url.endswith(f"{language}/alerts/check-your-email/")
        assert_accessible(page, "check your email", javascript=javascript)

        subscription = Subscription.objects.get()
        link = confirmation_url(subscription)
        page.goto(live_server.url + link[link.index(f"{language}/alerts/") :])
        assert_accessible(page, "confirm", javascript=javascript)
        page.locator("form button[type=submit]").click()
        expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
        assert_accessible(page, "confirmed", javascript=javascript)
        subscription.refresh_from_db()
        assert subscription.is_active

        page.goto(f"{live_server.url}{language}/alerts/unsubscribe/{unsubscribe_token(subscription)}/")
        assert_accessible(page, "unsubscribe", javascript=javascript)
        page.locator("form button[type=submit]").click()
        expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
        assert_accessible(page, "unsubscribed", javascript=javascript)
        subscription.refresh_from_db()
        assert subscription.unsubscribed_at is not None
    finally:
        context.close()
