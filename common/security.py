"""Middleware that protects the whole service: browser features turned off, request bodies bounded
before they are read, and rate limits on the public search and the API."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import ngettext

from common import ratelimit

# Everything the service never uses: no camera, no location, no payments, no sensors. Only names
# Chromium and Firefox recognise: an unknown one is logged as a console error on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Adds the ``Permissions-Policy`` header to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _is_signed_in(request: HttpRequest) -> bool:
    from access.decorators import is_verified

    # No session cookie, nobody signed in: and no session read for anonymous requests.
    return settings.SESSION_COOKIE_NAME in request.COOKIES and is_verified(getattr(request, "user", None))


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is too large with 413, before anything reads it.

    Anonymous visitors only ever send small forms (sign in, reset a password, search), so they get
    ``ANONYMOUS_MAX_BODY_SIZE``; people signed in with both factors upload evidence and get
    ``SIGNED_IN_MAX_BODY_SIZE`` (the 25 MB evidence limit plus room for the form). Django reads a
    body only up to its Content-Length, so checking the header here, before CSRF or a view touches
    ``request.POST`` or ``request.FILES``, means an oversized body is never read or spooled to disk.
    Goes after the authentication and OTP middleware, which only read the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return _refuse(request, status=400, limit=0)
        if length > settings.ANONYMOUS_MAX_BODY_SIZE:
            limit = (
                settings.SIGNED_IN_MAX_BODY_SIZE
                if _is_signed_in(request)
                else settings.ANONYMOUS_MAX_BODY_SIZE
            )
            if _is_call_response(request):
                limit = max(limit, settings.CALL_RESPONSE_MAX_BODY_SIZE)
            if length > limit:
                return _refuse(request, status=413, limit=limit)
        return self.get_response(request)


# Anonymous forms whose answers can be long: a response to a call for evidence (up to ten answers
# of 10,000 characters each), allowed ``CALL_RESPONSE_MAX_BODY_SIZE``.
LONG_ANONYMOUS_FORMS = frozenset({"public:call"})


def _is_call_response(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in LONG_ANONYMOUS_FORMS


def _refuse(request: HttpRequest, *, status: int, limit: int) -> HttpResponse:
    response = render(request, "413.html", {"limit_kb": math.ceil(limit / 1024)}, status=status)
    # The body was not read, so the connection cannot carry another request.
    response["Connection"] = "close"
    return response


def _search_limit() -> ratelimit.Limit:
    return ratelimit.Limit("search", settings.SEARCH_RATE_LIMIT_PER_MINUTE, 60)


def api_limit() -> ratelimit.Limit:
    return ratelimit.Limit("api", settings.API_RATE_LIMIT_PER_MINUTE, 60)


class RateLimitMiddleware:
    """Per-address rate limits on the public search and the JSON API, answered with a 429 that says
    what the limit is and when to try again (and ``Retry-After``).

    Decided by the view's URL name, so the limit follows the pages wherever they are mounted, in
    either language, and is counted before the page cache answers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        # The page-cache warmer's requests (pagecache.warm) spend no client's allowance.
        if match is None or ratelimit.is_internal(request):
            return None
        if "api" in match.namespaces:
            limit = api_limit()
            wait = ratelimit.hit(limit, ratelimit.client_address(request))
            if wait:
                return _api_refusal(limit, wait)
        elif match.view_name == "public:search":
            limit = _search_limit()
            wait = ratelimit.hit(limit, ratelimit.client_address(request))
            if wait:
                response = render(
                    request, "429.html", {"per_minute": limit.count, "seconds": wait}, status=429
                )
                response["Retry-After"] = str(wait)
                return response
        return None


def _api_refusal(limit: ratelimit.Limit, wait: int) -> HttpResponse:
    detail = ngettext(
        "Too many requests: the API allows %(count)d request a minute from one address.",
        "Too many requests: the API allows %(count)d requests a minute from one address.",
        limit.count,
    ) % {"count": limit.count}
    retry = ngettext("Try again in %(seconds)d second.", "Try again in %(seconds)d seconds.", wait) % {
        "seconds": wait
    }
    response = JsonResponse(
        {"detail": f"{detail} {retry}", "limit_per_minute": limit.count, "retry_after": wait}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
