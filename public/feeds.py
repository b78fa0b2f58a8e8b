"""Atom feeds of the register's changes: complaints entering the register, reports published and
responses published; one for the whole register and one per complaint, in English and Welsh.

Entries come from ``public.selectors.activity``, which reads only published records. An entry's
``updated`` is when the fact became public on this service; where the record knows the day it
happened, that day (at midnight, London time). A month-only date stays a month in the entry's text:
no day is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from common.site import absolute_url
from complaints.models import SuperComplaint
from public import selectors
from public.selectors import Activity


@dataclass(frozen=True)
class Subject:
    """What a feed is about (one complaint, or the whole register), and the site's origin, which
    entry ids are built on."""

    origin: str
    complaint: SuperComplaint | None = None


@dataclass(frozen=True)
class ComplaintSubject(Subject):
    """The subject of one complaint's feed, which always has its complaint."""

    complaint: SuperComplaint


@dataclass(frozen=True)
class Entry:
    activity: Activity
    id: str


def _entries(subject: Subject, events: list[Activity]) -> list[Entry]:
    # One id per event whatever the language of the feed: the complaint's English address and the
    # event's key. A feed entry id must be an IRI, and ours must never change.
    return [
        Entry(event, f"{subject.origin}/super-complaints/{event.complaint_reference}/#{event.key}")
        for event in events
    ]


class _ActivityFeed(Feed):
    feed_type = Atom1Feed

    def author_name(self) -> str:
        return _("Police super-complaints")

    def item_title(self, item: Entry) -> str:
        return item.activity.feed_title

    def item_description(self, item: Entry) -> str:
        event = item.activity
        if event.date is None:
            return event.summary
        return _("%(date)s. %(summary)s") % {"date": event.date, "summary": event.summary}

    # Every link is made absolute from SITE_URL here: left relative, Django's Feed would prefix the
    # request's Host header, which the client chooses (and the page cache would keep).
    def item_link(self, item: Entry) -> str:
        return absolute_url(item.activity.url)

    def item_guid(self, item: Entry) -> str:
        return item.id

    item_guid_is_permalink = False

    def item_updateddate(self, item: Entry):  # type: ignore[no-untyped-def]
        # In London time, where the register's days are counted.
        return timezone.localtime(item.activity.moment)

    def item_pubdate(self, item: Entry):  # type: ignore[no-untyped-def]
        return timezone.localtime(item.activity.moment)


def _origin(request: HttpRequest) -> str:
    return str(settings.SITE_URL)


class RegisterFeed(_ActivityFeed):
    def get_object(self, request: HttpRequest) -> Subject:  # type: ignore[override]
        return Subject(origin=_origin(request))

    def title(self) -> str:
        return _("Police super-complaints: the register")

    def subtitle(self) -> str:
        return _("Super-complaints entering the register, reports published and responses published.")

    def link(self) -> str:
        return absolute_url(reverse("public:register"))

    def feed_url(self) -> str:
        return absolute_url(reverse("public:feed"))

    def items(self, obj: Subject) -> list[Entry]:
        return _entries(obj, selectors.activity(limit=50))


class ComplaintFeed(_ActivityFeed):
    def get_object(self, request: HttpRequest, reference: str) -> ComplaintSubject:  # type: ignore[override]
        complaint = selectors.published_complaints().filter(reference=reference).first()
        if complaint is None:
            raise Http404(
                _("No published super-complaint has the reference %(reference)s.") % {"reference": reference}
            )
        return ComplaintSubject(origin=_origin(request), complaint=complaint)

    def title(self, obj: ComplaintSubject) -> str:
        return _("Police super-complaints: %(reference)s %(title)s") % {
            "reference": obj.complaint.reference,
            "title": selectors.localised_text(obj.complaint, "title")[0],
        }

    def subtitle(self, obj: ComplaintSubject) -> str:
        return _("Changes to the super-complaint on the public register.")

    def link(self, obj: ComplaintSubject) -> str:
        return absolute_url(selectors.complaint_url(obj.complaint))

    def feed_url(self, obj: ComplaintSubject) -> str:
        return absolute_url(reverse("public:complaint_feed", args=[obj.complaint.reference]))

    def items(self, obj: ComplaintSubject) -> list[Entry]:
        return _entries(obj, selectors.activity(complaint=obj.complaint, limit=100))
