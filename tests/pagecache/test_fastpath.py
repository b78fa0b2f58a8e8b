"""The page cache's fast path (pagecache.fastpath): a stored public page for a visitor with no
cookie is answered before the inner middleware runs, with the same headers the whole stack gives
and a new request id; everything else still goes through the whole stack.

Whether a response took the fast path is read from the request the handler saw: the whole stack's
authentication middleware gives it a ``user``, the fast path never gets that far.
"""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
from django.urls import resolve

from pagecache.fastpath import MAX_ROUTES, PublicPageFastPath
from tests.builders import org

pytestmark = pytest.mark.django_db

HESTIA = "/super-complaints/SC-2019-002/"
PER_REQUEST = {"X-Request-ID", "Date"}


def fast(response) -> bool:
    return not hasattr(response.wsgi_request, "user")


def body(response) -> bytes:
    """The response's body, uncompressed."""
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return content


def headers(response) -> dict[str, str]:
    """The response's headers, less those that differ per request."""
    return {name: value for name, value in response.items() if name not in PER_REQUEST}


@pytest.mark.parametrize("url", [HESTIA, "/cy/super-complaints/", "/api/v1/super-complaints"])
def test_a_stored_page_is_answered_by_the_fast_path_as_the_whole_stack_answers_it(client, url):
    whole = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert not fast(whole)
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert fast(again)
    assert again["X-Public-Cache"] == "hit"
    assert body(again) == body(whole)
    expected = headers(whole)
    expected["X-Public-Cache"] = "hit"
    assert headers(again) == expected
    assert again["X-Request-ID"] != whole["X-Request-ID"]
    # The layers before it still run: the security headers are there.
    assert again["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in again


def test_each_answer_is_the_same_page_under_the_same_policy(client):
    client.get(HESTIA)
    first, second = client.get(HESTIA), client.get(HESTIA)

    assert fast(first) and fast(second)
    assert first.content == second.content
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"]
    assert "'sha256-" in first["Content-Security-Policy"]
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert first["Content-Language"] == "en-gb"


def test_a_conditional_request_gets_304_from_the_fast_path(client):
    etag = client.get(HESTIA)["ETag"]
    again = client.get(HESTIA, HTTP_IF_NONE_MATCH=etag)

    assert fast(again)
    assert again.status_code == 304


def test_a_request_with_a_cookie_goes_through_the_whole_stack(client):
    client.get(HESTIA)
    client.cookies["sessionid"] = "not-a-session"

    response = client.get(HESTIA)

    assert not fast(response)
    assert response["X-Public-Cache"] == "hit"


def test_a_purge_is_seen_by_the_fast_path_on_the_next_request(client, django_capture_on_commit_callbacks):
    client.get(HESTIA)
    assert fast(client.get(HESTIA))
    hestia = org("Hestia")

    with django_capture_on_commit_callbacks(execute=True):
        hestia.name = "Hestia Housing and Support"
        hestia.save()

    fresh = client.get(HESTIA)
    assert not fast(fresh)  # not stored under the new version: the whole stack renders it
    assert fresh["X-Public-Cache"] == "miss"
    assert "Hestia Housing and Support" in fresh.content.decode()
    assert fast(client.get(HESTIA))


def test_the_apis_rate_limit_counts_on_the_fast_path(client, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    answers = [client.get("/api/v1/super-complaints") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert fast(answers[1]) and fast(answers[2])
    assert "Retry-After" in answers[3]


def test_pages_that_are_not_stored_and_other_methods_go_through_the_whole_stack(client):
    client.get("/search/", {"q": "stalking"})
    assert not fast(client.get("/search/", {"q": "stalking"}))  # the search has its own limit
    client.get("/cookies/")
    assert not fast(client.get("/cookies/"))  # not a cached page


def test_the_memory_of_addresses_is_bounded(rf):
    def whole_stack(request):
        request.resolver_match = resolve(HESTIA)
        request.LANGUAGE_CODE = "en-gb"
        response = HttpResponse("page")
        response.public_page_scope = "complaint:SC-2019-002"
        return response

    middleware = PublicPageFastPath(whole_stack)
    middleware.routes = dict.fromkeys(map(str, range(MAX_ROUTES)))

    middleware(rf.get(HESTIA))

    assert list(middleware.routes) == [f"http://testserver{HESTIA}"]
