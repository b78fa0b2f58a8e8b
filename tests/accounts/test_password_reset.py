"""A password-reset link works once, for one hour at most."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from accounts.services import create_account
from audit.context import SYSTEM, acting_as
from audit.models import AuditEvent
from tests.accounts.support import force_verified_login, make_device, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

NEW_PASSWORD = "a brand new passphrase 42"
LINK = re.compile(r"https://super-complaints\.test(/account/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def user():
    return make_user("pat@example.org")


def _ask_for_link(client, email="pat@example.org") -> str:
    response = client.post("/account/password-reset/", {"email": email})
    assert response["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    return LINK.search(mail.outbox[0].body).group(1)


def _set_password(client, link: str):
    landing = client.get(link)
    assert landing.status_code == 302  # the token moves out of the address into the session
    form_url = landing["Location"]
    assert form_url.endswith("/set-password/")
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_reset_links_last_one_hour():
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_reset_email_is_sent_with_a_link(client, user):
    _ask_for_link(client)
    message = mail.outbox[0]
    assert message.to == ["pat@example.org"]
    assert message.subject == "Reset your password for the police super-complaints service"
    assert "The link works once, for 60 minutes." in message.body


def test_unknown_address_gets_the_same_page_and_no_email(client, user):
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == []


def test_account_without_a_password_gets_its_first_one_by_the_link(client):
    with acting_as(SYSTEM):
        invited = create_account(email="new@example.org", full_name="New Person")
    assert not invited.has_usable_password()

    _set_password(client, _ask_for_link(client, "new@example.org"))

    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_disabled_account_gets_no_email(client, user):
    user.is_active = False
    user.save()
    client.post("/account/password-reset/", {"email": "pat@example.org"})
    assert mail.outbox == []


def test_link_sets_a_new_password(client, user):
    link = _ask_for_link(client)

    response = _set_password(client, link)

    assert response["Location"] == "/account/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_set", object_id=str(user.pk)).get().after == {
        "reason": "reset"
    }


def test_link_works_only_once(client, user):
    link = _ask_for_link(client)
    _set_password(client, link)

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link does not work" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("seconds_later", "works"), [(3599, True), (3601, False)])
def test_link_expires_after_one_hour(client, user, monkeypatch, seconds_later, works):
    link = _ask_for_link(client)
    later = datetime.datetime.now() + datetime.timedelta(seconds=seconds_later)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = client.get(link, follow=True)

    assert response.context["validlink"] is works


def test_weak_password_is_refused_next_to_the_password(client, user):
    link = _ask_for_link(client)
    form_url = client.get(link)["Location"]

    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_new_password1">This password is too short. It must contain at least 12 characters.</a>'
        in html
    )
    user.refresh_from_db()
    assert not user.check_password("short")


def test_mismatched_passwords_are_refused(client, user):
    link = _ask_for_link(client)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert '<a href="#id_new_password2">The passwords do not match</a>' in response.content.decode()


def test_reset_signs_out_sessions_using_the_old_password(client, user):
    other = Client()
    force_verified_login(other, user, make_device(user))
    assert other.get("/protected/").status_code == 200

    _set_password(client, _ask_for_link(client))

    assert other.get("/protected/").status_code == 302
