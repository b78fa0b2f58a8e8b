"""Rendering the public pages of purged scopes before their first visitor does (the task worker).

A purge (``pagecache.cache.purge_scopes_on_commit``) makes every stored copy of its scopes' pages
stale; without warming, the first visitor to each pays for its render. When ``PUBLIC_CACHE_WARM``
is on, the purge queues ``pagecache.tasks.warm_pages`` once per committed transaction, and the
worker requests here each address that shows the purged scopes, in English and Welsh.

Each request goes through Django's own WSGI handler, the middleware and the
``cached_public_page`` wrapper, exactly as a visitor's would: an anonymous GET, with the scheme and
host of ``SITE_URL`` (the address the service is reached at, never a Host header someone sent),
since both are part of the page's key (``pagecache.cache.page_key``). So the page stored is the
one an anonymous visitor would have been given: nothing unpublished (a report under embargo)
can enter it, and the next visitor's request is a hit. A page already stored under the current
version is served from the cache, not rendered again, so a second warming costs little.

Only worth it with a cache every process shares (Redis, a database or file cache): the worker's
own memory serves no visitor. See docs/operations.md ("Public page cache").
"""

from __future__ import annotations

import io
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from common.ratelimit import INTERNAL_REQUEST
from pagecache.cache import REGISTER, SITE, complaint_scope, report_scope, timeout_seconds

logger = logging.getLogger(__name__)

COMPLAINT_PREFIX = complaint_scope("")
REPORT_PREFIX = report_scope("")
USER_AGENT = "super-complaints page-cache warmer"

# Outcomes ``warm`` counts: rendered and stored now; stored already under the current version;
# answered but not stored (not a 200, say, or a page that sets a cookie); the request failed.
OUTCOMES = ("stored", "already_stored", "not_stored", "failed")


def languages() -> list[str]:
    """The default language first (its pages have no prefix), then the others (``/cy/``)."""
    default = settings.LANGUAGE_CODE
    base = default.split("-")[0]
    return [default] + [code for code, _name in settings.LANGUAGES if code not in (default, base)]


def limit() -> int:
    """The most addresses one warming requests (``PUBLIC_CACHE_WARM_LIMIT``)."""
    return int(getattr(settings, "PUBLIC_CACHE_WARM_LIMIT", 500))


# The register's pages and the API's lists, in the order visitors reach them.
REGISTER_PAGES: tuple[str, ...] = (
    "public:home",
    "public:register",
    "public:designated_bodies",
    "public:search",
    "public:feed",
    "api:list_super_complaints",
    "api:list_recommendations",
    "api:list_organisations",
)

# (URL name, URL arguments). Names in the ``api`` namespace have no Welsh address.
Address = tuple[str, dict[str, Any]]


def _named(scopes: set[str], prefix: str) -> set[str]:
    return {scope.removeprefix(prefix) for scope in scopes if scope.startswith(prefix)}


def _complaints(scopes: set[str]) -> list[str]:
    """References of the public complaints whose pages the scopes show: those named by their own
    scope (or their report's) first (the change was theirs), then, for ``site``, every other, each
    newest receipt first (the register's order). A complaint no longer public has no pages to warm."""
    from complaints.published import published_complaints

    named = _named(scopes, COMPLAINT_PREFIX) | _named(scopes, REPORT_PREFIX)
    complaints = published_complaints().order_by("-received_on", "-pk")
    if SITE not in scopes:
        if not named:
            return []
        complaints = complaints.filter(reference__in=named)
    references = [reference for reference in complaints.values_list("reference", flat=True) if reference]
    return sorted(references, key=lambda reference: reference not in named)


def _complaint_pages(references: list[str], scopes: set[str]) -> list[Address]:
    """Each complaint's page, its API answer, and its other pages (those of its scopes purged:
    ``complaint:`` its own, ``report:`` its report's, ``site`` both): the report's only once the
    report is public (never under embargo), its PDF only for a report written in this service."""
    from reports.selectors import published_reports

    reports = dict(
        published_reports()
        .filter(complaint__reference__in=references)
        .values_list("complaint__reference", "complaint__is_historical")
    )
    site = SITE in scopes
    pages: list[Address] = []
    for reference in references:
        arguments = {"reference": reference}
        own = site or complaint_scope(reference) in scopes
        report = reference in reports and (site or report_scope(reference) in scopes)
        for name, wanted in (
            ("public:complaint", own),
            ("api:get_super_complaint", own),
            ("public:recommendations", own and reference in reports),
            ("public:report", report),
            ("public:complaint_feed", own),
            ("public:report_pdf", report and not reports[reference]),
        ):
            if wanted:
                pages.append((name, arguments))
    return pages


def _organisation_pages() -> list[Address]:
    """Every organisation's page, the most named on the public register first (complaints made,
    complaints naming a force, recommendations addressed), then by name."""
    from complaints.models import Complainant, SuperComplaint
    from complaints.published import published_complaints
    from organisations.models import Organisation
    from recommendations.models import Obligation
    from reports.selectors import published_reports

    public = published_complaints()
    named: Counter[int] = Counter()
    named.update(Complainant.objects.filter(complaint__in=public).values_list("body_id", flat=True))
    named.update(
        SuperComplaint.forces.through.objects.filter(supercomplaint__in=public).values_list(
            "organisation_id", flat=True
        )
    )
    named.update(
        Obligation.objects.filter(recommendation__report__in=published_reports()).values_list(
            "organisation_id", flat=True
        )
    )
    organisations = Organisation.objects.exclude(slug="").order_by("name", "pk").values_list("pk", "slug")
    ranked = sorted(organisations, key=lambda row: -named[row[0]])
    return [("public:organisation", {"slug": slug}) for _pk, slug in ranked]


def addresses(scopes: Iterable[str]) -> list[str]:
    """The public addresses (paths) that show ``scopes``, busiest first and at most ``limit()``.

    ``register``: home, register, designated bodies, search (no query), the register's feed, the
    API's lists. ``complaint:<reference>``: that complaint's page, API answer, recommendations and
    feed; ``report:<reference>``: its report's page and PDF (once public). ``site``: all of those
    for every public complaint (a complaint named by its own scope first), then every
    organisation's page. Everything in English first, then the pages again in Welsh; the API has
    no Welsh addresses.
    """
    scopes = set(scopes)
    site = SITE in scopes
    wanted: list[Address] = [(name, {}) for name in REGISTER_PAGES] if site or REGISTER in scopes else []
    wanted += _complaint_pages(_complaints(scopes), scopes)
    if site:
        wanted += _organisation_pages()

    default, *others = languages()
    with translation.override(default):
        found = [reverse(name, kwargs=kwargs) for name, kwargs in wanted]
    for language in others:
        with translation.override(language):
            found += [reverse(name, kwargs=kwargs) for name, kwargs in wanted if not name.startswith("api:")]
    return list(dict.fromkeys(found))[: limit()]


def environ_for(path: str) -> dict[str, Any]:
    """A GET of ``path`` as a visitor sends it to ``SITE_URL``: its scheme and host (with its port
    only when SITE_URL names one, as a browser sends it), no cookie, no credentials."""
    site = urlsplit(settings.SITE_URL)
    scheme = site.scheme
    port = site.port or (443 if scheme == "https" else 80)
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": site.hostname or "",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": site.netloc,
        "HTTP_USER_AGENT": USER_AGENT,
        "REMOTE_ADDR": "127.0.0.1",
        # Set by the service itself, never from a header (a server puts those under HTTP_*): the
        # rate limits leave the warmer alone, so it spends no visitor's allowance.
        INTERNAL_REQUEST: True,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _request(handler: Callable[..., Any], path: str) -> tuple[int, str]:
    """Send one request through ``handler``; its status and ``X-Public-Cache`` header."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["cache"] = next((value for name, value in headers if name.lower() == "x-public-cache"), "")
        return lambda data: None

    body = handler(environ_for(path), start_response)
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()  # sends request_finished, as a WSGI server does
    return answer["status"], answer["cache"]


def warm(scopes: Iterable[str]) -> dict[str, int]:
    """Request every address showing ``scopes`` (``addresses``), so each is rendered and stored
    as for a visitor; returns how many ended each way (``OUTCOMES``).

    One page that fails is logged and the rest go on; nothing is requested while the cache is off
    (``PUBLIC_CACHE_SECONDS=0``). The active language and script prefix of the calling thread are
    left as they were."""
    scopes = set(scopes)
    counts = dict.fromkeys(OUTCOMES, 0)
    if timeout_seconds() <= 0:
        return counts  # the cache is off: nothing would be stored
    try:
        paths = addresses(scopes)
    except Exception:
        logger.exception("Could not list the public pages of %s to warm", ", ".join(sorted(scopes)))
        counts["failed"] += 1
        return counts
    handler = WSGIHandler()
    prefix = get_script_prefix()
    with translation.override(translation.get_language()):
        for path in paths:
            try:
                status, outcome = _request(handler, path)
            except Exception:
                logger.exception("Could not warm %s", path)
                counts["failed"] += 1
                continue
            finally:
                set_script_prefix(prefix)
            if status == 200 and outcome == "miss":
                counts["stored"] += 1
            elif status == 200 and outcome == "hit":
                counts["already_stored"] += 1
            else:
                logger.warning("Warming %s: answered %s, not stored", path, status)
                counts["not_stored"] += 1
    logger.info("Warmed public pages of %s: %s", ", ".join(sorted(scopes)), counts)
    return counts
