"""A force's administrator invites a colleague from the portal; the colleague opens the e-mailed
link, chooses a password, sets up an authenticator app from the key shown, and lands in the portal
signed in. Every page is checked with axe-core; the colleague's pages on a 320 px screen."""

from __future__ import annotations

import base64
import time
from urllib.parse import urlparse

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts import services
from accounts.models import Invitation, Membership, Role
from organisations.models import OrganisationKind
from outbox.models import Message
from tests.accounts.support import PASSWORD, browser_sign_in, make_org
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser]

NEW_PASSWORD = "a long and unusual passphrase"


def _fits(page: Page) -> None:
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, page.url


def _code_from_key(text: str) -> str:
    key = base64.b32decode(text.replace(" ", ""))
    totp = TOTP(key, 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_an_administrator_invites_and_the_colleague_sets_up_their_account(
    transactional_db, live_server, browser
):
    base = live_server.url
    kent = make_org(OrganisationKind.FORCE, "Kent Police")
    admin = services.create_account(email="admin@kent.example", full_name="Alex Admin", password=PASSWORD)
    device = services.add_totp_device(user=admin, name="Phone")
    services.add_membership(user=admin, organisation=kent, role=Role.ORGANISATION_ADMIN)

    page = browser_sign_in(browser, base, admin.email, device, "/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation’s users")
    assert_accessible(page)
    page.get_by_role("link", name="Your organisation’s users").click()
    expect(page.locator("#members")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Invite a colleague").click()
    assert_accessible(page)
    # Bad input: no role chosen; the address typed is kept.
    page.get_by_label("Your colleague’s email address").fill("sam@kent.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a role for your colleague")
    expect(page.get_by_label("Your colleague’s email address")).to_have_value("sam@kent.example")
    assert_accessible(page)
    page.get_by_label("Drafts responses to recommendations").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "An invitation has been sent to sam@kent.example."
    )
    expect(page.locator("#invitations").locator("xpath=following-sibling::table[1]")).to_contain_text(
        "sam@kent.example"
    )
    assert_accessible(page)

    invitation = Invitation.objects.get()
    link = Message.objects.get(dedupe_key=f"invitation:{invitation.pk}").context["url"]
    colleague = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    colleague.goto(f"{base}{urlparse(link).path}")
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Set up your account")
    expect(colleague.locator(".govuk-summary-list")).to_contain_text("Kent Police")
    expect(colleague.locator(".govuk-summary-list")).to_contain_text(
        "Responder for a recommendation addressee"
    )
    assert_accessible(colleague)
    _fits(colleague)
    colleague.get_by_label("Full name").fill("Sam Taylor")
    colleague.get_by_label("Create a password").fill("password")
    colleague.get_by_label("Confirm your password").fill("password")
    colleague.get_by_role("button", name="Continue").click()
    expect(colleague.locator(".govuk-error-summary")).to_be_visible()
    expect(colleague.get_by_label("Full name")).to_have_value("Sam Taylor")
    assert_accessible(colleague)
    colleague.get_by_label("Create a password").fill(NEW_PASSWORD)
    colleague.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Continue").click()

    expect(colleague.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    assert_accessible(colleague)
    _fits(colleague)
    colleague.get_by_text("Setting up the app on this device").click()
    expect(colleague.get_by_role("link", name="otpauth://")).to_be_visible()
    _fits(colleague)
    assert_accessible(colleague)
    key = colleague.locator("#setup-key").inner_text()
    colleague.get_by_label("Enter the 6-digit code from your authenticator app").fill(_code_from_key(key))
    colleague.get_by_role("button", name="Confirm and sign in").click()

    expect(colleague.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your account is set up. Your role at Kent Police: Responder for a recommendation addressee."
    )
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Your force's work")
    assert_accessible(colleague)
    assert Membership.objects.filter(
        user__email="sam@kent.example", organisation=kent, role=Role.RESPONDER
    ).exists()

    page.reload()
    expect(page.get_by_text("There are no invitations waiting to be accepted.")).to_be_visible()
    expect(page.locator("#members").locator("xpath=following-sibling::table[1]")).to_contain_text(
        "Sam Taylor"
    )


def test_the_administrators_pages_fit_a_320_pixel_screen(transactional_db, live_server, browser):
    from django.conf import settings
    from django.test import Client

    from accounts.invitations import invite_colleague
    from tests.accounts.support import force_verified_login

    kent = make_org(OrganisationKind.FORCE, "Kent Police")
    admin = services.create_account(email="admin@kent.example", full_name="Alex Admin", password=PASSWORD)
    device = services.add_totp_device(user=admin, name="Phone")
    services.add_membership(user=admin, organisation=kent, role=Role.ORGANISATION_ADMIN)
    sam = services.create_account(
        email="samantha.longname-example@kent-police.example", full_name="Sam Taylor"
    )
    responder = services.add_membership(user=sam, organisation=kent, role=Role.RESPONDER)
    invitation = invite_colleague(
        organisation=kent,
        email="a.very.long.address.for.a.colleague@kent-police.example",
        role=Role.SIGNATORY,
        invited_by=admin,
    ).invitation
    client = Client()
    force_verified_login(client, admin, device)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])
    page = context.new_page()
    for path in (
        "/portal/",
        f"/portal/users/{kent.slug}/",
        f"/portal/users/{kent.slug}/invite/",
        f"/portal/users/{kent.slug}/invitations/{invitation.pk}/withdraw/",
        f"/portal/users/{kent.slug}/members/{responder.pk}/remove/",
        f"/cy/portal/users/{kent.slug}/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        _fits(page)
        assert_accessible(page)
