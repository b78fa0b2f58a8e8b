"""Session lifetime: signed out after 30 minutes without activity, and 12 hours after signing in
whatever the activity.

Django's own session expiry (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST) already ends an idle
session; this middleware adds the absolute limit, which Django does not have, and checks the idle
limit itself so that the person can be told why they were signed out.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN = "accounts_last_seen"
ENDED_REASON = "accounts_session_ended"

IDLE = "idle"
ABSOLUTE = "absolute"


@dataclass(frozen=True)
class SessionLifetime:
    """When the current signed-in session ends if nothing else happens, and why it would."""

    ends_at: datetime.datetime
    seconds_left: int
    by_absolute_limit: bool  # True: 12 hours after signing in; False: 30 minutes idle


def now() -> float:
    """The clock, in seconds since the epoch; one function so tests can move it."""
    return time.time()


def start_session_clock(request: HttpRequest) -> None:
    """Mark the start of a signed-in session (called when someone signs in)."""
    moment = now()
    request.session[SIGNED_IN_AT] = moment
    request.session[LAST_SEEN] = moment


def session_lifetime(request: HttpRequest) -> SessionLifetime | None:
    """The signed-in session's end, as set by the middleware for this request (None if signed out)."""
    return getattr(request, "session_lifetime", None)


def _make_anonymous_unverified(request: HttpRequest) -> None:
    # logout() leaves a plain AnonymousUser without the attributes OTPMiddleware adds; code after
    # this middleware may ask request.user.is_verified().
    request.user.otp_device = None  # type: ignore[union-attr]
    request.user.is_verified = lambda: False  # type: ignore[union-attr]


class SessionLifetimeMiddleware:
    """Ends signed-in sessions that were idle too long or are older than SESSION_ABSOLUTE_MAX_AGE.

    Goes right after django_otp's OTPMiddleware. Sets ``request.session_lifetime`` for signed-in
    users, which the timeout warning (templates/accounts/timeout_warning.html) shows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.idle_seconds = settings.SESSION_COOKIE_AGE
        self.absolute_seconds = settings.SESSION_ABSOLUTE_MAX_AGE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody can be signed in; not touching the session then keeps
        # public pages free of "Vary: Cookie" and of a session query.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        moment = now()
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in_at is None:
            # Signed in by a path that did not start the clock (e.g. a test client's force_login):
            # start it now rather than let the session live for ever.
            signed_in_at = last_seen = moment
            session[SIGNED_IN_AT] = moment
        reason = None
        if moment - signed_in_at >= self.absolute_seconds:
            reason = ABSOLUTE
        elif last_seen is not None and moment - last_seen >= self.idle_seconds:
            reason = IDLE
        if reason is not None:
            logout(request)
            request.session[ENDED_REASON] = reason
            _make_anonymous_unverified(request)
            return
        session[LAST_SEEN] = moment
        idle_end = moment + self.idle_seconds
        absolute_end = signed_in_at + self.absolute_seconds
        ends = min(idle_end, absolute_end)
        request.session_lifetime = SessionLifetime(  # type: ignore[attr-defined]
            ends_at=datetime.datetime.fromtimestamp(ends, tz=datetime.UTC),
            seconds_left=int(ends - moment),
            by_absolute_limit=absolute_end < idle_end,
        )


class PrivateResponsesMiddleware:
    """Marks every response to a signed-in person ``Cache-Control: private, no-store``.

    One place, not a decorator per view: portal and casework pages, letters and their PDFs,
    evidence downloads and the admin all carry personal data, and a view that forgot its decorator
    would let a shared proxy or the browser's disk cache keep a copy. Goes right after
    SecurityMiddleware, so it sees the final response whichever middleware or view made it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Without a session cookie nobody is signed in; asking request.user then would touch the
        # session and add "Vary: Cookie" to public pages.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response.headers["Cache-Control"] = "private, no-store"
                response.headers.pop("Expires", None)
        return response
