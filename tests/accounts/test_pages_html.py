"""Every account page is valid HTML (html-validate, with the project's configuration)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.support import force_verified_login, make_device, make_user, sign_in_with_password
from tests.helpers import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]


def _check(response, name: str) -> None:
    assert response.status_code in (200, 403, 429), (name, response.status_code)
    assert_valid_html(response.content.decode(), name=f"{name}.html")


def test_sign_in_pages_are_valid_html(client):
    user = make_user()
    device = make_device(user)
    _check(client.get("/account/sign-in/"), "sign_in")
    _check(client.post("/account/sign-in/", {"email": "not-an-address", "password": ""}), "sign_in_errors")
    sign_in_with_password(client, user.email)
    _check(client.get("/account/sign-in/code/"), "sign_in_code")
    _check(client.post("/account/sign-in/code/", {"code": "12"}), "sign_in_code_errors")
    _check(client.get("/account/signed-out/"), "signed_out")
    _check(client.get("/account/timed-out/"), "timed_out")
    force_verified_login(client, user, device)
    _check(client.get("/account/sign-out/"), "sign_out")
    _check(client.get("/signed-in-page/"), "signed_in_page_with_timeout_warning")


def test_refusal_pages_are_valid_html(client):
    make_user("nodevice@example.org")
    _check(sign_in_with_password(client, "nodevice@example.org"), "sign_in_no_device")
    for _ in range(5):
        response = sign_in_with_password(client, "nodevice@example.org", "wrong")
    _check(response, "sign_in_paused")


def test_password_reset_pages_are_valid_html(client):
    make_user()
    _check(client.get("/account/password-reset/"), "password_reset_form")
    client.post("/account/password-reset/", {"email": "pat@example.org"})
    _check(client.get("/account/password-reset/sent/"), "password_reset_done")
    link = re.search(r"https://super-complaints\.test(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    _check(client.get(form_url), "password_reset_confirm")
    _check(
        client.post(form_url, {"new_password1": "short", "new_password2": "other"}), "password_reset_errors"
    )
    client.post(
        form_url, {"new_password1": "a brand new passphrase 42", "new_password2": "a brand new passphrase 42"}
    )
    _check(client.get("/account/password-reset/done/"), "password_reset_complete")
    _check(client.get(link, follow=True), "password_reset_invalid_link")


def test_password_reset_paused_page_is_valid_html(client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    client.post("/account/password-reset/", {"email": "pat@example.org"})
    _check(client.post("/account/password-reset/", {"email": "pat@example.org"}), "password_reset_paused")
