"""Caching the public register pages, and purging them when anything public may have changed.

Pages are stored whole in the default cache (``CACHES``: local memory by default, Redis or
Memcached through ``CACHE_URL`` when several web processes run), under a key made of a *version*,
the active language and the full address (scheme, host, path and query string). Purging changes
the version, so every stored page is left to expire at once, in every process sharing the cache.

The version also lapses by itself at the next moment the public register changes without anyone
saving anything: the end of a report's embargo, and midnight in London (when a response deadline
passes, "No response yet" becomes "overdue").

What purges (``public.apps`` connects them): any save or delete of a model the public pages show,
changes to their many-to-many links, and every audit ``change`` event, which every service writes in
the transaction of its change (that catches ``bulk_create`` and ``update`` too). Purges run after
the transaction commits, so a page rendered from the old data can never be stored under the new
version.

Public pages carry no user content, so one stored copy serves everyone. Two things differ per
request and are kept out: the content security policy nonce (stored as a placeholder and replaced
with this request's nonce, so the header and the page always agree) and Django messages (a request
with a message waiting is rendered afresh and not stored).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation

STATE_KEY = "public-pages:state"
NONCE_PLACEHOLDER = "@@public-page-csp-nonce@@"


def timeout_seconds() -> int:
    """How long a page is kept at most; 0 turns caching off."""
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 0) or 0)


def purge() -> None:
    """Forget every stored public page (now, whatever the transaction)."""
    cache.delete(STATE_KEY)


def purge_on_commit(*args: Any, **kwargs: Any) -> None:
    """A signal receiver: purge once the current transaction commits (at once outside one)."""
    transaction.on_commit(purge)


def purge_after_audit_event(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A signal receiver for the audit trail: a recorded change may be a public one."""
    if created and instance.kind == "change":
        transaction.on_commit(purge)


def _next_change(now: datetime.datetime) -> datetime.datetime:
    """The next moment the public register changes by the clock alone."""
    from complaints.models import SuperComplaint
    from reports.models import Report, ReportState

    london = timezone.localtime(now, timezone.get_default_timezone())
    midnight = datetime.datetime.combine(
        london.date() + datetime.timedelta(days=1), datetime.time.min, tzinfo=london.tzinfo
    )
    moments = [midnight]
    embargo_end = Report.objects.filter(state=ReportState.PUBLISHED, embargo_until__gt=now).aggregate(
        at=Min("embargo_until")
    )["at"]
    going_public = SuperComplaint.objects.filter(public_since__gt=now).aggregate(at=Min("public_since"))["at"]
    moments += [moment for moment in (embargo_end, going_public) if moment is not None]
    return min(moments)


def current_state(now: datetime.datetime | None = None) -> dict[str, Any]:
    """The version stored pages are kept under, and until when it holds."""
    now = now or timezone.now()
    state = cache.get(STATE_KEY)
    if state is None or state["valid_until"] <= now:
        state = {"version": uuid.uuid4().hex, "valid_until": _next_change(now)}
        cache.set(STATE_KEY, state, timeout=None)
    return state


def page_key(request: HttpRequest, version: str) -> str:
    # Scheme and host are part of the key: a request with an odd Host header or port (whatever
    # reaches the view through ALLOWED_HOSTS) is stored apart, so it can never poison the page
    # everyone else is served.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"public-page:{version}:{translation.get_language()}:{digest}"


def _has_messages(request: HttpRequest) -> bool:
    # len() looks without marking the messages as shown.
    storage = messages.get_messages(request)
    return len(storage) > 0  # type: ignore[arg-type]


def _nonce(request: HttpRequest) -> str | None:
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce is not None else None


def _restore(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content: bytes = stored["content"]
    if NONCE_PLACEHOLDER.encode() in content:
        nonce = _nonce(request) or ""
        content = content.replace(NONCE_PLACEHOLDER.encode(), nonce.encode())
    response = HttpResponse(content, status=stored["status"], content_type=stored["content_type"])
    for name, value in stored["headers"]:
        response[name] = value
    return response


# Headers a view sets that belong with the stored page (Content-Type goes separately).
KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Last-Modified", "Link", "X-Robots-Tag")


def _store(request: HttpRequest, response: HttpResponseBase, key: str, timeout: int) -> None:
    # A streaming response (a file, for one) is not an HttpResponse: it has no content to keep.
    if not isinstance(response, HttpResponse) or response.status_code != 200 or response.cookies:
        return
    content = response.content
    # Only a nonce this request actually used is in the page (the header carries it then too).
    used_nonce = getattr(request, "_csp_nonce", None)
    if used_nonce and response.get("Content-Type", "").startswith("text/html"):
        content = content.replace(used_nonce.encode(), NONCE_PLACEHOLDER.encode())
    stored = {
        "content": content,
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "headers": [(name, response[name]) for name in KEPT_HEADERS if name in response],
    }
    cache.set(key, stored, timeout)


def cached_public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve a public page from the cache, storing it after rendering when it is not there."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        limit = timeout_seconds()
        if limit <= 0 or request.method not in ("GET", "HEAD") or _has_messages(request):
            return view(request, *args, **kwargs)
        now = timezone.now()
        state = current_state(now)
        key = page_key(request, state["version"])
        stored = cache.get(key)
        if stored is not None:
            restored = _restore(request, stored)
            restored["X-Public-Cache"] = "hit"
            return restored
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            response = render()
        timeout = min(limit, max(1, int((state["valid_until"] - now).total_seconds())))
        _store(request, response, key, timeout)
        response["X-Public-Cache"] = "miss"
        return response

    return wrapped
