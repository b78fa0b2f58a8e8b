"""Serving a stored public page before Django handles the request: the page cache's fast path.

A stored public page (``pagecache.cache``) is the same for every anonymous visitor, and so is
what the middleware adds to it, but for the request id. So ``FastPath`` wraps the WSGI application
(``config/wsgi.py``): for a GET that carries no cookie and no credentials, to an address the whole
stack has served from or into the page cache before, it looks the page up itself and, when it is
stored (or a copy from before a soft purge may be served), answers with it, the headers the whole
stack gave the same address the last time and a new request id. On publication day most requests
are such visitors' and such pages', and Django's request and response objects, the middleware
(security headers, sessions, locale, CSRF, authentication, audit, messages, rate limits) and the URL
resolver have nothing to do for them that the replayed headers do not already say.

What it does not skip: the request signals (``request_started`` and ``request_finished``, so
database connections are checked and closed as after any request), the version read (one query: a
purge by any process is seen on the next request), the soft-purge rules (docs/decisions/0041) and,
for an API address, the API's per-address rate limit (counted here; a refused request goes through
the whole stack, which answers the 429).

An address is learned only from a request the whole stack answered with a 200 that set no cookie
from the page cache (``PublicPageRoutes``, in ``MIDDLEWARE`` right after WhiteNoise, marks such
a request with what the fast path needs: the page's scope, its language, whether the API's limit
counts it). It is kept under the request's own values that make its address: scheme (and the
proxy's HTTPS header), host headers, server name and port, script name, path and query string. So
a request is answered here only when one with the very same values passed the whole stack: the
host check (``ALLOWED_HOSTS``), the HTTPS redirect and every other outer check answered it with
that page. Everything else goes through the whole stack as before: a request with a cookie (a
signed-in person, a session, a message waiting) or an ``Authorization`` header, any method but GET,
the page-cache warmer's requests, the search page (its own rate limit), any page not stored, and
any request the fast path fails to answer (the whole stack then answers, or shows its error page).
Kept per process, at most ``MAX_ROUTES`` addresses; beyond that the memory is emptied and learned
again. A new middleware that must act on anonymous public pages has to be added here too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signals
from django.http import HttpRequest, HttpResponseBase
from django.http.request import HttpHeaders
from django.utils import timezone

from audit.context import new_request_id
from common import ratelimit
from common.security import api_limit
from pagecache.cache import address, current_state, serve, stored_copy, timeout_seconds

logger = logging.getLogger(__name__)

MAX_ROUTES = 20_000

# Where the whole stack leaves the route of a request it answered from the page cache (``learn``).
ROUTE = "pagecache.route"

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
        "Set-Cookie",
    )
)

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


@dataclass(frozen=True)
class Route:
    """What the whole stack showed of one address: its full address, the scope its page is stored
    under, its language and whether the API's rate limit counts it."""

    address: str
    scope: str
    language: str
    rate_limited: bool


def learn(request: HttpRequest, response: HttpResponseBase) -> Route | None:
    """The route of a public page the whole stack just served from or into the cache (a 200 that
    set no cookie, to a GET with no cookie and no credentials), or None."""
    scope = getattr(response, "public_page_scope", None)
    match = request.resolver_match
    if scope is None or response.status_code != 200 or response.cookies or match is None:
        return None
    if match.view_name == "public:search" or _key(request.META) is None:
        return None
    language = getattr(request, "LANGUAGE_CODE", None)
    if not language:
        return None
    return Route(address(request), scope, language, rate_limited="api" in match.namespaces)


class PublicPageRoutes:
    """Marks a request the whole stack answered from the page cache with its ``Route``, for
    ``FastPath`` to learn (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        route = learn(request, response)
        if route is not None:
            request.META[ROUTE] = route
        return response


def _key(environ: Environ) -> tuple[Any, ...] | None:
    """The values that make a request's address, or None when the fast path is not for it."""
    if (
        environ.get("REQUEST_METHOD") != "GET"
        or environ.get("HTTP_COOKIE")
        or "HTTP_AUTHORIZATION" in environ
        or environ.get(ratelimit.INTERNAL_REQUEST) is True
    ):
        return None
    proxy_header = (settings.SECURE_PROXY_SSL_HEADER or ("",))[0]
    return (
        environ.get("wsgi.url_scheme"),
        environ.get(proxy_header) if proxy_header else None,
        environ.get("HTTP_HOST"),
        environ.get("HTTP_X_FORWARDED_HOST"),
        environ.get("HTTP_X_FORWARDED_PORT"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
        environ.get("PATH_INFO"),
        environ.get("QUERY_STRING"),
    )


class _Visitor:
    """What ``stored_copy``, ``serve`` and the rate limit read of a request, from its environ."""

    method = "GET"

    def __init__(self, environ: Environ, route: Route):
        self.META = environ
        self.headers = HttpHeaders(environ)
        self._public_page_address = route.address  # what ``pagecache.cache.address`` returns


class FastPath:
    """The WSGI application with the fast path in front (see the module's docstring)."""

    def __init__(self, application: Callable[[Environ, StartResponse], Iterable[bytes]]):
        self.application = application
        self.routes: dict[tuple[Any, ...], tuple[Route, tuple[tuple[str, str], ...]]] = {}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        key = _key(environ) if timeout_seconds() > 0 else None
        known = self.routes.get(key) if key is not None else None
        if known is not None:
            answered = self._answer(environ, *known)
            if answered is not None:
                status, headers, body = answered
                start_response(status, headers)
                return [body]
        if key is None:
            return self.application(environ, start_response)
        return self._learning(key, environ, start_response)

    def _learning(
        self, key: tuple[Any, ...], environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        """The whole stack's answer; its route and headers kept when it marked one."""
        seen: list[Any] = []

        def recording(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.application(environ, recording)
        route = environ.get(ROUTE)
        if isinstance(route, Route) and seen and seen[0].startswith("200 "):
            replayed = tuple((name, value) for name, value in seen[1] if name.lower() not in NOT_REPLAYED)
            if len(self.routes) >= MAX_ROUTES:
                self.routes.clear()
            self.routes[key] = (route, replayed)
        return result

    def _answer(
        self, environ: Environ, route: Route, replayed: tuple[tuple[str, str], ...]
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """Status, headers and body of the stored page, or None to go the whole way."""
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            visitor = _Visitor(environ, route)
            now = timezone.now()
            stored, outcome = stored_copy(visitor, current_state(route.scope, now), now, route.language)  # type: ignore[arg-type]
            if stored is None:
                return None
            if route.rate_limited and ratelimit.hit(api_limit(), ratelimit.client_address(visitor)):  # type: ignore[arg-type]
                return None  # over the limit: the whole stack answers the 429
            response = serve(visitor, stored, outcome)  # type: ignore[arg-type]
        except Exception:
            logger.exception("The fast path could not answer %s; the whole stack will", route.address)
            return None
        finally:
            signals.request_finished.send(sender=self.__class__)
        for name, value in replayed:
            if name.lower() == "vary" or name not in response:
                response[name] = value
        response["X-Request-ID"] = new_request_id()
        return f"{response.status_code} {response.reason_phrase}", list(response.items()), response.content
