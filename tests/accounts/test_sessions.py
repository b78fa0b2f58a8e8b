"""Sessions end after 30 minutes idle and 12 hours after signing in, whatever the activity."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session

from accounts import middleware
from accounts.middleware import ENDED_REASON, LAST_SEEN, SIGNED_IN_AT
from audit.models import AuditEvent
from tests.accounts.support import force_verified_login, make_device, make_user, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]

# Wednesday 15 January 2025, 14:00 in London (GMT, so the same in UTC).
NOON_ISH = datetime.datetime(2025, 1, 15, 14, 0, tzinfo=datetime.UTC).timestamp()


@pytest.fixture
def user():
    return make_user("pat@example.org")


@pytest.fixture
def device(user):
    return make_device(user)


@pytest.fixture
def signed_in(client, user, device):
    force_verified_login(client, user, device)
    assert client.get("/protected/").status_code == 200
    return client


def _set(client, **values):
    session = client.session
    for key, value in values.items():
        session[key] = value
    session.save()


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_MAX_AGE == 12 * 60 * 60
    assert "accounts.middleware.SessionLifetimeMiddleware" in settings.MIDDLEWARE
    position = settings.MIDDLEWARE.index("accounts.middleware.SessionLifetimeMiddleware")
    assert settings.MIDDLEWARE[position - 1] == "django_otp.middleware.OTPMiddleware"


def test_signing_in_starts_the_clock(client, user, device):
    before = time.time()
    sign_in(client, user, device)
    after = time.time()
    assert before <= client.session[SIGNED_IN_AT] <= after
    assert before <= client.session[LAST_SEEN] <= after


def test_activity_within_thirty_minutes_keeps_the_session(signed_in):
    _set(signed_in, **{LAST_SEEN: time.time() - 29 * 60})
    assert signed_in.get("/protected/").status_code == 200
    assert signed_in.session[LAST_SEEN] > time.time() - 5


def test_thirty_minutes_idle_signs_out(signed_in):
    _set(signed_in, **{LAST_SEEN: time.time() - 30 * 60 - 1})

    response = signed_in.get("/protected/")

    assert response["Location"] == "/account/sign-in/?next=/protected/"
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the service for 30 minutes." in page


def test_expired_session_record_signs_out(signed_in):
    # Django's own idle expiry: the stored session has passed its expiry date.
    Session.objects.update(expire_date=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(seconds=1))
    assert signed_in.get("/protected/")["Location"] == "/account/sign-in/?next=/protected/"


def test_twelve_hours_after_sign_in_signs_out_even_when_active(signed_in):
    _set(signed_in, **{SIGNED_IN_AT: time.time() - 12 * 60 * 60 - 1, LAST_SEEN: time.time() - 60})

    response = signed_in.get("/protected/")

    assert response["Location"] == "/account/sign-in/?next=/protected/"
    assert SESSION_KEY not in signed_in.session
    page = signed_in.get(response["Location"]).content.decode()
    assert "You were signed out because you had been signed in for 12 hours." in page


def test_just_under_twelve_hours_is_still_signed_in(signed_in):
    _set(signed_in, **{SIGNED_IN_AT: time.time() - 12 * 60 * 60 + 30, LAST_SEEN: time.time() - 60})
    assert signed_in.get("/protected/").status_code == 200


def test_ended_reason_is_shown_once(signed_in):
    _set(signed_in, **{LAST_SEEN: time.time() - 31 * 60})
    signed_in.get("/protected/")
    assert signed_in.session[ENDED_REASON] == "idle"
    signed_in.get("/account/sign-in/")
    assert "had not used the service" not in signed_in.get("/account/sign-in/").content.decode()


def test_keep_alive_reports_the_time_left(signed_in, monkeypatch):
    monkeypatch.setattr(middleware, "now", lambda: NOON_ISH)
    _set(signed_in, **{SIGNED_IN_AT: NOON_ISH - 3600, LAST_SEEN: NOON_ISH - 25 * 60})

    response = signed_in.post("/account/keep-alive/")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "signed_in": True,
        "seconds_left": 1800,
        "ends_at": "2025-01-15T14:30:00+00:00",
        "by_absolute_limit": False,
    }
    assert signed_in.session[LAST_SEEN] == NOON_ISH


def test_keep_alive_cannot_pass_the_twelve_hours(signed_in, monkeypatch):
    monkeypatch.setattr(middleware, "now", lambda: NOON_ISH)
    _set(signed_in, **{SIGNED_IN_AT: NOON_ISH - 12 * 60 * 60 + 600, LAST_SEEN: NOON_ISH - 60})

    body = json.loads(signed_in.post("/account/keep-alive/").content)

    assert body["seconds_left"] == 600
    assert body["by_absolute_limit"] is True


def test_keep_alive_when_signed_out_says_so(client):
    response = client.post("/account/keep-alive/")
    assert response.status_code == 401
    assert json.loads(response.content) == {"signed_in": False}


def test_keep_alive_needs_post(signed_in):
    assert signed_in.get("/account/keep-alive/").status_code == 405


def test_timeout_warning_says_when_the_session_ends(signed_in, monkeypatch):
    monkeypatch.setattr(middleware, "now", lambda: NOON_ISH)
    _set(signed_in, **{SIGNED_IN_AT: NOON_ISH - 3600, LAST_SEEN: NOON_ISH - 60})

    html = signed_in.get("/timeout-warning/").content.decode()

    assert 'data-seconds-left="1800"' in html
    assert 'data-warning-seconds="120"' in html
    assert 'data-keep-alive-url="/account/keep-alive/"' in html
    assert (
        '<time class="app-timeout-warning__time" datetime="2025-01-15T14:30:00+00:00">2:30pm</time>' in html
    )
    assert "if you do not use the service before then" in html
    assert '<script type="module" src="/static/js/timeout-warning.js"></script>' in html
    assert "<script>" not in html


def test_timeout_warning_near_twelve_hours_says_why(signed_in, monkeypatch):
    monkeypatch.setattr(middleware, "now", lambda: NOON_ISH)
    _set(signed_in, **{SIGNED_IN_AT: NOON_ISH - 12 * 60 * 60 + 600, LAST_SEEN: NOON_ISH - 60})

    html = signed_in.get("/timeout-warning/").content.decode()

    assert 'data-seconds-left="600"' in html
    assert "2:10pm</time>, 12 hours after you signed in." in html


def test_timeout_warning_is_empty_when_signed_out(client):
    assert client.get("/timeout-warning/").content.decode().strip() == ""


def test_public_visitor_without_a_cookie_gets_no_session(client):
    response = client.get("/account/sign-in/")
    assert "sessionid" not in response.cookies


def test_timed_out_sign_out_goes_to_the_explanation(signed_in, user):
    response = signed_in.post("/account/sign-out/", {"reason": "timeout"})

    assert response["Location"] == "/account/timed-out/"
    page = signed_in.get("/account/timed-out/").content.decode()
    assert "we signed you out because you had not used the service for 30 minutes" in page
    event = AuditEvent.objects.get(action="account.signed_out")
    assert event.after == {"reason": "timeout"}
