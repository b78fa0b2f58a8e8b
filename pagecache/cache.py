"""Caching the public register pages and API answers, and purging them when something public changes.

Where things are kept:

- **Versions** live in the database every process shares (``pagecache.models.CacheVersion``), one
  row per *scope*, read once per request (one indexed query). A purge writes a new random token
  into a scope's row after the change commits, so the next request in *every* web process, whatever
  process made the change (a web worker, the task worker, a management command), looks for a page
  under the new token and renders afresh.
- **Bodies** live in the default cache (``CACHES``): each process's own memory by default, Redis
  through ``CACHE_URL`` in production (see docs/operations.md). The key holds the tokens of the
  page's scopes, the active language and the full address (scheme, host, path, query string).

Scopes: ``SITE`` (every page), ``REGISTER`` (pages listing complaints: home, register, search,
feeds, organisation pages, API lists), ``complaint:<reference>`` (one complaint's own pages and
API answer) and ``report:<reference>`` (its report's page and PDF). A complaint's page is keyed by
``SITE`` and its own scope, its report's by ``SITE`` and the report's scope; every other page by
``SITE`` and ``REGISTER``. So a response published on one complaint purges that complaint's pages
and the lists, and leaves its report (which shows no response) and every other complaint's pages
served from the cache (docs/decisions/0045).

**What purges which scope is declared in ONE place: ``pagecache.purges.PUBLIC``** (read its
docstring). A model not listed there is private and purges nothing: a draft's autosave, an
internal note, an unpublished report's edit, an outbox message or a sign-in leaves every version
unchanged. A new model the public pages show must be added there.

The ``SITE`` version also lapses by itself at the next moment the public register changes without
anyone saving anything: the end of a report's embargo, a complaint's ``public_since`` in the future
and midnight in London (when a response deadline passes, "No response yet" becomes "overdue").

**Warming** (``pagecache.warm``): with ``PUBLIC_CACHE_WARM`` on (a cache every process shares),
each committed transaction that purged something queues one ``pagecache.tasks.warm_pages`` task
(``warm_after_purge``), and the task worker requests the purged pages as an anonymous visitor at
``SITE_URL`` would, so they are rendered once per change and the next visitor's request is a hit.

**Publications do not make visitors wait** (docs/decisions/0041). A purge is *hard* or *soft*.
Something entering public view that takes nothing away (a response published, a progress update
posted, an answer meeting its deadline: ``pagecache.purges.SOFT_ENTRIES`` and ``SOFT_FIELDS``)
purges softly: the scope gets a new token but keeps its ``floor``, the token of its last hard purge.
Everything else (an edit in place, a withdrawal, a withholding, a deletion, the clock's lapse)
purges hard and moves the floor too. While warming is on, a visitor whose page is not stored under
the new token yet is served the newest copy stored since the scope's floor, if it is at most
``PUBLIC_CACHE_STALE_SECONDS`` old (``X-Public-Cache: stale``), while the worker renders the new
one; the worker's own requests never take a stale copy. So a publication reaches the pages within
seconds (at most that bound) without fifty visitors rendering the same page at once, and anything
taken out of public view is gone from the next request, as before.

**The fast path** (`pagecache.fastpath`, docs/decisions/0053): a stored page for a GET with no
cookie and no credentials is answered in front of Django's handler, with the headers the whole
stack gave the same address.

Public pages carry no user content, so one stored copy serves everyone, byte for byte: the one
inline script is allowed by its hash, not a per-request nonce (docs/decisions/0052). A request
with a Django message waiting is rendered afresh and not stored.

Served from the cache or stored in it, a response carries a weak ``ETag`` (a conditional request
with a matching ``If-None-Match`` gets 304), ``Cache-Control: no-cache`` (a browser revalidates, so
a purge reaches it too) and, when the client accepts gzip, the compressed body made once when the
page was stored. Only these public, anonymous-identical pages are compressed: they hold no secret
(no CSRF token, no nonce) for a BREACH-style attack to guess, and signed-in pages never come here.

Each process also keeps the pages it serves (``PUBLIC_CACHE_LOCAL_BYTES``, ``_LocalCopies``) under
the same keys, so a hit on a large page reads nothing from Redis; a purge changes the key, so it is
seen by every process on its next request all the same.
"""

from __future__ import annotations

import collections
import datetime
import functools
import gzip
import hashlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import db
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Min, Value
from django.db.models.functions import Least
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from common.ratelimit import is_internal

logger = logging.getLogger(__name__)

SITE = "site"
REGISTER = "register"

# Part of every key: a copy stored by an earlier release in another shape is never read.
STORED_FORMAT = "f2"

Scopes = frozenset[str]


def complaint_scope(reference: str) -> str:
    return f"complaint:{reference}"


def report_scope(reference: str) -> str:
    return f"report:{reference}"


def complaint_scopes(reference: str, *, report: bool = True) -> Scopes:
    """The scopes a change to one public complaint's material purges: its pages, the lists and,
    unless ``report`` is False, its report's page and PDF (which show no response, no deadline:
    an addressee's answer, its deadline and its progress leave them stored)."""
    scopes = {complaint_scope(reference), REGISTER}
    if report:
        scopes.add(report_scope(reference))
    return frozenset(scopes)


def timeout_seconds() -> int:
    """How long a page is kept at most; 0 turns caching off."""
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 0) or 0)


def _new_token() -> str:
    return uuid.uuid4().hex


def _write_tokens(
    scopes: Iterable[str], *, valid_until: datetime.datetime | None = None, hard: bool = True
) -> None:
    """A new token for each scope; a hard purge makes it the scope's floor too, a soft one keeps
    the floor it had (a scope new to the table starts with none, so nothing older is served)."""
    from pagecache.models import CacheVersion

    rows = []
    for scope in sorted(set(scopes)):
        token = _new_token()
        rows.append(
            CacheVersion(
                scope=scope,
                token=token,
                floor=token if hard else "",
                valid_until=valid_until if scope == SITE else None,
            )
        )
    if rows:
        # One upsert: two processes purging at once each leave a new token, never an old one.
        CacheVersion.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["token", "valid_until", "changed_at", *(["floor"] if hard else [])],
        )


def _tighten_lapse(now: datetime.datetime) -> None:
    """Bring the site's lapse forward to the next clock moment the committed data holds, never
    back: LEAST commutes, so concurrent purges each leave the earliest moment any of them saw."""
    from pagecache.models import CacheVersion

    CacheVersion.objects.filter(scope=SITE).update(
        valid_until=Least(F("valid_until"), Value(_next_change(now), output_field=DateTimeField()))
    )


def purge_scopes(scopes: Iterable[str], now: datetime.datetime | None = None, *, soft: bool = False) -> None:
    """Forget the stored pages of ``scopes`` in every process, now, whatever the transaction.

    Side effects: writes a new token for each scope (and, unless ``soft``, makes it the scope's
    floor: no copy stored before it is served again), then brings the site's clock lapse forward
    to the next moment the register changes by itself (a report just published under embargo
    brings that moment forward). Runs after the change committed, so it sees the change.
    """
    scopes = set(scopes)
    if not scopes:
        return
    now = now or timezone.now()
    _write_tokens(scopes, valid_until=_next_change(now) if SITE in scopes else None, hard=not soft)
    _record_soft_purges(scopes, now, soft=soft)
    # After the write, not before: a purge that committed between our reading and our writing is
    # seen now (a plain write may have put a later moment over its earlier one).
    _tighten_lapse(now)


def _record_soft_purges(scopes: set[str], now: datetime.datetime, *, soft: bool) -> None:
    """Keep when each soft purge was made (``_stale_copy`` reads it); a hard purge forgets its
    scopes' (no copy from before it is served again), and rows older than any stored copy go."""
    from pagecache.models import SoftPurge

    if soft:
        SoftPurge.objects.bulk_create([SoftPurge(scope=scope, at=now) for scope in sorted(scopes)])
        oldest = now - datetime.timedelta(seconds=timeout_seconds() + stale_seconds())
        SoftPurge.objects.filter(scope__in=scopes, at__lt=oldest).delete()
    else:
        SoftPurge.objects.filter(scope__in=scopes).delete()


def warming_enabled() -> bool:
    """Whether a purge asks the task worker to render its pages again (``PUBLIC_CACHE_WARM``, on
    by default only with a cache every process shares; see ``pagecache.warm``)."""
    return bool(getattr(settings, "PUBLIC_CACHE_WARM", False)) and timeout_seconds() > 0


def warm_after_purge(scopes: Iterable[str]) -> None:
    """Queue ``pagecache.tasks.warm_pages`` for ``scopes`` when warming is on. Never raises: the
    change has committed, and a page not warmed is only rendered by its first visitor instead."""
    scopes = sorted(set(scopes))
    if not scopes or not warming_enabled():
        return
    from pagecache.tasks import warm_pages

    try:
        warm_pages.enqueue(scopes)
    except Exception:
        logger.exception("Could not queue the warming of public pages for %s", ", ".join(scopes))


def renew_if_lapsed(now: datetime.datetime | None = None) -> bool:
    """Start the site's next version if its clock lapse (London midnight, an embargo's end) has
    passed and no request has started it yet; True if this call did. The sweep calls it, so the
    pages can be warmed before the day's first visitor."""
    from pagecache.models import CacheVersion

    now = now or timezone.now()
    site = CacheVersion.objects.filter(scope=SITE).first()
    if site is not None and site.valid_until is not None and site.valid_until > now:
        return False
    purge_scopes([SITE], now=now)
    return True


def purge(now: datetime.datetime | None = None) -> None:
    """Forget every stored public page and API answer (now, whatever the transaction)."""
    purge_scopes([SITE], now=now)


def stale_seconds() -> int:
    """How old a copy from before a soft purge may be and still be served while the worker renders
    the new one (``PUBLIC_CACHE_STALE_SECONDS``); 0, never served, unless warming is on."""
    if not warming_enabled():
        return 0
    return max(0, int(getattr(settings, "PUBLIC_CACHE_STALE_SECONDS", 0) or 0))


def _round(connection: Any) -> _PurgeRound:
    """The purge round of the connection's current transaction (one per commit: Django starts a new
    list of commit callbacks for each transaction, and a round whose callbacks have begun to run
    takes no more; a test's outer transaction keeps one list for changes made one after another)."""
    round_ = connection.__dict__.get("_pagecache_round")
    if round_ is None or round_.callbacks is not connection.run_on_commit or round_.running:
        round_ = _PurgeRound(connection.run_on_commit)
        connection.__dict__["_pagecache_round"] = round_
    return round_


def remember_soft_change(label: str, pk: Any) -> None:
    """Note that this transaction purged softly for the save of ``label`` ``pk``: the audit event
    its service records about the same object is covered by that purge (``soft_change_covers``)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _round(connection).softly_changed.add((label, str(pk)))


def soft_change_covers(label: str, pk: Any) -> bool:
    """Whether a save of ``label`` ``pk`` in this transaction purged softly (see above)."""
    connection = transaction.get_connection()
    round_ = connection.__dict__.get("_pagecache_round")
    return (
        connection.in_atomic_block
        and round_ is not None
        and round_.callbacks is connection.run_on_commit
        and (label, str(pk)) in round_.softly_changed
    )


def purge_scopes_on_commit(scopes: Scopes, *, soft: bool = False) -> None:
    """Purge ``scopes`` once the current transaction commits (at once outside one); nothing when
    empty. A rolled back change purges nothing. ``soft``: the change only adds to what the pages
    show (see "Publications do not make visitors wait" above); a scope any change of the
    transaction purges hard is purged hard. Then, when warming is on (``warming_enabled``),
    ask the task worker to render the purged pages again (``pagecache.tasks.warm_pages``).

    A transaction that saves many public rows (a publication writes thousands of obligations and
    deadlines, nearly all showing on the same pages) writes each scope's new version once: the
    transaction's callbacks share a record of the scopes already purged when it committed, and
    each purges only what is not in it yet. Each callback keeps its own scopes, so one dropped
    with a rolled-back savepoint takes nothing but its own change's purge with it. The round asks
    for its pages to be warmed once, after the last of its purges (``_PurgeRound.keep_warm_last``).
    """
    if not scopes:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        purge_scopes(scopes, soft=soft)
        warm_after_purge(scopes)
        return
    round_ = _round(connection)
    transaction.on_commit(functools.partial(round_.purge, scopes, soft))
    if warming_enabled():
        round_.keep_warm_last(connection.run_on_commit)


class _PurgeRound:
    """The scopes purged so far by one transaction's commit callbacks."""

    def __init__(self, callbacks: list[Any]) -> None:
        self.callbacks = callbacks
        self.purged: set[str] = set()
        self.purged_hard: set[str] = set()
        self.softly_changed: set[tuple[str, str]] = set()
        self.running = False
        self._warm_entry: tuple[set[str], Callable[[], None], bool] | None = None

    def purge(self, scopes: Scopes, soft: bool = False) -> None:
        """Write what is new: a soft purge of a scope already purged, or a hard purge of one
        already purged hard, writes nothing; a hard purge after a soft one moves the floor."""
        self.running = True
        fresh = set(scopes) - (self.purged if soft else self.purged_hard)
        if fresh:
            self.purged.update(fresh)
            if not soft:
                self.purged_hard.update(fresh)
            purge_scopes(fresh, soft=soft)

    def warm(self) -> None:
        """Queue one warming of everything this round purged (nothing when every purge was
        rolled back with its savepoint)."""
        self.running = True
        warm_after_purge(frozenset(self.purged))

    def keep_warm_last(self, callbacks: list[Any]) -> None:
        """Keep the round's one warm callback after its purges: moved to the end of the commit
        callbacks each time a purge joins them. It belongs to no savepoint (empty ids), so a
        rolled-back savepoint never drops it while purges before it survive; it warms only what
        was purged. Robust: a queue that cannot be reached is logged, never raised to the caller
        of a change that has committed."""
        entry = self._warm_entry
        if entry is not None:
            for index in range(len(callbacks) - 1, -1, -1):
                if callbacks[index] is entry:
                    del callbacks[index]
                    break
        # Django's own entry shape: (savepoint ids, callback, robust).
        self._warm_entry = entry = (set(), self.warm, True)
        callbacks.append(entry)


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


def current_state(scope: str = REGISTER, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The version pages of ``scope`` are stored under, its floor (the tokens of the last hard
    purges: ``floor`` differs from ``version`` after a soft one) and until when it holds (one
    query, two more and a write when the site's version has lapsed)."""
    now = now or timezone.now()
    rows = _version_rows(scope)
    site = rows.get(SITE)
    if site is None or site[2] is None or site[2] <= now:
        purge_scopes([SITE], now=now)
        site = _version_rows(SITE)[SITE]
    own = rows.get(scope)
    version = f"{site[0]}.{own[0] if own is not None else '0'}"
    # A scope with no floor yet (no hard purge since it was first written) counts from its start.
    floor = f"{site[1] or '0'}.{(own[1] or '0') if own is not None else '0'}"
    return {"version": version, "floor": floor, "valid_until": site[2], "scopes": (SITE, scope)}


def _version_rows(scope: str) -> dict[str, tuple[str, str, datetime.datetime | None]]:
    """Token, floor and lapse of the ``site`` row and ``scope``'s, by scope. Every cached request
    reads them, so the statement is written once here rather than built by the ORM each time
    (building it cost more than running it: docs/decisions/0043).

    On PostgreSQL with ``CONN_HEALTH_CHECKS``, Django sends its own ``SELECT 1`` down a reused
    connection before a request's first statement: a round trip as long as this read, and on a
    cached hit this read is the only statement. So when it is the request's first, it is the
    health check: a connection that fails it is closed and the read made again on a new one, as
    Django would have done after a failed check (docs/decisions/0044)."""
    if _stands_for_health_check(connection):
        connection.health_check_done = True  # type: ignore[attr-defined]  # not in the stubs
        try:
            return _read_version_rows(scope)
        except db.Error:  # what Django's check catches (its InterfaceError is not a DatabaseError)
            connection.close()
    return _read_version_rows(scope)


def _stands_for_health_check(database: Any) -> bool:
    """Whether Django would check ``database``'s reused connection before the next statement
    with a round trip of its own (SQLite's check sends nothing), outside any transaction."""
    return bool(
        database.vendor == "postgresql"
        and database.health_check_enabled
        and not database.health_check_done
        and database.connection is not None
        and not database.in_atomic_block
    )


def _read_version_rows(scope: str) -> dict[str, tuple[str, str, datetime.datetime | None]]:
    from pagecache.models import CacheVersion

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, token, floor, valid_until FROM {CacheVersion._meta.db_table} "  # noqa: S608
            "WHERE scope IN (%s, %s)",
            [SITE, scope],
        )
        return {name: (token, floor, _aware(lapse)) for name, token, floor, lapse in cursor.fetchall()}


def _aware(value: datetime.datetime | str | None) -> datetime.datetime | None:
    """A timestamp as the database gave it (SQLite: text in UTC; PostgreSQL: an aware datetime)."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def address(request: HttpRequest) -> str:
    """The full address a request asked for: scheme, host (validated against ALLOWED_HOSTS), path
    and query string."""
    known = getattr(request, "_public_page_address", None)
    if known is None:
        known = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        request._public_page_address = known  # type: ignore[attr-defined]  # asked twice a hit
    return cast(str, known)


def page_key(
    request: HttpRequest, version: str, kind: str = "public-page", language: str | None = None
) -> str:
    # Scheme and host are part of the key: a request with an odd Host header or port (whatever
    # reaches the view through ALLOWED_HOSTS) is stored apart, so it can never poison the page
    # everyone else is served.
    digest = hashlib.sha256(address(request).encode()).hexdigest()
    return f"{kind}:{STORED_FORMAT}:{version}:{language or translation.get_language()}:{digest}"


def _latest_key(request: HttpRequest, floor: str, language: str | None = None) -> str:
    """Where the key of the newest copy stored since ``floor`` is kept (see ``_stale_copy``)."""
    return page_key(request, floor, kind="public-page-latest", language=language)


class _LocalCopies:
    """The stored pages this process has served or stored, by their key in the shared cache, up to
    ``PUBLIC_CACHE_LOCAL_BYTES`` (the least recently served go first). A key names the versions
    its page was stored under, so a purge by any process is seen here as soon as in the shared
    cache (the next request reads the new versions and asks for another key); a copy is dropped
    when its time in the shared cache is up. What a hit saves: reading the page from Redis and
    unpickling it, most of a hit's cost for a large page."""

    def __init__(self) -> None:
        self.copies: collections.OrderedDict[str, tuple[dict[str, Any], int]] = collections.OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self.lock:
            kept = self.copies.get(key)
            if kept is None:
                return None
            if kept[0]["expires_at"] <= time.time():
                self._drop(key)
                return None
            self.copies.move_to_end(key)
            return kept[0]

    def keep(self, key: str, stored: dict[str, Any], budget: int) -> None:
        size = len(stored["content"]) + len(stored.get("gzip") or b"")
        if size > budget // 4:
            return  # one page never takes most of the room
        with self.lock:
            if key in self.copies:
                self._drop(key)
            self.copies[key] = (stored, size)
            self.size += size
            while self.size > budget:
                self._drop(next(iter(self.copies)))

    def _drop(self, key: str) -> None:
        _stored, size = self.copies.pop(key)
        self.size -= size

    def clear(self) -> None:
        with self.lock:
            self.copies.clear()
            self.size = 0


_local = _LocalCopies()


def local_bytes() -> int:
    """How many bytes of stored pages each process keeps itself (``PUBLIC_CACHE_LOCAL_BYTES``)."""
    return max(0, int(getattr(settings, "PUBLIC_CACHE_LOCAL_BYTES", 0) or 0))


def forget_local_copies() -> None:
    """Drop this process's own copies (a test that empties the shared cache empties these too)."""
    _local.clear()


def _get_page(key: str, pointer: str | None = None) -> tuple[dict[str, Any] | None, Any]:
    """The page stored under ``key`` (this process's copy, else the shared cache's, then kept
    here) and, only when it is not stored, what the shared cache holds under ``pointer`` (read in
    the same round trip: see ``stored_copy``)."""
    budget = local_bytes()
    if budget:
        stored = _local.get(key)
        if stored is not None:
            return stored, None
    found = cache.get_many([key, pointer]) if pointer is not None else {key: cache.get(key)}
    stored = found.get(key)
    if stored is None:
        return None, found.get(pointer) if pointer is not None else None
    if budget:
        _local.keep(key, stored, budget)
    return stored, None


def _set_page(key: str, stored: dict[str, Any], timeout: int) -> None:
    """Store a page in the shared cache for ``timeout`` seconds, and keep this process's copy."""
    stored["expires_at"] = time.time() + timeout
    cache.set(key, stored, timeout)
    budget = local_bytes()
    if budget:
        _local.keep(key, stored, budget)


def stored_copy(
    request: HttpRequest, state: dict[str, Any], now: datetime.datetime, language: str | None = None
) -> tuple[dict[str, Any] | None, str]:
    """The stored page for this request under ``state`` (``current_state``) and how it was found:
    ``hit``, ``stale`` (a copy from before a soft purge, see ``_stale_copy``) or ``miss`` (None).
    When a stale copy may be served, where the newest one is kept is read with the page itself:
    one round trip to the shared cache, not two, while the worker renders the new page."""
    stale_allowed = _may_serve_stale(request, state)
    latest_key = _latest_key(request, state["floor"], language) if stale_allowed else None
    stored, latest = _get_page(page_key(request, state["version"], language=language), latest_key)
    if stored is not None:
        return stored, "hit"
    stored = _stale_copy(state, now, latest) if latest is not None else None
    return stored, "stale" if stored is not None else "miss"


def _may_serve_stale(request: HttpRequest, state: dict[str, Any]) -> bool:
    """Whether a copy from before a soft purge may answer this request: only soft purges since
    the scopes' last hard ones, the bound on, and a visitor's request (the warmer must render the
    new copy, never be handed the old)."""
    return stale_seconds() > 0 and state["floor"] != state["version"] and not is_internal(request)


def _stale_copy(
    state: dict[str, Any], now: datetime.datetime, latest: dict[str, Any]
) -> dict[str, Any] | None:
    """The newest copy of this page stored since the scopes' last hard purges (``latest`` says
    where it is and when it was stored), when the oldest soft purge it does not show is at most
    ``stale_seconds()`` old."""
    from pagecache.models import SoftPurge

    rendered = datetime.datetime.fromtimestamp(latest["stored_at"], tz=datetime.UTC)
    bound = now - datetime.timedelta(seconds=stale_seconds())
    if rendered < bound:
        # Older than the bound: served only if every purge since it was made within the bound.
        first_missed = (
            SoftPurge.objects.filter(scope__in=state["scopes"], at__gt=rendered)
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        if first_missed is None or first_missed < bound:
            return None
    return _get_page(latest["key"])[0]


def _has_messages(request: HttpRequest) -> bool:
    # len() looks without marking the messages as shown.
    storage = messages.get_messages(request)
    return len(storage) > 0  # type: ignore[arg-type]


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client lists gzip in ``Accept-Encoding`` (and not with ``q=0``)."""
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            quality = re.search(r"q\s*=\s*([0-9.]+)", params)
            return quality is None or _quality(quality.group(1)) > 0
    return False


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


# Content types worth compressing (a PDF already is).
COMPRESSED_TYPES = ("text/", "application/json", "application/atom+xml", "application/xml")
MIN_COMPRESSED_SIZE = 200


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in tags)


def serve(request: HttpRequest, stored: dict[str, Any], outcome: str) -> HttpResponse:
    """The response for a stored page: 304 to a matching conditional request, else the page as it
    was stored, compressed when the client accepts it."""
    response: HttpResponse
    if _etag_matches(request, stored["etag"]):
        response = HttpResponseNotModified()
    else:
        compressed = stored.get("gzip")
        if compressed is not None and accepts_gzip(request):
            response = HttpResponse(compressed, status=stored["status"], content_type=stored["content_type"])
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(
                stored["content"], status=stored["status"], content_type=stored["content_type"]
            )
        for name, value in stored["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = stored["etag"]
    response["Cache-Control"] = "no-cache"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["X-Public-Cache"] = outcome
    return response


# Headers a view sets that belong with the stored page (Content-Type goes separately).
KEPT_HEADERS = ("Content-Disposition", "Content-Language", "Last-Modified", "Link", "X-Robots-Tag")


def _to_store(response: HttpResponseBase) -> dict[str, Any] | None:
    # A streaming response (a file, for one) is not an HttpResponse: it has no content to keep.
    if not isinstance(response, HttpResponse) or response.status_code != 200 or response.cookies:
        return None
    content = response.content
    content_type = response.get("Content-Type", "")
    compressible = content_type.startswith(COMPRESSED_TYPES) and len(content) >= MIN_COMPRESSED_SIZE
    return {
        "content": content,
        "status": response.status_code,
        "content_type": content_type,
        "headers": [(name, response[name]) for name in KEPT_HEADERS if name in response],
        "etag": f'W/"{hashlib.sha256(content).hexdigest()[:32]}"',
        # No name, no time: the same page always compresses to the same bytes.
        "gzip": gzip.compress(content, compresslevel=6, mtime=0) if compressible else None,
    }


ScopeOf = Callable[[dict[str, Any]], str]


def cached_public_page(
    view: Callable[..., HttpResponseBase], scope_of: ScopeOf | None = None
) -> Callable[..., HttpResponseBase]:
    """Serve a public page (or API answer) from the cache, storing it after rendering when it is
    not there. ``scope_of`` names the page's scope from the view's URL arguments (``REGISTER``
    when not given; see ``cached_complaint_page``)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        limit = timeout_seconds()
        if limit <= 0 or request.method not in ("GET", "HEAD") or _has_messages(request):
            return view(request, *args, **kwargs)
        now = timezone.now()
        scope = scope_of(kwargs) if scope_of is not None else REGISTER
        state = current_state(scope, now)
        stored, outcome = stored_copy(request, state, now)
        if stored is not None:
            return _served(request, stored, outcome, scope)
        response = view(request, *args, **kwargs)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            response = render()
        stored = _to_store(response)
        if stored is None:
            return response
        timeout = min(limit, max(1, int((state["valid_until"] - now).total_seconds())))
        key = page_key(request, state["version"])
        _set_page(key, stored, timeout)
        if stale_seconds() > 0:
            cache.set(
                _latest_key(request, state["floor"]), {"key": key, "stored_at": now.timestamp()}, timeout
            )
        return _served(request, stored, "miss", scope)

    return wrapped


def _served(request: HttpRequest, stored: dict[str, Any], outcome: str, scope: str) -> HttpResponse:
    response = serve(request, stored, outcome)
    # For the fast path (pagecache.fastpath), which learns the address's scope from it.
    response.public_page_scope = scope  # type: ignore[attr-defined]
    return response


def _by_reference(kwargs: dict[str, Any]) -> str:
    return complaint_scope(str(kwargs["reference"]))


def _report_by_reference(kwargs: dict[str, Any]) -> str:
    return report_scope(str(kwargs["reference"]))


def cached_complaint_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """``cached_public_page`` for a page of one complaint (a ``reference`` URL argument): purged
    with that complaint's scope, not with every change to the register."""
    return cached_public_page(view, scope_of=_by_reference)


def cached_report_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """``cached_public_page`` for a complaint's report page or PDF: purged with the report's scope,
    which every change to the complaint's material purges but an addressee's response, its
    deadline and its progress do not (``complaint_scopes``)."""
    return cached_public_page(view, scope_of=_report_by_reference)
