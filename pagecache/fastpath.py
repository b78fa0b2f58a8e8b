"""Serving a stored public page before the rest of the middleware runs: the page cache's fast path.

A stored public page (``pagecache.cache``) is the same for every anonymous visitor, and so is what
the inner middleware adds to it, but for the request id. So for a request that carries no cookie
and no credentials, ``PublicPageFastPath`` (just after WhiteNoise in ``MIDDLEWARE``) looks the
page up itself: when it is stored, or a copy from before a soft purge may be served, it answers
with it and with the headers the inner middleware gave the same address the last time it went
through the whole stack, and a new request id. On publication day most requests are such
visitors' and such pages', and the sessions, locale, CSRF, authentication, audit and message
layers have nothing to do for them.

Everything else goes through the whole stack as before: a request with a cookie (a signed-in
person, a session, a message waiting) or an ``Authorization`` header, any method but GET and HEAD,
the page-cache warmer's requests, the search page (its own rate limit), and any page not stored.
The whole stack is also where an address is learned: its scope, its language and the inner
middleware's headers, kept in this process's memory (an address's scope and language never change;
its headers only with a deployment). At most ``MAX_ROUTES`` addresses are kept; beyond that the
memory is emptied and learned again.

What it does not skip: everything before it in ``MIDDLEWARE`` (the security headers, the HTTPS
redirect, Permissions-Policy, static files), the host check (``ALLOWED_HOSTS``), the version read
(one query: a purge by any process is seen on the next request) and, for an API address, the API's
per-address rate limit (counted here; a refused request goes through the whole stack, which
answers the 429).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

from audit.context import new_request_id
from common import ratelimit
from common.security import api_limit
from pagecache.cache import (
    address,
    current_state,
    serve,
    stored_copy,
    timeout_seconds,
)

MAX_ROUTES = 20_000

# Headers ``serve`` sets from the stored copy, or that differ per request: never replayed. (The
# view's own headers that are stored with the page, ``KEPT_HEADERS``, come from the copy.)
NOT_REPLAYED = frozenset(
    name.lower()
    for name in (
        "Content-Type",
        "Content-Length",
        "Content-Encoding",
        "ETag",
        "Cache-Control",
        "X-Public-Cache",
        "X-Request-ID",
    )
)


@dataclass(frozen=True)
class Route:
    """What the whole stack showed of one address: the scope its page is stored under, its
    language, the inner middleware's headers, and whether
    the API's rate limit counts it."""

    scope: str
    language: str
    headers: tuple[tuple[str, str], ...]
    rate_limited: bool


def eligible(request: HttpRequest) -> bool:
    """A GET or HEAD with no cookie and no credentials, not the service's own, cache on."""
    meta = request.META
    return (
        request.method in ("GET", "HEAD")
        and not meta.get("HTTP_COOKIE")
        and "HTTP_AUTHORIZATION" not in meta
        and not ratelimit.is_internal(request)
        and timeout_seconds() > 0
    )


def learn(request: HttpRequest, response: HttpResponseBase) -> Route | None:
    """The route of a public page the whole stack just served from or into the cache (a 200 that
    set no cookie), or None."""
    scope = getattr(response, "public_page_scope", None)
    match = request.resolver_match
    if scope is None or response.status_code != 200 or response.cookies or match is None:
        return None
    if match.view_name == "public:search":
        return None
    headers = tuple((name, value) for name, value in response.items() if name.lower() not in NOT_REPLAYED)
    language = getattr(request, "LANGUAGE_CODE", None)
    if not language:
        return None
    return Route(scope=scope, language=language, headers=headers, rate_limited="api" in match.namespaces)


def answer(request: HttpRequest, route: Route) -> HttpResponse | None:
    """The stored page for ``route`` with its replayed headers, or None to go the whole way."""
    now = timezone.now()
    stored, outcome = stored_copy(request, current_state(route.scope, now), now, route.language)
    if stored is None:
        return None
    if route.rate_limited and ratelimit.hit(api_limit(), ratelimit.client_address(request)):
        return None  # over the limit: the whole stack answers the 429
    response = serve(request, stored, outcome)
    for name, value in route.headers:
        if name.lower() == "vary" or name not in response:
            response[name] = value
    response["X-Request-ID"] = new_request_id()
    return response


class PublicPageFastPath:
    """See the module's docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.routes: dict[str, Route] = {}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not eligible(request):
            return self.get_response(request)
        key = address(request)
        route = self.routes.get(key)
        if route is not None:
            fast = answer(request, route)
            if fast is not None:
                return fast
        response = self.get_response(request)
        learned = learn(request, response)
        if learned is not None:
            if len(self.routes) >= MAX_ROUTES:
                self.routes.clear()
            self.routes[key] = learned
        return response
