"""On PostgreSQL the page cache's version read is a request's health check (docs/decisions/0044):
a cached hit sends it alone, not after Django's own ``SELECT 1``, and a connection that died
between requests (the database restarted, the backend ended) is still replaced before anything
is read from it, so the visitor gets the page.

Requests go through the service's WSGI application (the fast path in front of Django's handler,
as under gunicorn): the test client leaves out the start-of-request connection handling
(``close_old_connections``) these tests are about. A committed database, so the second connection
that ends the first's backend sees the same rows.
"""

from __future__ import annotations

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from pagecache.fastpath import FastPath
from tests.pagecache.wsgi import call

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's health check sends nothing"),
    pytest.mark.usefixtures("transactional_db"),
]

HESTIA = "/super-complaints/SC-2019-002/"


@pytest.fixture
def app() -> FastPath:
    return FastPath(WSGIHandler())


def end_backend(pid: int) -> None:
    """End the default connection's server process from a second connection, as a restart would."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def health_checks(monkeypatch):
    """How many times Django ran its own health check of the default connection."""
    calls: list[bool] = []
    usable = connection.is_usable

    def counted() -> bool:
        calls.append(usable())
        return calls[-1]

    monkeypatch.setattr(connection, "is_usable", counted)
    return calls


def test_a_cached_hit_sends_the_version_read_and_no_check_of_its_own(app, health_checks):
    call(app, HESTIA)
    answer = call(app, HESTIA)

    assert answer.status == 200
    assert answer["X-Public-Cache"] == "hit"
    assert health_checks == []


@pytest.mark.parametrize("stored", [True, False], ids=["stored page", "page to render"])
def test_a_connection_ended_between_requests_is_replaced_and_the_page_served(app, stored, health_checks):
    call(app, HESTIA if stored else "/super-complaints/")  # opens the connection, kept between requests
    assert connection.connection is not None
    ended = connection.connection.info.backend_pid
    end_backend(ended)

    answer = call(app, HESTIA)

    assert answer.status == 200
    assert answer["X-Public-Cache"] == ("hit" if stored else "miss")
    assert b"SC-2019-002" in answer.body
    assert connection.connection.info.backend_pid != ended
    assert health_checks == []
