"""An organisation's running deadlines as an iCalendar file (RFC 5545), for its private feed.

It sits above the domain apps because it gathers from several: the organisation's obligations
(``recommendations``) and the information requests to it (``inquiries``), each with its row in the
deadlines ledger. Only running rows are listed: a deadline that was met or stopped leaves the
calendar at the next poll, which is what a calendar of what is still owed should show.

Each deadline is one all-day event on its due day: deadlines are "by the end of" a day, and an
all-day event is the one form every calendar application shows without inventing a time. Its UID
is the ledger row's, so an application updates the event when the date moves (a holiday
proclaimed, an extension agreed) instead of adding another.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.site import absolute_url
from deadlines.calendar import long_date
from deadlines.models import CalendarFeed, Deadline, DeadlineRule
from inquiries.models import ForceRequest
from organisations.models import Organisation
from recommendations.models import Obligation

PRODID = "-//Police super-complaints//Deadlines calendar//EN"
# How often a calendar application should fetch the feed again (RFC 7986 REFRESH-INTERVAL, and
# the older X-PUBLISHED-TTL that Outlook reads): deadlines change on working days, not minutes.
REFRESH = datetime.timedelta(hours=6)


@dataclass(frozen=True)
class CalendarItem:
    deadline: Deadline
    summary: str
    link: str


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def organisation_deadlines(organisation: Organisation) -> list[CalendarItem]:
    """The organisation's running deadlines, the soonest first: its responses to recommendations
    (of published reports only: before release an addressee has not been told of its deadline)
    and its answers to information requests. Three queries besides the content types."""
    obligation_type = ContentType.objects.get_for_model(Obligation)
    request_type = ContentType.objects.get_for_model(ForceRequest)
    obligations = {
        o.pk: o
        for o in Obligation.objects.published()
        .filter(organisation=organisation)
        .select_related("recommendation__report__complaint")
    }
    requests = {
        r.pk: r for r in ForceRequest.objects.filter(force=organisation).select_related("request__complaint")
    }
    rows = (
        Deadline.objects.running()
        .filter(
            _rows_of(obligation_type.pk, list(obligations), DeadlineRule.RESPONSE)
            | _rows_of(request_type.pk, list(requests), DeadlineRule.INFORMATION_REQUEST)
        )
        .order_by("due", "pk")
    )
    items = []
    for row in rows:
        if row.subject_type_id == obligation_type.pk:
            obligation = obligations[row.subject_id]
            recommendation = obligation.recommendation
            complaint = recommendation.report.complaint
            summary = _("Response due: %(reference)s (%(label)s), super-complaint %(complaint)s") % {
                "reference": recommendation.reference,
                "label": recommendation.label,
                "complaint": complaint.reference,
            }
            link = absolute_url(reverse("portal:response", args=[obligation.pk]))
        else:
            force_request = requests[row.subject_id]
            summary = _("Answer due: information request “%(title)s”, super-complaint %(complaint)s") % {
                "title": force_request.request.title,
                "complaint": force_request.request.complaint.reference,
            }
            link = absolute_url(reverse("portal:information_request", args=[force_request.pk]))
        items.append(CalendarItem(deadline=row, summary=summary, link=link))
    return items


def _rows_of(content_type_id: int, pks: list[int], rule: str) -> Q:
    return Q(subject_type_id=content_type_id, subject_id__in=pks, rule=rule)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def render_calendar(feed: CalendarFeed) -> bytes:
    """The feed's calendar, in the service's language (the language its deadlines are recorded in)."""
    organisation = feed.organisation
    with translation.override(settings.LANGUAGE_CODE):
        items = organisation_deadlines(organisation)
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = _("Deadlines: %(organisation)s") % {"organisation": organisation.name}
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)  # RFC 7986
        calendar.add(
            "x-wr-caldesc",
            _("The running deadlines of %(organisation)s in the police super-complaints service.")
            % {"organisation": organisation.name},
        )
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
        host = site_host()
        for item in items:
            row = item.deadline
            event = icalendar.Event()
            event.add("uid", f"deadline-{row.pk}@{host}")
            # Without a METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2): the
            # row's, so the same ledger gives the same file and a client's conditional poll a 304.
            event.add("dtstamp", _utc(row.updated_at))
            event.add("last-modified", _utc(row.updated_at))
            event.add("created", _utc(row.created_at))
            event.add("summary", item.summary)
            due_by = _("Due by the end of %(day)s.") % {"day": long_date(row.due)}
            text = "\n\n".join(filter(None, [due_by, row.explanation_text, item.link]))
            event.add("description", text)
            event.add("url", item.link)
            # An all-day event: DTSTART a DATE, DTEND the next day (non-inclusive, RFC 5545 3.6.1).
            event.add("dtstart", row.due)
            event.add("dtend", row.due + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add("categories", [str(DeadlineRule(row.rule).label)])
            calendar.add_component(event)
    return bytes(calendar.to_ical())
