"""One journey through the staff Retention page in a browser: change a rule, place a hold on a
complaint, lift it; axe-clean at each step and no sideways scroll at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from retention.models import LegalHold, RetentionRule
from tests.accounts.support import browser_sign_in
from tests.builders import ensure_public_record, london
from tests.casework.support import make_person
from tests.helpers import assert_accessible
from tests.retention.support import withdrawn

pytestmark = pytest.mark.browser


def no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > 321 && !e.closest(".app-table-scroll"))
            .map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide[:15]
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_team_changes_a_rule_and_places_and_lifts_a_hold(live_server, browser, transactional_db):
    ensure_public_record()
    import importlib

    from django.apps import apps

    # A flush removes what data migrations wrote: the schedule's defaults, back in place.
    importlib.import_module("retention.migrations.0002_default_schedule").seed(apps, None)
    complaint = withdrawn("Withdrawn for the hold", at=london(2026, 3, 1, 9))
    user, device = make_person("team")
    page = browser_sign_in(browser, live_server.url, user.email, device, "/casework/")

    page.get_by_role("link", name="Retention and legal holds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("link", name="Change Sent e-mails").click()
    assert_accessible(page)
    page.get_by_label("Period").fill("0")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Period").fill("36")
    page.get_by_role("button", name="Save the rule").click()
    expect(page.locator("main")).to_contain_text("36 months")
    assert RetentionRule.objects.get(category="outbox_messages").period == 36

    page.get_by_label("Super-complaint reference").fill(complaint.reference)
    page.get_by_label("Reason").fill("Judicial review claim")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.locator("main")).to_contain_text(f"{complaint.reference}: Judicial review claim")
    assert_accessible(page)
    no_sideways_scroll(page)
    assert LegalHold.objects.active().get().complaint_id == complaint.pk

    page.get_by_role("button", name="Lift this hold").click()
    expect(page.locator("main")).to_contain_text("The legal hold has been lifted.")
    assert not LegalHold.objects.active().exists()
    assert_accessible(page)
