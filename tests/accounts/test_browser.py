"""Signing in with a real browser, and the timeout warning's dialog, each state checked with axe."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.accounts.support import PASSWORD, code_for, make_device, make_user
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.access.urls")]


@pytest.fixture
def person(transactional_db):
    user = make_user("pat@example.org")
    return user, make_device(user)


def _sign_in(page: Page, base: str, device: TOTPDevice, next_path: str) -> None:
    page.goto(f"{base}/account/sign-in/?next={next_path}")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Enter your security code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_password_and_code(django_db_setup, live_server, person, page: Page):
    _, device = person
    page.goto(f"{live_server.url}/account/sign-in/?next=/signed-in-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The email address or password is not correct"
    )
    expect(page).to_have_title("Error: Sign in – Police super-complaints")
    assert_accessible(page)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/account/sign-in/code/")
    code = page.get_by_label("Enter your security code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    expect(code).to_have_attribute("inputmode", "numeric")
    assert_accessible(page)

    right = code_for(device)
    code.fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The security code is not correct")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Enter your security code – Police super-complaints")
    assert_accessible(page)

    # The device asks for a second's pause after a wrong code; a person takes longer than that.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    page.get_by_label("Enter your security code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/signed-in-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casework")
    assert_accessible(page)


def test_timeout_warning_offers_to_stay_signed_in_then_signs_out(
    django_db_setup, live_server, person, page: Page
):
    _, device = person
    page.clock.install()
    _sign_in(page, live_server.url, device, "/signed-in-page/")
    expect(page).to_have_url(f"{live_server.url}/signed-in-page/")
    notice = page.locator(".app-timeout-warning__notice")
    expect(notice).to_contain_text(re.compile(r"we will sign you out at \d{1,2}:\d\d[ap]m"))
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_hidden()
    # Moving the clock before the module has set its timers would move it past nothing.
    expect(page.locator("[data-timeout-warning-started]")).to_have_count(1)

    page.clock.fast_forward("28:01")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog.get_by_role("button", name="Continue")).to_be_hidden()
    assert_accessible(page)

    with page.expect_response(lambda r: r.url.endswith("/account/keep-alive/")) as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 200
    assert keep_alive.value.json()["seconds_left"] == 1800
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("28:01")
    expect(dialog).to_be_visible()
    page.clock.fast_forward("01:45")
    expect(dialog.locator(".app-timeout-warning__countdown")).to_have_text(re.compile(r"^\d{1,2} seconds$"))
    page.clock.fast_forward("00:20")

    expect(page).to_have_url(f"{live_server.url}/account/timed-out/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    assert_accessible(page)
    page.goto(f"{live_server.url}/signed-in-page/")
    expect(page).to_have_url(f"{live_server.url}/account/sign-in/?next=/signed-in-page/")
