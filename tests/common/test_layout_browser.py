"""No page scrolls sideways on a 320 px wide screen (WCAG 2.2 1.4.10 reflow), and every page
passes axe-core, the best-practice ``region`` rule included, at that width."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Browser

from complaints import letters, services
from complaints.models import SuperComplaint
from tests.builders import ensure_public_record, london, make_draft, org
from tests.casework.support import make_person, signed_in
from tests.helpers import axe_violations, format_violations
from tests.portal.support import client_for, person

pytestmark = [pytest.mark.browser]

PUBLIC_PAGES = [
    "/",
    "/super-complaints/",
    "/super-complaints/SC-2019-002/",
    "/designated-bodies/",
    "/search/?q=stalking",
    "/open-data/",
    "/cy/",
    "/cy/open-data/",
    "/account/sign-in/",
    "/cy/account/sign-in/",
]


def _narrow_page(browser: Browser, base: str, client=None):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    if client is not None:
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": session.key, "value": session.value, "url": base}])
    return context.new_page()


def _too_wide(page, url) -> str:
    """Why ``url`` does not fit the page's width ("" when it fits), after checking it with axe."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    violations = axe_violations(page)
    if violations:
        return f"{url}: axe-core found\n{format_violations(violations)}"
    if widths["scroll"] <= widths["client"]:
        return ""
    culprits = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(-3).map((el) => el.tagName + '.' + el.className + ': ' + (el.textContent || '').trim().slice(0, 50))"""
    )
    return f"{url} is {widths['scroll']} px wide: {culprits}"


def _assert_all_fit(page, base, paths):
    problems = [problem for path in paths if (problem := _too_wide(page, f"{base}{path}"))]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def case(transactional_db):
    """A complaint with letters, an eligibility decision, progress reports and audit history."""
    ensure_public_record()
    complaint = services.submit_complaint(make_draft("Hestia"), at=london(2026, 11, 27, 10, 0))
    complaint = services.acknowledge_complaint(complaint, at=london(2026, 11, 30, 9, 0))
    letters.send_acknowledgement_letter(SuperComplaint.objects.get(pk=complaint.pk))
    return SuperComplaint.objects.get(pk=complaint.pk)


def test_public_pages_fit_a_320_pixel_screen(live_server, browser: Browser, transactional_db):
    ensure_public_record()
    page = _narrow_page(browser, live_server.url)
    _assert_all_fit(page, live_server.url, PUBLIC_PAGES)


def test_casework_pages_fit_a_320_pixel_screen(live_server, browser: Browser, case):
    staff = signed_in(*make_person("team"))
    page = _narrow_page(browser, live_server.url, staff)
    _assert_all_fit(
        page,
        live_server.url,
        (
            "/casework/",
            f"/casework/complaints/{case.reference}/",
            f"/casework/complaints/{case.reference}/eligibility/",
            f"/casework/complaints/{case.reference}/letters/{case.letters.get().pk}/",
            "/casework/complaints/SC-2019-002/",
        ),
    )


def test_portal_pages_fit_a_320_pixel_screen(live_server, browser: Browser, case):
    body = client_for(person("policy@hestia.example", org("Hestia")))
    page = _narrow_page(browser, live_server.url, body)
    draft = make_draft("Hestia")
    _assert_all_fit(
        page,
        live_server.url,
        (
            "/portal/",
            f"/portal/complaints/{case.reference}/",
            f"/portal/complaints/{case.reference}/letters/{case.letters.get().pk}/",
            "/portal/complaints/SC-2019-002/",
            f"/portal/drafts/{draft.pk}/",
            f"/portal/drafts/{draft.pk}/about/",
            "/cy/portal/",
            "/cy/portal/new/",
            f"/cy/portal/drafts/{draft.pk}/about/",
        ),
    )
