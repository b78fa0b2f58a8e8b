"""Five failed attempts from one address for one account pause sign-in there for 15 minutes."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY

from tests.accounts.support import code_for, make_device, make_user, sign_in_with_password

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

PAUSED = "Sign in is paused"
FIFTEEN_MINUTES = "signing in is paused for 15 minutes"


@pytest.fixture
def user():
    return make_user("pat@example.org")


@pytest.fixture
def device(user):
    return make_device(user)


def _wrong(client, email="pat@example.org", ip="192.0.2.1"):
    return sign_in_with_password(client, email, "wrong password", REMOTE_ADDR=ip)


def test_fifth_failure_pauses_sign_in_with_a_clear_page(client, user, device):
    for _ in range(4):
        assert _wrong(client).status_code == 200

    fifth = _wrong(client)

    html = fifth.content.decode()
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    assert f'<h1 class="govuk-heading-l">{PAUSED}</h1>' in html
    assert FIFTEEN_MINUTES in html
    assert "<title>Sign in is paused – Police super-complaints</title>" in html


def test_right_password_is_refused_while_paused(client, user, device):
    for _ in range(5):
        _wrong(client)

    response = sign_in_with_password(client, user.email, REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_same_account_from_another_address_is_not_paused(client, user, device):
    for _ in range(5):
        _wrong(client, ip="192.0.2.1")

    response = sign_in_with_password(client, user.email, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    done = client.post("/account/sign-in/code/", {"code": code_for(device)}, REMOTE_ADDR="198.51.100.7")
    assert done.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_pause_ends_after_fifteen_minutes(client, user, device):
    for _ in range(5):
        _wrong(client)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=15, seconds=1)
    )

    response = sign_in_with_password(client, user.email, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302


def test_wrong_codes_count_towards_the_pause(client, user, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the device's own back-off is tested elsewhere
    assert sign_in_with_password(client, user.email, REMOTE_ADDR="192.0.2.1").status_code == 302
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _ in range(4):
        response = client.post("/account/sign-in/code/", {"code": wrong}, REMOTE_ADDR="192.0.2.1")
        assert response.status_code == 200

    fifth = client.post("/account/sign-in/code/", {"code": wrong}, REMOTE_ADDR="192.0.2.1")
    assert fifth.status_code == 429
    right = client.post("/account/sign-in/code/", {"code": code_for(device)}, REMOTE_ADDR="192.0.2.1")
    assert right.status_code == 429
    assert SESSION_KEY not in client.session


def test_successful_sign_in_clears_earlier_failures(client, user, device):
    for _ in range(4):
        _wrong(client)
    sign_in_with_password(client, user.email, REMOTE_ADDR="192.0.2.1")
    client.post("/account/sign-in/code/", {"code": code_for(device)}, REMOTE_ADDR="192.0.2.1")
    client.post("/account/sign-out/", REMOTE_ADDR="192.0.2.1")

    assert _wrong(client).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1
