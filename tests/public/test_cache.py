"""Public pages are cached, per language, served the same to everyone, byte for byte, and purged
when something is published."""

from __future__ import annotations

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache

from accounts.models import User
from audit.services import record_event
from complaints import services as complaints
from pagecache import cache as page_cache_module
from public import views
from recommendations.models import Obligation, ResponseStatus
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import london, sign_off_all
from tests.helpers import assert_only_inline_script_is_allowed_by_its_hash
from tests.public.seed import investigating, publish_response, published_case

pytestmark = [pytest.mark.usefixtures("public_record"), pytest.mark.usefixtures("page_cache")]


def test_a_page_is_stored_and_served_again_the_same(client):
    first = client.get("/super-complaints/")
    second = client.get("/super-complaints/")

    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    # The page's one inline script is allowed by its hash, so the stored copy runs under the policy.
    assert_only_inline_script_is_allowed_by_its_hash(
        second.content.decode(), second["Content-Security-Policy"]
    )
    assert len(second.cookies) == 0


def test_each_language_has_its_own_copy(client):
    client.get("/super-complaints/")
    welsh = client.get("/cy/super-complaints/")

    assert welsh["X-Public-Cache"] == "miss"
    assert '<html lang="cy"' in welsh.content.decode()
    assert client.get("/cy/super-complaints/")["X-Public-Cache"] == "hit"


def test_every_query_string_has_its_own_copy(client):
    client.get("/super-complaints/")

    assert client.get("/super-complaints/?year=2019")["X-Public-Cache"] == "miss"
    assert client.get("/search/?q=stalking")["X-Public-Cache"] == "miss"
    assert client.get("/search/?q=stalking")["X-Public-Cache"] == "hit"


def test_a_signed_in_person_gets_the_same_page(client):
    anonymous = client.get("/super-complaints/SC-2019-002/")
    user = User.objects.create_user(email="reader@example.org", password="a long password 123")
    client.force_login(user)
    signed_in = client.get("/super-complaints/SC-2019-002/")

    assert signed_in["X-Public-Cache"] == "hit"
    assert signed_in.content == anonymous.content


def test_a_page_with_a_message_waiting_is_neither_served_from_nor_stored_in_the_cache(rf):
    view = page_cache_module.cached_public_page(views.register)

    def request(with_message: bool):
        request = rf.get("/super-complaints/")
        request.session = {}
        request._messages = FallbackStorage(request)
        if with_message:
            request._messages.add(constants.SUCCESS, "You have signed out")
        return request

    view(request(with_message=False))  # stored
    with_message = request(with_message=True)
    response = view(with_message)
    assert "X-Public-Cache" not in response
    assert "You have signed out" in [str(m) for m in get_messages(with_message)]


def test_publishing_a_report_purges_the_pages(client, django_capture_on_commit_callbacks):
    complaint = investigating("Police response to fraud", body="Galop")
    with django_capture_on_commit_callbacks(execute=True):
        report = create_report(complaint, title="Fraud report")
    url = f"/super-complaints/{complaint.reference}/"
    assert "Fraud report" not in client.get(url).content.decode()
    assert client.get(url)["X-Public-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report))

    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert "Fraud report" in fresh.content.decode()


def test_publishing_a_response_purges_the_pages(client, django_capture_on_commit_callbacks):
    case = published_case()
    url = f"/super-complaints/{case.complaint.reference}/recommendations/"
    assert "No response yet" in client.get(url).content.decode()
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with django_capture_on_commit_callbacks(execute=True):
        publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))

    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert "Accepted, on time" in fresh.content.decode()


def test_a_complaint_entering_the_register_purges_the_pages(client, django_capture_on_commit_callbacks):
    client.get("/super-complaints/")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = investigating("Police response to flooding", body="Galop")

    fresh = client.get("/super-complaints/")
    assert fresh["X-Public-Cache"] == "miss"
    assert complaint.reference in fresh.content.decode()


def test_nothing_is_purged_before_the_transaction_commits(client, django_capture_on_commit_callbacks):
    client.get("/super-complaints/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        complaints.withdraw_complaint(investigating("Withdrawn soon", body="Galop"), reason="Resolved")

    assert client.get("/super-complaints/")["X-Public-Cache"] == "hit"
    assert len(callbacks) > 0


def test_a_change_recorded_in_the_audit_trail_about_a_public_object_purges_its_pages(
    django_capture_on_commit_callbacks,
):
    """Services record every change, bulk writes included (which send no save signals)."""
    complaint = published_case().complaint
    scope = page_cache_module.complaint_scope(complaint.reference)
    state = page_cache_module.current_state(scope)
    with django_capture_on_commit_callbacks(execute=True):
        record_event(action="test.bulk_change", obj=complaint.report)
    assert page_cache_module.current_state(scope)["version"] != state["version"]
    # An access event (someone read sensitive material) changes nothing public; nor does an event
    # about nothing in particular.
    state = page_cache_module.current_state(scope)
    with django_capture_on_commit_callbacks(execute=True):
        record_event(action="test.read", obj=complaint.report, kind="access")
        record_event(action="test.bulk_change")
    assert page_cache_module.current_state(scope)["version"] == state["version"]


def test_the_version_lapses_at_the_end_of_an_embargo_and_at_london_midnight(
    django_capture_on_commit_callbacks,
):
    now = london(2026, 7, 15, 10, 0)
    page_cache_module.purge(now=now)
    assert page_cache_module.current_state(now=now)["valid_until"] == london(2026, 7, 16, 0, 0)

    complaint = investigating("Police response to drones", body="Galop")
    report = create_report(complaint, title="Drones")
    publish_report(sign_off_all(report), at=now, embargo_until=london(2026, 7, 15, 14, 30))
    page_cache_module.purge(now=now)
    state = page_cache_module.current_state(now=now)
    assert state["valid_until"] == london(2026, 7, 15, 14, 30)
    assert page_cache_module.current_state(now=london(2026, 7, 15, 14, 29))["version"] == state["version"]
    assert page_cache_module.current_state(now=london(2026, 7, 15, 14, 30))["version"] != state["version"]


def test_a_page_is_kept_no_longer_than_the_setting(client, settings, monkeypatch):
    stored = {}
    original = cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("public-page:"):
            stored[key] = timeout
        return original(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    settings.PUBLIC_CACHE_SECONDS = 120
    client.get("/designated-bodies/")

    assert list(stored.values()) == [120]


def test_the_cache_can_be_turned_off(client, settings):
    settings.PUBLIC_CACHE_SECONDS = 0

    assert "X-Public-Cache" not in client.get("/super-complaints/")
    assert "X-Public-Cache" not in client.get("/super-complaints/")


def test_a_not_found_page_is_not_stored(client):
    assert client.get("/super-complaints/SC-2099-001/").status_code == 404
    assert client.get("/super-complaints/SC-2099-001/").status_code == 404
    assert not any(key for key in getattr(cache, "_cache", {}) if "public-page:" in str(key))


def test_the_pdf_is_cached_as_it_is(client):
    # Only a report written in this service has a PDF (a historical one links its publication).
    reference = published_case().complaint.reference
    first = client.get(f"/super-complaints/{reference}/report.pdf")
    second = client.get(f"/super-complaints/{reference}/report.pdf")

    assert second["X-Public-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Disposition"] == f'inline; filename="{reference}-report.pdf"'
    assert second["Content-Type"] == "application/pdf"


def test_the_feed_is_cached_with_its_last_modified_header(client):
    first = client.get("/feeds/super-complaints.atom")
    second = client.get("/feeds/super-complaints.atom")

    assert second["X-Public-Cache"] == "hit"
    assert second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Type"] == "application/atom+xml; charset=utf-8"


def test_scheme_host_and_port_each_have_their_own_copy(client, settings):
    # Whatever gets past ALLOWED_HOSTS (a port, a second name, plain http behind a proxy) must not
    # share a stored page with the canonical address.
    settings.ALLOWED_HOSTS = ["super-complaints.test", "super-complaints.test:8443", "other.test"]
    canonical = {"HTTP_HOST": "super-complaints.test", "secure": True}
    assert client.get("/super-complaints/", **canonical)["X-Public-Cache"] == "miss"
    assert client.get("/super-complaints/", **canonical)["X-Public-Cache"] == "hit"

    for odd in [
        {"HTTP_HOST": "super-complaints.test:8443", "secure": True},
        {"HTTP_HOST": "other.test", "secure": True},
        {"HTTP_HOST": "super-complaints.test", "secure": False},
    ]:
        assert client.get("/super-complaints/", **odd)["X-Public-Cache"] == "miss", odd


def test_a_feed_fetched_with_an_odd_host_never_serves_that_host_to_others(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    poisoned = client.get("/feeds/super-complaints.atom", HTTP_HOST="evil.example").content.decode()
    served = client.get("/feeds/super-complaints.atom", HTTP_HOST="super-complaints.test").content.decode()

    assert "evil.example" not in poisoned
    assert "evil.example" not in served
    assert 'href="https://super-complaints.test/super-complaints/"' in served
