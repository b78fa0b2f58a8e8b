"""Headers, request-body limits, cookie names and rate limits (common.security, settings)."""

import json
import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import drafts
from evidence.models import Document
from tests.builders import org
from tests.config.test_settings import PRODUCTION, ROOT
from tests.portal.support import client_for, person

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


# --- Permissions-Policy ---------------------------------------------------------------------------


def test_every_response_turns_off_what_the_service_never_uses(client, public_record):
    for url in ["/", "/account/sign-in/", "/api/openapi.json", "/no-such-page/"]:
        policy = client.get(url)["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb", "fullscreen"]:
            assert f"{feature}=()" in policy, url


# --- Body limits ----------------------------------------------------------------------------------


def test_an_anonymous_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    response = client.generic(
        "POST",
        "/account/sign-in/",
        b"",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.ANONYMOUS_MAX_BODY_SIZE + 1),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">What you sent is too large</h1>' in html
    assert "This page accepts at most 64 KB at a time." in html


def test_an_anonymous_body_within_the_limit_is_read(client):
    response = client.post("/account/sign-in/", {"email": "pat@example.org", "password": "x" * 1000})
    assert response.status_code == 200


def test_a_malformed_content_length_is_a_400_not_a_500(client):
    response = client.generic(
        "POST", "/account/sign-in/", b"", CONTENT_LENGTH="lots", **{"wsgi.input": UnreadableBody()}
    )
    assert response.status_code == 400


def test_evidence_uploads_keep_25_mb_for_signed_in_people_only(client, public_record):
    user = person("policy@hestia.example", org("Hestia"))
    draft = drafts.create_draft(org("Hestia"), user)
    content = b"force,cases\n" + b"Gwent Police,4\n" * 70_000  # about 1 MB
    data = {"file": SimpleUploadedFile("figures.csv", content), "description": "Figures"}

    anonymous = client.post(f"/portal/drafts/{draft.pk}/evidence/", data)
    assert anonymous.status_code == 413

    data["file"].seek(0)
    signed_in = client_for(user).post(f"/portal/drafts/{draft.pk}/evidence/", data)
    assert signed_in.status_code == 302
    assert Document.objects.get().size == len(content)


def test_a_signed_in_body_over_the_upload_limit_is_refused_before_it_is_read(public_record, settings):
    hestia = client_for(person("policy@hestia.example", org("Hestia")))
    response = hestia.generic(
        "POST",
        "/portal/new/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.SIGNED_IN_MAX_BODY_SIZE + 1),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "This page accepts at most 26624 KB at a time." in response.content.decode()


# --- Cookies --------------------------------------------------------------------------------------


def test_session_and_csrf_cookies_are_host_prefixed_when_secure():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "AUDIT_"))}
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_NAME,"
        " s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_PATH,"
        " s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_PATH, s.CSRF_COOKIE_DOMAIN]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # __Host- cookies must be Secure, for path / and without a Domain, or browsers drop them.
    assert json.loads(result.stdout) == [
        "__Host-sessionid",
        "__Host-csrftoken",
        True,
        True,
        "/",
        None,
        "/",
        None,
    ]


# --- Rate limits ----------------------------------------------------------------------------------


def test_public_search_is_rate_limited_per_address_with_a_page_that_explains(client, public_record, settings):
    settings.SEARCH_RATE_LIMIT_PER_MINUTE = 3
    for n in range(3):
        assert client.get("/search/", {"q": f"stalking {n}"}, REMOTE_ADDR="127.0.0.2").status_code == 200

    refused = client.get("/search/", {"q": "stalking"}, REMOTE_ADDR="127.0.0.2")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert '<h1 class="govuk-heading-xl">Too many searches</h1>' in html
    assert "You can search 3 times a minute from one address." in html
    seconds = int(refused["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"Wait {seconds} second" in html
    # The Welsh search shares the limit; another address does not.
    assert client.get("/cy/search/", {"q": "stelcian"}, REMOTE_ADDR="127.0.0.2").status_code == 429
    assert client.get("/search/", {"q": "stalking"}, REMOTE_ADDR="127.0.0.3").status_code == 200
    # Other public pages are not limited.
    assert client.get("/super-complaints/", REMOTE_ADDR="127.0.0.2").status_code == 200


def test_the_api_is_rate_limited_per_address_with_a_json_429(client, public_record, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        assert client.get("/api/v1/super-complaints", REMOTE_ADDR="127.0.0.4").status_code == 200

    refused = client.get("/api/v1/organisations", REMOTE_ADDR="127.0.0.4")

    assert refused.status_code == 429
    body = refused.json()
    wait = int(refused["Retry-After"])
    assert body == {
        "detail": "Too many requests: the API allows 2 requests a minute from one address. "
        f"Try again in {wait} second{'s' if wait != 1 else ''}.",
        "limit_per_minute": 2,
        "retry_after": wait,
    }
    assert client.get("/api/v1/super-complaints", REMOTE_ADDR="127.0.0.5").status_code == 200


def test_the_refusal_pages_are_valid_html(client, public_record, settings):
    from tests.helpers import assert_valid_html

    settings.SEARCH_RATE_LIMIT_PER_MINUTE = 1
    client.get("/search/", {"q": "one"})
    assert_valid_html(client.get("/search/", {"q": "two"}).content.decode(), name="429.html")
    too_large = client.generic(
        "POST", "/account/sign-in/", b"", CONTENT_LENGTH="999999999", **{"wsgi.input": UnreadableBody()}
    )
    assert_valid_html(too_large.content.decode(), name="413.html")
