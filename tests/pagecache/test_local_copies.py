"""Each process's own copies of the pages it serves (``PUBLIC_CACHE_LOCAL_BYTES``): a hit reads
nothing from the shared cache, a purge is seen on the next request all the same, a copy goes when
its time is up, and the copies never take more room than they are given.

(The test of several processes, tests/pagecache/test_processes.py, runs its web processes with
copies of their own too: a change made in another process reaches them on the next request.)
"""

from __future__ import annotations

import gzip
import time

import pytest
from django.core.cache import cache

from organisations.models import Organisation
from pagecache import cache as page_cache

pytestmark = pytest.mark.django_db

HESTIA = "/super-complaints/SC-2019-002/"


@pytest.fixture(autouse=True)
def local_copies(settings):
    settings.PUBLIC_CACHE_LOCAL_BYTES = 8 * 1024 * 1024
    page_cache.forget_local_copies()
    yield
    page_cache.forget_local_copies()


def test_a_hit_is_served_from_the_process_own_copy(request, client):
    stored = client.get(HESTIA)
    reads = request.getfixturevalue("shared_cache_reads")

    again = client.get(HESTIA, HTTP_ACCEPT_ENCODING="gzip")

    assert (stored["X-Public-Cache"], again["X-Public-Cache"]) == ("miss", "hit")
    assert reads == []
    assert gzip.decompress(again.content) == stored.content


def test_a_copy_read_from_the_shared_cache_is_kept(request, client):
    client.get(HESTIA)
    page_cache.forget_local_copies()  # as in a process that did not render it
    reads = request.getfixturevalue("shared_cache_reads")

    first, second = client.get(HESTIA), client.get(HESTIA)

    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("hit", "hit")
    assert reads == ["get"]


def test_a_purge_is_seen_on_the_next_request_though_the_copy_is_kept(
    client, django_capture_on_commit_callbacks
):
    client.get("/designated-bodies/")
    assert client.get("/designated-bodies/")["X-Public-Cache"] == "hit"

    hestia = Organisation.objects.get(name="Hestia")
    hestia.name = "Hestia Housing Trust"
    with django_capture_on_commit_callbacks(execute=True):
        hestia.save()

    fresh = client.get("/designated-bodies/")
    assert fresh["X-Public-Cache"] == "miss"
    assert "Hestia Housing Trust" in fresh.content.decode()


def test_a_copy_whose_time_is_up_is_not_served(client, monkeypatch):
    client.get(HESTIA)
    page_cache.forget_local_copies()
    client.get(HESTIA)  # kept here, from the shared cache
    later = time.time() + 3601
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # the shared copy has gone too

    assert client.get(HESTIA)["X-Public-Cache"] == "miss"


def stored(size: int, expires_in: float = 60) -> dict:
    return {"content": b"x" * size, "gzip": None, "expires_at": time.time() + expires_in}


def test_the_copies_fit_in_their_room_the_least_recently_served_going_first():
    copies = page_cache._LocalCopies()
    for key in "abc":
        copies.keep(key, stored(100), budget=400)
    assert copies.get("a") is not None  # served: now the most recent

    copies.keep("d", stored(100), budget=400)
    copies.keep("e", stored(100), budget=400)

    assert copies.get("b") is None
    assert [key for key in "acde" if copies.get(key) is not None] == ["a", "c", "d", "e"]
    assert copies.size == 400


def test_a_page_too_large_for_a_quarter_of_the_room_is_not_kept():
    copies = page_cache._LocalCopies()
    copies.keep("big", stored(101), budget=400)

    assert copies.get("big") is None
    assert copies.size == 0


def test_keeping_a_key_again_replaces_its_copy():
    copies = page_cache._LocalCopies()
    copies.keep("a", stored(100), budget=400)
    copies.keep("a", stored(50), budget=400)

    assert copies.size == 50
    assert copies.get("a")["content"] == b"x" * 50
