"""The page cache's fast path (pagecache.fastpath): a stored public page for a visitor with no
cookie is answered in front of Django's handler, with the same headers the whole stack gives and a
new request id; everything else still goes through the whole stack.

Requests go through the WSGI application as a server sends them (``tests.pagecache.wsgi``); whether
one took the fast path is read from whether Django's handler behind it was called.
"""

from __future__ import annotations

import gzip

import pytest
from django.core.handlers.wsgi import WSGIHandler

from pagecache import fastpath
from pagecache.fastpath import MAX_ROUTES, FastPath, Route
from tests.builders import org
from tests.pagecache.wsgi import Answer, call

pytestmark = pytest.mark.django_db

HESTIA = "/super-complaints/SC-2019-002/"
PER_REQUEST = {"X-Request-ID"}


class Counted:
    """Django's handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.paths: list[str] = []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        return self.handler(environ, start_response)


@pytest.fixture
def django_handler(request) -> Counted:
    # The request signals close a connection left in a transaction, the test's own here (a server's
    # connection is never in one between requests): lifted, as the test client lifts them.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request.addfinalizer(lambda: signals.request_started.connect(close_old_connections))
    request.addfinalizer(lambda: signals.request_finished.connect(close_old_connections))
    return Counted()


@pytest.fixture
def app(django_handler) -> FastPath:
    return FastPath(django_handler)


@pytest.fixture
def get(app, django_handler):
    """GET through the application: the answer, and whether the fast path gave it."""

    def get(path: str, **extra) -> tuple[Answer, bool]:
        before = len(django_handler.paths)
        answer = call(app, path, **extra)
        return answer, len(django_handler.paths) == before

    return get


def body(answer: Answer) -> bytes:
    """The answer's body, uncompressed."""
    return gzip.decompress(answer.body) if answer.headers.get("Content-Encoding") == "gzip" else answer.body


def headers(answer: Answer) -> dict[str, str]:
    """The answer's headers, less those that differ per request."""
    return {name: value for name, value in answer.headers.items() if name not in PER_REQUEST}


def test_the_service_is_served_with_the_fast_path_in_front():
    from config.wsgi import application

    assert isinstance(application, FastPath)
    assert isinstance(application.application, WSGIHandler)


@pytest.mark.parametrize("url", [HESTIA, "/cy/super-complaints/", "/api/v1/super-complaints"])
def test_a_stored_page_is_answered_by_the_fast_path_as_the_whole_stack_answers_it(get, url):
    whole, fast = get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert not fast  # rendered and stored by the whole stack, which teaches the fast path
    assert whole["X-Public-Cache"] == "miss"

    again, fast = get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert fast
    assert again.status == 200
    assert body(again) == body(whole)
    assert headers(again) == {**headers(whole), "X-Public-Cache": "hit"}
    assert again["X-Request-ID"] != whole["X-Request-ID"]
    # What the outer middleware gave is replayed: the security headers are there.
    assert again["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in again.headers
    assert "'sha256-" in again["Content-Security-Policy"]


def test_each_answer_is_the_same_page_with_its_own_request_id(get):
    get(HESTIA)
    (first, first_fast), (second, second_fast) = get(HESTIA), get(HESTIA)

    assert first_fast and second_fast
    assert first.body == second.body
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert first["Content-Language"] == "en-gb"


def test_a_conditional_request_gets_304_from_the_fast_path(get):
    etag = get(HESTIA)[0]["ETag"]

    again, fast = get(HESTIA, HTTP_IF_NONE_MATCH=etag)

    assert fast
    assert (again.status, again.body, again["ETag"]) == (304, b"", etag)


def test_a_request_with_a_cookie_or_credentials_goes_through_the_whole_stack(get):
    get(HESTIA)

    with_cookie, fast = get(HESTIA, HTTP_COOKIE="sessionid=not-a-session")
    assert not fast
    assert with_cookie["X-Public-Cache"] == "hit"
    assert not get(HESTIA, HTTP_AUTHORIZATION="Bearer something")[1]
    assert get(HESTIA)[1]


def test_another_host_or_scheme_is_not_answered_from_what_this_one_taught(get, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    get(HESTIA)

    assert not get(HESTIA, HTTP_HOST="other.example")[1]
    assert not get(HESTIA, **{"wsgi.url_scheme": "https"})[1]
    # A host the whole stack refuses is refused every time: it never teaches the fast path.
    refused = [get(HESTIA, HTTP_HOST="evil.example") for _ in range(3)]
    assert [(answer.status, fast) for answer, fast in refused] == [(400, False)] * 3


def test_a_purge_is_seen_by_the_fast_path_on_the_next_request(get, django_capture_on_commit_callbacks):
    get(HESTIA)
    assert get(HESTIA)[1]
    hestia = org("Hestia")

    with django_capture_on_commit_callbacks(execute=True):
        hestia.name = "Hestia Housing and Support"
        hestia.save()

    fresh, fast = get(HESTIA)
    assert not fast  # not stored under the new version: the whole stack renders it
    assert fresh["X-Public-Cache"] == "miss"
    assert b"Hestia Housing and Support" in body(fresh)
    assert get(HESTIA)[1]


def test_the_apis_rate_limit_counts_on_the_fast_path(get, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 4
    answers = [get("/api/v1/super-complaints") for _ in range(5)]

    assert [answer.status for answer, _fast in answers] == [200, 200, 200, 200, 429]
    assert [fast for _answer, fast in answers] == [False, True, True, True, False]
    assert "Retry-After" in answers[4][0].headers


def test_pages_that_are_not_stored_and_other_methods_go_through_the_whole_stack(get, app, django_handler):
    for _ in range(3):
        assert not get("/search/", QUERY_STRING="q=stalking")[1]  # the search has its own limit
        assert not get("/cookies/")[1]  # not a cached page
    get(HESTIA)
    before = len(django_handler.paths)

    assert call(app, HESTIA, method="HEAD").status == 200
    assert call(app, HESTIA, method="POST").status == 403  # no CSRF token
    assert len(django_handler.paths) == before + 2
    assert [route.address for route, _headers in app.routes.values()] == [f"http://testserver{HESTIA}"]


def test_a_page_the_fast_path_cannot_answer_is_answered_by_the_whole_stack(get, monkeypatch):
    get(HESTIA)

    def broken(*args, **kwargs):
        raise RuntimeError("the cache is unreachable")

    monkeypatch.setattr(fastpath, "stored_copy", broken)
    answer, fast = get(HESTIA)

    assert not fast
    assert (answer.status, answer["X-Public-Cache"]) == (200, "hit")


def test_the_memory_of_addresses_is_bounded(get, app):
    route = Route("http://testserver/", "register", "en-gb", rate_limited=False)
    app.routes = {(str(number),): (route, ()) for number in range(MAX_ROUTES)}

    get(HESTIA)

    assert [known.address for known, _headers in app.routes.values()] == [f"http://testserver{HESTIA}"]
