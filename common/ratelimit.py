"""Rate limits per client address (or per account), counted in the cache.

A fixed window per limit: simple, the same in every web process when the cache is shared (Redis in
production, ``RATELIMIT_CACHE_URL``), and cheap: one ``add`` and one ``incr`` per request. The
window's edge lets a client spend up to twice the limit across it, which is acceptable for slowing
scraping, spraying and floods; it is not a quota.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

CACHE_ALIAS = "ratelimit"

# A key the service's own requests carry in their WSGI environ (the page-cache warmer,
# pagecache.warm). A server puts what a client sends under HTTP_* keys, so no client can set it.
INTERNAL_REQUEST = "super_complaints.internal_request"


def is_internal(request: HttpRequest) -> bool:
    """Whether the service itself made this request (``INTERNAL_REQUEST``), not a client."""
    return request.META.get(INTERNAL_REQUEST) is True


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per ``seconds`` for one key (an address, an account)."""

    name: str
    count: int
    seconds: int


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with ``TRUSTED_PROXY_COUNT`` proxies in front, the
    address the outermost of them saw (counted from the right of X-Forwarded-For, since a client
    can put anything at its left)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def hit(limit: Limit, key: str, *, now: float | None = None) -> int | None:
    """Count one request for ``key``. None if it is within the limit; otherwise the seconds until
    the window ends and requests are allowed again."""
    if limit.count <= 0:
        return None
    moment = time.time() if now is None else now
    window = int(moment // limit.seconds)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    cache_key = f"rl:{limit.name}:{window}:{digest}"
    cache = caches[CACHE_ALIAS]
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - moment))
