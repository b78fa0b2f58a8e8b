"""Validators, compression and the API answers of the page cache."""

from __future__ import annotations

import gzip
import json

import pytest

from pagecache.cache import accepts_gzip
from recommendations.models import Obligation, ResponseStatus
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import london, sign_off_all
from tests.public.seed import investigating, publish_response, published_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/super-complaints/", "/super-complaints/SC-2019-002/", "/api/v1/super-complaints"]
)
def test_a_conditional_request_with_the_etag_gets_304(client, url):
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    assert first["Cache-Control"] == "no-cache"

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200


def test_the_etag_changes_when_the_page_does(client, django_capture_on_commit_callbacks):
    complaint = investigating("Police response to fraud", body="Galop")
    url = f"/super-complaints/{complaint.reference}/"
    etag = client.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(create_report(complaint, title="Fraud report")))

    fresh = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert "Fraud report" in fresh.content.decode()


def test_a_page_is_served_gzipped_and_the_same_uncompressed(client):
    plain = client.get("/super-complaints/SC-2019-002/")
    stored = client.get("/super-complaints/SC-2019-002/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert stored["X-Public-Cache"] == "hit"
    assert stored["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in stored["Vary"]
    assert int(stored["Content-Length"]) == len(stored.content) < len(plain.content)
    assert gzip.decompress(stored.content) == plain.content
    # Compressed once, when stored: every hit is given the same bytes.
    again = client.get("/super-complaints/SC-2019-002/", HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == stored.content


def test_the_first_request_is_gzipped_too_and_json_as_well(client):
    first = client.get("/api/v1/super-complaints", HTTP_ACCEPT_ENCODING="gzip")
    assert first["X-Public-Cache"] == "miss"
    assert first["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.content))["count"] >= 7


def test_no_gzip_unless_asked_for(client):
    client.get("/super-complaints/")
    for header in ({}, {"HTTP_ACCEPT_ENCODING": "gzip;q=0, identity"}, {"HTTP_ACCEPT_ENCODING": "br"}):
        response = client.get("/super-complaints/", **header)
        assert "Content-Encoding" not in response, header
        assert b"<html" in response.content


def test_accept_encoding_is_read_as_a_list():
    class Request:
        def __init__(self, value):
            self.headers = {"Accept-Encoding": value}

    assert accepts_gzip(Request("gzip"))
    assert accepts_gzip(Request("deflate, GZIP;q=0.5"))
    assert not accepts_gzip(Request("gzip;q=0"))
    assert not accepts_gzip(Request("gzipped"))
    assert not accepts_gzip(Request(""))


def test_a_signed_in_page_is_never_compressed(client):
    from tests.casework.support import make_person

    person, _device = make_person("iopc")
    client.force_login(person)
    response = client.get("/account/sign-in/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response


def test_the_api_is_cached_and_a_publication_shows_on_the_next_request(
    client, django_capture_on_commit_callbacks
):
    case = published_case()
    url = f"/api/v1/recommendations?complaint={case.complaint.reference}"
    first = client.get(url)
    assert first["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with django_capture_on_commit_callbacks(execute=True):
        publish_response(
            obligation,
            status=ResponseStatus.ACCEPTED,
            submitted=london(2026, 6, 10, 9),
            reasons="Kent accepts it.",
        )

    fresh = client.get(url)
    assert fresh["X-Public-Cache"] == "miss"
    assert "Kent accepts it." in fresh.content.decode()
    assert "Kent accepts it." not in first.content.decode()


def test_the_api_never_shows_an_embargoed_or_unpublished_report_even_cached(
    client, django_capture_on_commit_callbacks
):
    complaint = investigating("Police response to drones", body="Galop")
    detail = f"/api/v1/super-complaints/{complaint.reference}"
    listing = "/api/v1/recommendations?limit=200"
    with django_capture_on_commit_callbacks(execute=True):
        report = create_report(complaint, title="Drones report")
    assert "Drones report" not in client.get(detail).content.decode()
    assert client.get(detail)["X-Public-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report), embargo_until=london(2099, 1, 1, 9))
    for url in (detail, listing, "/api/v1/super-complaints?limit=200"):
        assert "Drones report" not in client.get(url).content.decode(), url
        assert "Drones report" not in client.get(url).content.decode(), url


def test_an_api_error_is_not_stored(client):
    assert client.get("/api/v1/super-complaints/SC-2099-001").status_code == 404
    second = client.get("/api/v1/super-complaints/SC-2099-001")
    assert second.status_code == 404
    assert "X-Public-Cache" not in second
    assert client.get("/api/v1/super-complaints?limit=0").status_code == 422
