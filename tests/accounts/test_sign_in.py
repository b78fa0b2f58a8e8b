"""Signing in needs the password and a code from a confirmed authenticator app, in that order."""

from __future__ import annotations

import datetime
import html
import re
import time
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.views import PENDING_SIGN_IN
from audit.models import AuditEvent
from tests.accounts.support import (
    PASSWORD,
    code_for,
    make_device,
    make_user,
    sign_in,
    sign_in_with_password,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

WRONG_CREDENTIALS = "The email address or password is not correct"


@pytest.fixture
def user():
    return make_user("pat@example.org")


@pytest.fixture
def device(user):
    return make_device(user)


def test_sign_in_page_has_labelled_fields_with_autocomplete(client):
    response = client.get("/account/sign-in/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="govuk-label" for="id_email">Email address</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert "<title>Sign in – Police super-complaints</title>" in html


def test_password_alone_does_not_sign_in(client, user, device):
    response = sign_in_with_password(client, "pat@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/code/"
    assert SESSION_KEY not in client.session
    assert client.get("/protected/")["Location"] == "/account/sign-in/?next=/protected/"


def test_password_and_code_sign_in_and_verify_the_session(client, user, device):
    sign_in_with_password(client, "Pat@Example.org ")
    page = client.get("/account/sign-in/code/")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert 'inputmode="numeric"' in page.content.decode()

    response = client.post("/account/sign-in/code/", {"code": code_for(device)})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_SIGN_IN not in client.session
    assert client.get("/protected/").content == b"hello pat@example.org"


def test_sign_in_goes_back_to_the_page_that_asked(client, user, device):
    client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD, "next": "/protected/"})
    response = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/protected/"


def test_sign_in_ignores_a_next_address_on_another_site(client, user, device):
    client.post(
        "/account/sign-in/", {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    response = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/"


def test_code_with_spaces_is_accepted(client, user, device):
    sign_in_with_password(client, user.email)
    code = code_for(device)
    response = client.post("/account/sign-in/code/", {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_wrong_code_is_refused(client, user, device):
    sign_in_with_password(client, user.email)
    good = code_for(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"

    response = client.post("/account/sign-in/code/", {"code": wrong})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The security code is not correct" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_code">' in html
    assert "<title>Error: Enter your security code – Police super-complaints</title>" in html
    assert SESSION_KEY not in client.session
    assert client.get("/protected/").status_code == 302


def test_right_code_after_a_wrong_one_waits_for_the_device_throttle(client, user, device):
    sign_in_with_password(client, user.email)
    client.post("/account/sign-in/code/", {"code": "000000" if code_for(device) != "000000" else "111111"})

    # Half a second after the wrong code, however long the machine took to get here: the device's
    # pause (1 second) has not passed.
    device.refresh_from_db()
    half_a_second_later = device.throttling_failure_timestamp + datetime.timedelta(milliseconds=500)
    with mock.patch("django.utils.timezone.now", return_value=half_a_second_later):
        too_soon = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert too_soon.status_code == 200
    # One wrong code is one wrong code: the pause is explained, never as "too many times".
    page = html.unescape(too_soon.content.decode())
    assert (
        "The security code you entered was wrong. Wait 1 second, then enter the code your "
        "authenticator app shows now"
    ) in page
    assert "too many times" not in page

    device.refresh_from_db()
    device.throttling_failure_timestamp = device.throttling_failure_timestamp.replace(year=2000)
    device.save()
    later = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert later.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_malformed_code_gets_a_format_message(client, user, device):
    sign_in_with_password(client, user.email)
    response = client.post("/account/sign-in/code/", {"code": "12ab"})
    assert "Enter the security code as 6 digits, like 123456" in response.content.decode()
    empty = client.post("/account/sign-in/code/", {"code": ""})
    assert "Enter the security code" in empty.content.decode()


def test_a_code_is_accepted_once(client, user, device):
    assert sign_in(client, user, device).status_code == 302
    client.post("/account/sign-out/")
    sign_in_with_password(client, user.email)
    replay = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert replay.status_code == 200
    assert "The security code is not correct" in replay.content.decode()


def _without_tokens(html: str, email: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(email, "EMAIL")


def test_unknown_email_and_wrong_password_get_the_same_answer(client, user, device):
    unknown = sign_in_with_password(client, "nobody@example.org")
    wrong = sign_in_with_password(client, user.email, "not the password")

    assert unknown.status_code == wrong.status_code == 200
    assert WRONG_CREDENTIALS in unknown.content.decode()
    assert _without_tokens(unknown.content.decode(), "nobody@example.org") == _without_tokens(
        wrong.content.decode(), "pat@example.org"
    )


def test_inactive_user_gets_the_same_answer(client, device, user):
    user.is_active = False
    user.save()
    response = sign_in_with_password(client, user.email)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()


def test_missing_fields_have_govuk_messages(client):
    response = client.post("/account/sign-in/", {"email": "", "password": ""})
    html = response.content.decode()
    assert '<a href="#id_email">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


@pytest.mark.parametrize("confirmed", [None, False])
def test_user_without_a_confirmed_device_cannot_finish(client, user, confirmed):
    if confirmed is not None:
        make_device(user, confirmed=confirmed)

    response = sign_in_with_password(client, user.email)

    assert response.status_code == 403
    assert "Contact your administrator" in response.content.decode()
    assert PENDING_SIGN_IN not in client.session
    assert client.get("/account/sign-in/code/")["Location"] == "/account/sign-in/"
    assert client.post("/account/sign-in/code/", {"code": "123456"})["Location"] == "/account/sign-in/"
    assert SESSION_KEY not in client.session


def test_code_page_without_the_password_step_goes_back_to_sign_in(client):
    assert client.get("/account/sign-in/code/")["Location"] == "/account/sign-in/"


def test_half_finished_sign_in_expires_after_five_minutes(client, user, device):
    sign_in_with_password(client, user.email)
    session = client.session
    session[PENDING_SIGN_IN] = {**session[PENDING_SIGN_IN], "since": time.time() - 301}
    session.save()

    response = client.post("/account/sign-in/code/", {"code": code_for(device)})

    assert response["Location"] == "/account/sign-in/"
    assert SESSION_KEY not in client.session
    assert (
        "You took too long to enter your security code." in client.get("/account/sign-in/").content.decode()
    )


def test_password_changed_between_the_steps_cancels_the_sign_in(client, user, device):
    sign_in_with_password(client, user.email)
    user.set_password("a completely new password")
    user.save()
    response = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/account/sign-in/"
    assert SESSION_KEY not in client.session


def test_session_key_changes_at_each_step(client, user, device):
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    planted = session.session_key

    sign_in_with_password(client, user.email)
    after_password = client.session.session_key
    client.post("/account/sign-in/code/", {"code": code_for(device)})
    after_code = client.session.session_key

    assert len({planted, after_password, after_code}) == 3


def test_signed_in_visitor_to_sign_in_page_is_sent_on(client, user, device):
    sign_in(client, user, device)
    response = client.get("/account/sign-in/?next=/protected/")
    assert response["Location"] == "/protected/"


def test_sign_in_and_out_are_in_the_audit_trail(client, user, device):
    sign_in(client, user, device)
    client.post("/account/sign-out/")

    events = list(AuditEvent.objects.filter(object_id=str(user.pk)).order_by("sequence"))
    assert [(e.action, e.after, e.actor_label) for e in events] == [
        ("account.signed_in", {"device": device.persistent_id}, "pat@example.org"),
        ("account.signed_out", {"reason": "user"}, "pat@example.org"),
    ]


def test_sign_out_needs_post(client, user, device):
    sign_in(client, user, device)

    confirm = client.get("/account/sign-out/")
    assert confirm.status_code == 200
    assert SESSION_KEY in client.session

    response = client.post("/account/sign-out/")
    assert response["Location"] == "/account/signed-out/"
    assert SESSION_KEY not in client.session
    assert client.get("/account/signed-out/").status_code == 200
    assert client.get("/protected/").status_code == 302


def test_several_wrong_codes_in_a_row_are_too_many(client, user, device):
    sign_in_with_password(client, user.email)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(3):
        client.post("/account/sign-in/code/", {"code": wrong})
        # Past the device's pause, as a person who waits before each try would be.
        device.refresh_from_db()
        pause_over = device.throttling_failure_timestamp.replace(year=2000)
        type(device).objects.filter(pk=device.pk).update(throttling_failure_timestamp=pause_over)
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now()
    device.save(update_fields=["throttling_failure_timestamp"])
    response = client.post("/account/sign-in/code/", {"code": code_for(device)})
    page = html.unescape(response.content.decode())
    assert "You entered a wrong code too many times in a row. Wait 4 seconds, then try again" in page
