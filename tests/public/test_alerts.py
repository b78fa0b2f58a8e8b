"""The public pages of e-mail alerts: the sign-up form, check your email, confirm, unsubscribe (in
English and Welsh, without JavaScript, never page-cached)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from alerts.models import Subscription
from alerts.services import send_alerts, unsubscribe_token
from outbox.models import Message
from tests.alerts.support import confirm_token_of, confirmation_url, published_complaint
from tests.builders import london, org
from tests.public.pages import get, main, text

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.org"


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def form_url(complaint) -> str:
    return f"/super-complaints/{complaint.reference}/alerts/"


def test_the_complaint_and_force_pages_link_their_alerts(client):
    complaint = published_complaint()
    assert form_url(complaint) in get(client, f"/super-complaints/{complaint.reference}/")
    assert "/organisations/kent-police/alerts/" in get(client, "/organisations/kent-police/")
    assert "/alerts/" not in get(client, "/organisations/home-office/")
    assert client.get("/organisations/home-office/alerts/").status_code == 404
    assert client.get("/super-complaints/SC-2099-001/alerts/").status_code == 404


def test_signing_up_sends_a_confirmation_and_says_the_same_for_an_address_already_known(client):
    complaint = published_complaint()
    page = client.get(form_url(complaint))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "X-Public-Cache" not in page
    assert "Get email alerts" in text(main(page.content.decode()))

    first = client.post(form_url(complaint), {"email": ADDRESS})
    assert first.status_code == 302 and first["Location"] == "/alerts/check-your-email/"
    sent_page = text(main(get(client, "/alerts/check-your-email/")))
    again = client.post(form_url(complaint), {"email": ADDRESS.upper()})
    assert again["Location"] == "/alerts/check-your-email/"
    assert "If the address you gave can get alerts, we have sent it an email" in sent_page
    assert Subscription.objects.get().email == ADDRESS


def test_a_wrong_address_is_shown_again_with_its_error(client):
    complaint = published_complaint()
    html = client.post(form_url(complaint), {"email": "not an address"})
    body = html.content.decode()
    assert html.status_code == 200
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in body
    assert (
        '<a href="#id_email">Enter an email address in the correct format, like name@example.com</a>' in body
    )
    assert 'value="not an address"' in body
    assert not Subscription.objects.exists()


def test_sign_ups_are_rate_limited_by_address(client, settings):
    settings.ALERT_SUBSCRIBE_RATE_LIMIT_PER_HOUR = 2
    complaint = published_complaint()
    for n in range(2):
        assert client.post(form_url(complaint), {"email": f"reader{n}@example.org"}).status_code == 302
    refused = client.post(form_url(complaint), {"email": "reader9@example.org"})
    assert refused.status_code == 429
    assert "too many requests for alerts from your internet connection" in refused.content.decode()
    assert 'value="reader9@example.org"' in refused.content.decode()
    assert Subscription.objects.count() == 2


def test_opening_the_confirmation_link_asks_and_the_button_confirms(client):
    complaint = published_complaint()
    client.post(form_url(complaint), {"email": ADDRESS})
    subscription = Subscription.objects.get()
    path = confirmation_url(subscription).removeprefix("http://testserver")
    path = path[path.index("/alerts/") :]
    page = client.get(path)
    assert page.status_code == 200 and "Confirm your email alerts" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # a mail scanner opening the link confirms nothing
    done = client.post(path)
    assert "Your email alerts are on" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active
    # Used: the link now says so.
    assert client.get(path).status_code == 404
    assert client.get("/alerts/confirm/not-a-token/").status_code == 404


def test_the_mail_clients_one_click_post_unsubscribes_without_a_csrf_token():
    from alerts.services import confirm_subscription, subscribe

    subscription = subscribe(email=ADDRESS, complaint=published_complaint(), at=london(2026, 3, 1, 9))
    subscription = confirm_subscription(confirm_token_of(subscription), at=london(2026, 3, 1, 10))
    path = f"/alerts/unsubscribe/{unsubscribe_token(subscription)}/"
    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.get(path)
    assert page.status_code == 200 and "Stop the alerts" in page.content.decode()
    assert Subscription.objects.get().unsubscribed_at is None  # opening the page changes nothing
    response = mail_client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Your email alerts have stopped" in response.content.decode()
    assert Subscription.objects.get().unsubscribed_at is not None
    assert send_alerts(timezone.now()) == 0
    assert "You no longer get email alerts" in mail_client.get(path).content.decode()
    assert mail_client.get("/alerts/unsubscribe/nonsense/").status_code == 404


def test_the_welsh_form_signs_up_in_welsh(client):
    complaint = published_complaint()
    page = client.get("/cy" + form_url(complaint))
    assert page.status_code == 200
    assert '<html lang="cy"' in page.content.decode()
    assert (
        client.post("/cy" + form_url(complaint), {"email": ADDRESS})["Location"]
        == "/cy/alerts/check-your-email/"
    )
    subscription = Subscription.objects.get()
    assert subscription.language == "cy"
    message = Message.objects.get(dedupe_key__startswith="alerts:confirm:")
    assert message.language == "cy"
    assert "/cy/alerts/confirm/" in message.context["url"]
    assert client.get("/cy/alerts/check-your-email/").status_code == 200


def test_a_force_sign_up(client):
    response = client.post("/organisations/kent-police/alerts/", {"email": ADDRESS})
    assert response.status_code == 302
    assert Subscription.objects.get().organisation == org("Kent Police")


def test_every_alert_page_is_valid_html(client):
    from alerts.services import subscribe
    from tests.helpers import assert_valid_html

    complaint = published_complaint()
    pages = {
        "form": client.get(form_url(complaint)),
        "form with an error": client.post(form_url(complaint), {"email": "nope"}),
        "force form": client.get("/organisations/kent-police/alerts/"),
        "check your email": client.get("/alerts/check-your-email/"),
        "expired": client.get("/alerts/confirm/nonsense/"),
    }
    subscription = subscribe(email=ADDRESS, complaint=complaint, at=timezone.now())
    token = confirm_token_of(subscription)
    pages["confirm"] = client.get(f"/alerts/confirm/{token}/")
    pages["confirmed"] = client.post(f"/alerts/confirm/{token}/")
    subscription = Subscription.objects.get()
    path = f"/alerts/unsubscribe/{unsubscribe_token(subscription)}/"
    pages["unsubscribe"] = client.get(path)
    pages["unsubscribed"] = client.post(path)
    pages["already unsubscribed"] = client.get(path)
    for name, response in pages.items():
        assert_valid_html(response.content.decode(), name=f"{name}.html")
