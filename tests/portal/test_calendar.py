"""An organisation's private calendar of its deadlines: made, replaced and revoked on its portal
page, read by a calendar application at ``/calendar/<token>.ics`` without signing in."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from deadlines.feeds import create_calendar_feed, hash_token, revoke_calendar_feed
from deadlines.models import CalendarFeed, Deadline, DeadlineRule
from inquiries.services import send_information_request
from recommendations.models import Obligation
from recommendations.services import add_recommendation, expand_addressees, record_response_submitted
from reports.publication import publish_report
from reports.services import create_report
from tests.accounts.support import PASSWORD, make_device
from tests.builders import london, org, sign_off_all
from tests.casework.support import signed_in
from tests.public.seed import investigating

pytestmark = pytest.mark.django_db

KENT = "Kent Police"
ESSEX = "Essex Police"


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def member(force_name: str, email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    Membership.objects.create(user=user, organisation=org(force_name), role=Role.RESPONDER)
    return user


def scenario():
    """Kent and Essex each owe: an answer to an information request due 27 February 2026, and a
    response to Recommendation 1 due 1 June 2026; Kent also to Recommendation 2, counted 56 days
    from publication on 1 May 2026 (26 June 2026). Essex has already responded to Recommendation 1."""
    complaint = investigating("Stop and search of children", forces=[KENT, ESSEX])
    send_information_request(
        complaint,
        title="Searches of children in 2025",
        questions=["How many searches of children did you make in 2025?"],
        due=datetime.date(2026, 2, 27),
        forces=[org(KENT), org(ESSEX)],
        at=london(2026, 2, 10, 9),
    )
    report = create_report(complaint, title="Searched", conclusions="The harm is significant.")
    first = add_recommendation(
        report,
        label="Recommendation 1",
        text="Record every search of a child.",
        organisations=[org(KENT), org(ESSEX)],
        default_due=datetime.date(2026, 6, 1),
    )
    second = add_recommendation(
        report, label="Recommendation 2", text="Train officers.", organisations=[org(KENT)]
    )
    for recommendation in (first, second):
        expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=london(2026, 5, 1, 9))
    record_response_submitted(
        Obligation.objects.get(recommendation=first, organisation=org(ESSEX)), at=london(2026, 5, 20, 10)
    )
    return complaint, first, second


def read_feed(client, token: str) -> icalendar.Calendar:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def test_the_feed_lists_each_running_deadline_of_the_organisation_only(client, settings):
    settings.SITE_URL = "https://super-complaints.example.org"
    complaint, first, second = scenario()
    _feed, token = create_calendar_feed(org(KENT))

    calendar = read_feed(client, token)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Police super-complaints//Deadlines calendar//EN"
    assert str(calendar["X-WR-CALNAME"]) == "Deadlines: Kent Police"
    found = events(calendar)
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in found] == [
        (
            f"Answer due: information request “Searches of children in 2025”, super-complaint {complaint.reference}",
            datetime.date(2026, 2, 27),
            datetime.date(2026, 2, 28),
        ),
        (
            f"Response due: {first.reference} (Recommendation 1), super-complaint {complaint.reference}",
            datetime.date(2026, 6, 1),
            datetime.date(2026, 6, 2),
        ),
        (
            f"Response due: {second.reference} (Recommendation 2), super-complaint {complaint.reference}",
            datetime.date(2026, 6, 26),
            datetime.date(2026, 6, 27),
        ),
    ]
    for event in found:
        # RFC 5545 3.6.1: UID and DTSTAMP are required; an all-day event starts on a DATE.
        assert re.fullmatch(r"deadline-\d+@super-complaints\.example\.org", str(event["UID"]))
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event.decoded("DTSTART") == event["DTSTART"].dt
        assert event["DTSTART"].params.get("VALUE") in (None, "DATE")
        assert isinstance(event["DTSTART"].dt, datetime.date)
        assert not isinstance(event["DTSTART"].dt, datetime.datetime)
    # The description carries how the date was worked out and the portal link.
    request_event, first_event, second_event = found
    kent_request = org(KENT).information_requests.get()
    assert str(request_event["URL"]) == (
        f"https://super-complaints.example.org/portal/information-requests/{kent_request.pk}/"
    )
    assert "https://super-complaints.example.org/portal/information-requests/" in str(
        request_event["DESCRIPTION"]
    )
    assert str(first_event["DESCRIPTION"]).startswith("Due by the end of Monday 1 June 2026.")
    row = Deadline.objects.get(
        rule=DeadlineRule.RESPONSE, subject_id=Obligation.objects.get(recommendation=second).pk
    )
    assert str(second_event["UID"]) == f"deadline-{row.pk}@super-complaints.example.org"
    assert row.explanation_text in str(second_event["DESCRIPTION"])

    # Essex: its answer to the request only; its response was submitted, so that deadline is met.
    _feed, essex_token = create_calendar_feed(org(ESSEX))
    essex = events(read_feed(client, essex_token))
    assert [(e["DTSTART"].dt, str(e["SUMMARY"])[:10]) for e in essex] == [
        (datetime.date(2026, 2, 27), "Answer due")
    ]
    assert not {str(e["UID"]) for e in essex} & {str(e["UID"]) for e in found}


def test_the_feed_is_not_cached_by_others_and_answers_a_repeat_poll_with_304(client):
    scenario()
    feed, token = create_calendar_feed(org(KENT))
    first = client.get(f"/calendar/{token}.ics")
    assert first["Cache-Control"] == "private, no-cache"
    assert "X-Public-Cache" not in first
    again = client.get(f"/calendar/{token}.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_a_revoked_replaced_or_unknown_token_is_not_found(client):
    scenario()
    _feed, token = create_calendar_feed(org(KENT))
    replacement, new_token = create_calendar_feed(org(KENT))
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
    revoke_calendar_feed(replacement)
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert CalendarFeed.objects.filter(organisation=org(KENT), revoked_at__isnull=True).count() == 0


def test_only_the_hash_of_the_token_is_kept_and_each_change_is_audited():
    feed, token = create_calendar_feed(org(KENT))
    assert feed.token_hash == hash_token(token) and token not in feed.token_hash
    replacement, _token = create_calendar_feed(org(KENT))
    revoke_calendar_feed(replacement)
    revoke_calendar_feed(replacement)  # already revoked: nothing more happens
    events_ = AuditEvent.objects.filter(object_type="deadlines.calendarfeed").order_by("pk")
    assert [(e.action, e.object_id, e.after.get("reason")) for e in events_] == [
        ("calendar_feed.created", str(feed.pk), None),
        ("calendar_feed.revoked", str(feed.pk), "replaced"),
        ("calendar_feed.created", str(replacement.pk), None),
        ("calendar_feed.revoked", str(replacement.pk), "revoked"),
    ]
    assert events_[2].after == {"organisation": org(KENT).pk, "replaces": [feed.pk]}
    assert all(token not in str(e.after) for e in events_)


def test_a_member_makes_sees_once_and_stops_the_address_from_the_portal():
    scenario()
    user = member(KENT, "responder@kent.example")
    client = signed_in(user, make_device(user))
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:calendar") in home and "Calendar of your deadlines" in home

    page = client.get(reverse("portal:calendar")).content.decode()
    assert "Make a calendar address" in page and "Stop the calendar address" not in page
    made = client.post(reverse("portal:calendar_create"), {"organisation": org(KENT).pk}, follow=True)
    shown = made.content.decode()
    url = re.search(r'value="(http[^"]+/calendar/[^"]+\.ics)"', shown).group(1)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.live().get(organisation=org(KENT)).token_hash == hash_token(token)
    assert made.context["user"] == user
    # Shown once: the page opened again no longer has it.
    assert url not in client.get(reverse("portal:calendar")).content.decode()

    client.post(reverse("portal:calendar_revoke"), {"organisation": org(KENT).pk})
    assert anonymous_status(token) == 404
    event = AuditEvent.objects.filter(action="calendar_feed.created").get()
    assert event.actor_id == user.pk


def anonymous_status(token: str) -> int:
    return Client().get(f"/calendar/{token}.ics").status_code


def test_another_organisations_feed_cannot_be_made_or_stopped():
    user = member(KENT, "responder@kent.example")
    client = signed_in(user, make_device(user))
    essex_feed, _essex_token = create_calendar_feed(org(ESSEX))
    assert client.post(reverse("portal:calendar_create"), {"organisation": org(ESSEX).pk}).status_code == 404
    assert client.post(reverse("portal:calendar_revoke"), {"organisation": org(ESSEX).pk}).status_code == 404
    essex_feed.refresh_from_db()
    assert essex_feed.is_live
    assert CalendarFeed.objects.filter(organisation=org(ESSEX)).count() == 1


def test_a_designated_body_has_no_calendar_page(hestia):
    assert hestia.get(reverse("portal:calendar")).status_code == 404


def test_the_file_is_rfc_5545_text(client):
    """Lines end CRLF and fold at 75 octets; an all-day start and end say VALUE=DATE."""
    scenario()
    _feed, token = create_calendar_feed(org(KENT))
    body = client.get(f"/calendar/{token}.ics").content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert lines.count(b"BEGIN:VEVENT") == 3
    assert b"DTSTART;VALUE=DATE:20260227" in lines
    assert b"DTEND;VALUE=DATE:20260228" in lines


def test_the_calendar_page_is_valid_html_with_and_without_a_new_address():
    from tests.helpers import assert_valid_html

    user = member(KENT, "responder@kent.example")
    client = signed_in(user, make_device(user))
    assert_valid_html(client.get(reverse("portal:calendar")).content.decode(), name="calendar.html")
    made = client.post(reverse("portal:calendar_create"), {"organisation": org(KENT).pk}, follow=True)
    assert_valid_html(made.content.decode(), name="calendar-new.html")
