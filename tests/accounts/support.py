"""Helpers for the sign-in tests: people, organisations, authenticator codes."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from organisations.models import Organisation

PASSWORD = "correct horse battery staple"


def make_org(kind: str, name: str, short_name: str = "", **extra: object) -> Organisation:
    slug = f"{kind}-{name}".lower().replace(" ", "-").replace("'", "")
    return Organisation.objects.create(kind=kind, name=name, short_name=short_name, slug=slug, **extra)


def make_user(email: str = "pat@example.org", *, password: str = PASSWORD, **extra: object) -> User:
    return User.objects.create_user(email, password=password, **extra)


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=confirmed)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or ``steps_ahead`` 30-second steps from now).

    Each code is accepted once, so a test that signs in twice uses the next step's code.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in_with_password(client: Client, email: str, password: str = PASSWORD, **extra: object):
    return client.post("/account/sign-in/", {"email": email, "password": password}, **extra)


def sign_in(
    client: Client, user: User, device: TOTPDevice, *, password: str = PASSWORD, steps_ahead: int = 0
):
    """Both steps, as a person would; returns the response to the code."""
    response = sign_in_with_password(client, user.email, password)
    assert response.status_code == 302, response.content
    assert response["Location"] == "/account/sign-in/code/"
    return client.post("/account/sign-in/code/", {"code": code_for(device, steps_ahead=steps_ahead)})


def force_verified_login(client: Client, user: User, device: TOTPDevice) -> None:
    """Signed in with both factors, without going through the pages (for tests about other things)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in_page(page, base: str, email: str, device: TOTPDevice, next_path: str = "") -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real pages in a Playwright page: password, then the app's code."""
    page.goto(f"{base}/account/sign-in/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Enter your security code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()


def browser_sign_in(browser, base: str, email: str, device: TOTPDevice, next_path: str = ""):  # type: ignore[no-untyped-def]
    """A new browser session for one person, signed in; returns its page."""
    page = browser.new_context().new_page()
    sign_in_page(page, base, email, device, next_path)
    return page
