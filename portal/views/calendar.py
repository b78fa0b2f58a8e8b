"""An organisation's private calendar of its deadlines: the page where its members make, replace
and revoke the feed, and the feed itself (``/calendar/<token>.ics``), which a calendar
application reads without signing in, the token in its address being the credential."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.decorators import verified_login_required
from access.rules import calendar_organisations_of
from common.site import absolute_url
from deadlines.feeds import (
    create_calendar_feed,
    live_feed_for_token,
    live_feed_of,
    note_feed_read,
    revoke_calendar_feed,
)
from operations.calendar import render_calendar
from organisations.models import Organisation

# The new feed's address, kept in the session until the page after the redirect has shown it once.
NEW_FEED_SESSION_KEY = "portal_new_calendar_feed"


def _organisation_or_404(request: HttpRequest, pk: object) -> Organisation:
    for organisation in calendar_organisations_of(request.user):
        if str(organisation.pk) == str(pk):
            return organisation
    raise Http404("No organisation of yours matches the given query.")


def feed_url(token: str) -> str:
    return absolute_url(reverse("calendar_feed", args=[token]))


@verified_login_required
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    organisations = calendar_organisations_of(request.user)
    if not organisations:
        raise Http404("You are not a member of an organisation with deadlines.")
    new = request.session.pop(NEW_FEED_SESSION_KEY, None)
    rows = []
    for organisation in organisations:
        feed = live_feed_of(organisation)
        shown = new if new and feed and new.get("feed") == feed.pk else None
        rows.append({"organisation": organisation, "feed": feed, "new_url": shown and shown["url"]})
    return render(request, "portal/calendar.html", {"rows": rows})


@verified_login_required
@require_POST
def calendar_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_or_404(request, request.POST.get("organisation"))
    feed, token = create_calendar_feed(organisation, by=request.user)
    request.session[NEW_FEED_SESSION_KEY] = {"feed": feed.pk, "url": feed_url(token)}
    return redirect(reverse("portal:calendar") + f"#organisation-{organisation.pk}")


@verified_login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_or_404(request, request.POST.get("organisation"))
    feed = live_feed_of(organisation)
    if feed is not None:
        revoke_calendar_feed(feed)
        messages.success(
            request,
            _("The calendar address for %(organisation)s no longer works.")
            % {"organisation": organisation.name},
        )
    return redirect("portal:calendar")


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: 404 for a revoked or unknown token, whatever it was.

    ``Cache-Control: private, no-cache``: a shared cache must never keep it (its address is the
    credential and its content the organisation's), and a client revalidates each poll, which the
    ETag answers with a 304 when nothing changed; ``no-store`` would only make every poll a full
    download, since the application stores the events anyway. Never in the public page cache.
    """
    feed = live_feed_for_token(token)
    if feed is None:
        raise Http404("No calendar has this address.")
    body = render_calendar(feed)
    note_feed_read(feed)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
