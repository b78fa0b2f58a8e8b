"""E-mail alerts for the public: double opt-in, each alert once, one-click unsubscribe, and nothing
that is not published."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone

from accounts.models import Role
from alerts.models import Subscription
from alerts.services import (
    RESEND_INTERVAL,
    AlertError,
    confirm_subscription,
    hash_token,
    send_alerts,
    subscribe,
    unsubscribe,
    unsubscribe_token,
)
from audit.models import AuditEvent
from outbox.models import Message
from recommendations.models import Obligation, Response, ResponseState, ResponseStatus
from recommendations.services import add_recommendation, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.alerts.support import confirm_token_of, published_complaint
from tests.builders import london, org, received, sign_off_all
from tests.portal.support import person
from tests.public.seed import investigating, publish_response
from tests.recommendations.response_scenario import awaiting_sign_off

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"
KENT = "Kent Police"
ESSEX = "Essex Police"


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def alerts_to(address: str = ADDRESS) -> list[Message]:
    return [
        m for m in Message.objects.filter(dedupe_key__startswith="alert:").order_by("pk") if m.to == [address]
    ]


def report_with_recommendation(complaint, *, organisations, at, embargo_until=None, title="Searched"):
    report = create_report(complaint, title=title, conclusions="The harm is significant.")
    recommendation = add_recommendation(
        report,
        label="Recommendation 1",
        text="Record every search of a child.",
        organisations=[org(name) for name in organisations],
        default_due=datetime.date(2026, 6, 1),
    )
    expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=at, embargo_until=embargo_until)
    return report, recommendation


def test_nothing_is_alerted_before_the_address_confirms():
    complaint = published_complaint()
    subscription = subscribe(email=" Reader@Example.org ", complaint=complaint, at=london(2026, 3, 1, 9))
    assert subscription.email == ADDRESS
    assert subscription.confirmed_at is None
    [confirmation] = Message.objects.filter(dedupe_key__startswith="alerts:confirm:")
    assert confirmation.to == [ADDRESS]
    assert confirmation.subject == (
        f"Confirm your email alerts about super-complaint {complaint.reference}, “Stop and search of children”"
    )
    assert "/alerts/confirm/" in confirmation.context["url"]
    report_with_recommendation(complaint, organisations=[KENT], at=london(2026, 5, 1, 9))
    assert send_alerts(timezone.now()) == 0
    assert alerts_to() == []


def test_asking_again_sends_the_confirmation_again_but_keeps_one_subscription():
    complaint = published_complaint()
    first = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    old_token = confirm_token_of(first)
    # Within a quarter of an hour nothing more is sent (the form cannot flood an inbox).
    subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9, 5))
    assert Message.objects.filter(dedupe_key__startswith="alerts:confirm:").count() == 1
    again = subscribe(
        email="READER@example.org", complaint=complaint, at=london(2026, 3, 1, 9) + RESEND_INTERVAL
    )
    assert again.pk == first.pk
    assert Subscription.objects.count() == 1
    assert Message.objects.filter(dedupe_key__startswith="alerts:confirm:").count() == 2
    # The newest link works; the older one no longer does.
    with pytest.raises(AlertError, match="expired or has already been used"):
        confirm_subscription(old_token, at=london(2026, 3, 1, 10))
    confirmed = confirm_subscription(confirm_token_of(again), at=london(2026, 3, 1, 10))
    assert confirmed.confirmed_at == london(2026, 3, 1, 10)
    # An address already confirmed that asks again is treated the same way, and stays confirmed.
    subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 2, 9))
    assert Message.objects.filter(dedupe_key__startswith="alerts:confirm:").count() == 3
    assert Subscription.objects.get().is_active


def test_a_confirmation_link_expires_after_seven_days():
    subscription = subscribe(email=ADDRESS, complaint=published_complaint(), at=london(2026, 3, 1, 9))
    with pytest.raises(AlertError):
        confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 8, 9, 1))
    assert Subscription.objects.get().confirmed_at is None


def test_a_confirmed_subscription_gets_each_alert_once_however_often_the_step_runs():
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    report, recommendation = report_with_recommendation(
        complaint, organisations=[KENT, ESSEX], at=london(2026, 5, 1, 9)
    )
    kent = Obligation.objects.get(recommendation=recommendation, organisation=org(KENT))
    response = publish_response(kent, status=ResponseStatus.ACCEPTED, submitted=london(2026, 5, 20, 10))

    assert send_alerts(timezone.now()) == 2
    assert send_alerts(timezone.now()) == 0
    sent = alerts_to()
    assert [(m.dedupe_key, m.subject) for m in sent] == [
        (f"alert:{subscription.pk}:report-{report.pk}", "Report published: Searched"),
        (
            f"alert:{subscription.pk}:response-{response.pk}",
            f"Response published: Kent Police on {recommendation.reference}",
        ),
    ]
    report_alert, response_alert = sent
    assert report_alert.context["url"].endswith(f"/super-complaints/{complaint.reference}/report/")
    assert response_alert.context["summary"] == (
        f"Kent Police has published its response to {recommendation.reference}: Accepted."
    )
    subscription.refresh_from_db()
    unsubscribe_url = report_alert.context["unsubscribe_url"]
    assert unsubscribe_url.endswith(f"/alerts/unsubscribe/{unsubscribe_token(subscription)}/")
    assert report_alert.headers == {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert subscription.unsubscribe_token_hash == hash_token(unsubscribe_token(subscription))


def test_a_force_subscription_hears_of_reports_addressed_to_it_and_its_own_responses_only():
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, organisation=org(KENT), at=london(2026, 3, 1, 9))
    confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    _report, recommendation = report_with_recommendation(
        complaint, organisations=[KENT, ESSEX], at=london(2026, 5, 1, 9)
    )
    for name in (KENT, ESSEX):
        publish_response(
            Obligation.objects.get(recommendation=recommendation, organisation=org(name)),
            status=ResponseStatus.ACCEPTED,
            submitted=london(2026, 5, 20, 10),
        )
    # A report with nothing addressed to Kent.
    other = investigating("Police response to hate crime", forces=[ESSEX])
    report_with_recommendation(other, organisations=[ESSEX], at=london(2026, 5, 2, 9), title="Hated")

    send_alerts(timezone.now())
    assert [m.subject for m in alerts_to()] == [
        "Report published: Searched",
        f"Response published: Kent Police on {recommendation.reference}",
    ]


def test_only_forces_and_published_complaints_can_be_followed():
    with pytest.raises(AlertError, match="only for police forces"):
        subscribe(email=ADDRESS, organisation=org("Home Office"))
    with pytest.raises(AlertError, match="no alerts for this super-complaint"):
        subscribe(email=ADDRESS, complaint=received("Only received, not yet on the register"))
    assert not Subscription.objects.exists()
    assert not Message.objects.filter(dedupe_key__startswith="alerts:").exists()


def test_nothing_unpublished_is_ever_alerted(monkeypatch):
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    now = timezone.now().replace(microsecond=0)
    moment = now + datetime.timedelta(days=10)
    _report, recommendation = report_with_recommendation(
        complaint, organisations=[KENT], at=now - datetime.timedelta(hours=1), embargo_until=moment
    )
    # Embargoed: nothing before its moment.
    assert send_alerts(now) == 0
    assert send_alerts(moment - datetime.timedelta(seconds=1)) == 0
    assert alerts_to() == []
    # A response drafted and sent for sign-off, not submitted, is never alerted, after the embargo.
    kent = Obligation.objects.get(recommendation=recommendation, organisation=org(KENT))
    monkeypatch.setattr(timezone, "now", lambda: moment + datetime.timedelta(seconds=1))
    awaiting_sign_off(kent, person("drafter@kent.example", org(KENT), Role.RESPONDER))
    assert Response.objects.get(obligation=kent).state == ResponseState.AWAITING_SIGN_OFF
    assert send_alerts(moment) == 1
    assert [m.subject for m in alerts_to()] == ["Report published: Searched"]


def test_one_click_unsubscribe_stops_the_alerts():
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    subscription = confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    unsubscribe(unsubscribe_token(subscription), at=london(2026, 4, 1, 9))
    unsubscribe(unsubscribe_token(subscription), at=london(2026, 4, 2, 9))  # again: nothing changes
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at == london(2026, 4, 1, 9)
    report_with_recommendation(complaint, organisations=[KENT], at=london(2026, 5, 1, 9))
    assert send_alerts(timezone.now()) == 0
    with pytest.raises(AlertError):
        unsubscribe("not-a-token")


def test_subscribing_again_after_unsubscribing_alerts_only_what_came_after():
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    subscription = confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    unsubscribe(unsubscribe_token(subscription), at=london(2026, 4, 1, 9))
    report_with_recommendation(complaint, organisations=[KENT], at=london(2026, 5, 1, 9))
    again = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 6, 1, 9))
    again = confirm_subscription(confirm_token_of(again), at=london(2026, 6, 1, 10))
    assert again.pk == subscription.pk and again.is_active
    assert send_alerts(timezone.now()) == 0  # the report came while unsubscribed


def test_the_audit_trail_never_holds_the_address():
    complaint = published_complaint()
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=london(2026, 3, 1, 9))
    subscription = confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    unsubscribe(unsubscribe_token(subscription), at=london(2026, 4, 1, 9))
    events = AuditEvent.objects.filter(object_type="alerts.subscription").order_by("pk")
    assert [(e.action, e.object_id) for e in events] == [
        ("alert_subscription.requested", str(subscription.pk)),
        ("alert_subscription.confirmed", str(subscription.pk)),
        ("alert_subscription.unsubscribed", str(subscription.pk)),
    ]
    assert events[0].after == {"complaint": complaint.pk, "language": "en", "first": True}
    digest = hashlib.sha256(ADDRESS.encode()).hexdigest()
    for event in events:
        stored = f"{event.object_repr} {event.before} {event.after} {event.actor_label}"
        assert "reader" not in stored.lower() and digest not in stored
