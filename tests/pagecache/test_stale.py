"""A publication does not make visitors wait: while the worker renders the pages it purged, a
visitor is served the copy from before it (``X-Public-Cache: stale``), at most
``PUBLIC_CACHE_STALE_SECONDS`` old; anything taken out of public view purges hard, and no copy from
before it is served again (pagecache.cache, "Publications do not make visitors wait").

Warming is on here with a page cache the test shares with the "worker" (files). The warm tasks are
queued but not run until the test runs them as the worker (``worker_not_yet``): the moments
between a publication's commit and the worker's render, which the other tests of warming skip by
running the task at once.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from pagecache import cache as page_cache
from pagecache import warm
from pagecache.cache import REGISTER, complaint_scope, complaint_scopes, purge_scopes_on_commit
from pagecache.models import CacheVersion
from recommendations.models import Obligation, Response, ResponseStatus
from recommendations.verification import withhold_from_response
from tests.builders import london
from tests.conftest import once_per_module, refetched
from tests.pagecache.test_warm import as_the_worker, visit
from tests.public.seed import publish_response, published_case

pytestmark = pytest.mark.django_db

_case = once_per_module(published_case)


@pytest.fixture
def case(_case, db):
    return refetched(_case)


@pytest.fixture
def worker_not_yet(monkeypatch, warming):
    """Warming on; each warming is queued here instead of run, for the test to run as the worker."""
    queued: list[list[str]] = []
    monkeypatch.setattr(page_cache, "warm_after_purge", lambda scopes: queued.append(sorted(scopes)))
    warming()
    return queued


def version_of(scope: str) -> tuple[str, str]:
    """The scope's token and floor ("" for a scope never purged yet)."""
    return versions().get(scope, ("", ""))


def versions() -> dict[str, tuple[str, str]]:
    return {
        scope: (token, floor)
        for scope, token, floor in CacheVersion.objects.values_list("scope", "token", "floor")
    }


def answer_kent(case, django_capture_on_commit_callbacks) -> None:
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])
    with django_capture_on_commit_callbacks(execute=True):
        publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))


def test_a_published_response_leaves_visitors_the_page_from_before_until_the_worker_renders_it(
    client, case, worker_not_yet, django_capture_on_commit_callbacks
):
    reference = case.complaint.reference
    matrix = f"/super-complaints/{reference}/recommendations/"
    assert [visit(client, path)["X-Public-Cache"] for path in (matrix, "/super-complaints/")] == [
        "miss",
        "miss",
    ]
    before = versions()

    answer_kent(case, django_capture_on_commit_callbacks)

    # Soft: the complaint's scope and the lists have new tokens and keep their floors.
    after = versions()
    for scope in (complaint_scope(reference), REGISTER):
        assert after[scope][0] != before.get(scope, ("", ""))[0]
        assert after[scope][1] == before.get(scope, ("", ""))[1]
    # Not the report's scope: the report shows no response.
    assert worker_not_yet == [sorted(complaint_scopes(reference, report=False))]
    old = visit(client, matrix)
    assert old["X-Public-Cache"] == "stale"
    assert "/responses/kent-police/" not in old.content.decode()
    assert visit(client, "/super-complaints/")["X-Public-Cache"] == "stale"
    # A page nobody had stored since the floor has no copy to give: its visitor renders it.
    fresh_api = visit(client, "/api/v1/recommendations")
    assert fresh_api["X-Public-Cache"] == "miss"
    assert '"accepted"' in fresh_api.content.decode()

    # The worker is never handed the old copy: it renders and stores the new one.
    with as_the_worker():
        counts = warm.warm(worker_not_yet[0])
    assert counts["failed"] == counts["not_stored"] == 0
    assert counts["stored"] >= 2
    new = visit(client, matrix)
    assert new["X-Public-Cache"] == "hit"
    assert "/responses/kent-police/" in new.content.decode()


def test_an_old_copy_is_served_only_while_every_publication_it_misses_is_within_the_bound(
    client, case, settings, worker_not_yet, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_STALE_SECONDS = 1
    matrix = f"/super-complaints/{case.complaint.reference}/recommendations/"
    visit(client, matrix)
    time.sleep(1.1)

    answer_kent(case, django_capture_on_commit_callbacks)

    # Older than the bound, but the one publication it does not show is a moment old.
    assert visit(client, matrix)["X-Public-Cache"] == "stale"
    time.sleep(1.1)
    # Now that publication is older than the bound: the visitor renders the page.
    fresh = visit(client, matrix)
    assert fresh["X-Public-Cache"] == "miss"
    assert "/responses/kent-police/" in fresh.content.decode()


def test_a_passage_withheld_is_gone_from_the_next_request_with_no_copy_from_before_it(
    client, case, worker_not_yet, django_capture_on_commit_callbacks
):
    reference = case.complaint.reference
    page = f"/super-complaints/{reference}/recommendations/{reference}-R1/responses/home-office/"
    assert "We accept it in full." in visit(client, page).content.decode()
    response = Response.objects.get(explanation="We accept it in full.")
    scope = complaint_scope(case.complaint.reference)
    before = version_of(scope)

    with django_capture_on_commit_callbacks(execute=True):
        withhold_from_response(response, field="explanation", passage="in full", reason="A name")

    # Hard: the floor moves with the token, so the copy showing the passage is never served again.
    token, floor = version_of(scope)
    assert floor != before[1]
    assert token == floor
    fresh = visit(client, page)
    assert fresh["X-Public-Cache"] == "miss"
    assert "We accept it [Personal data withheld]." in fresh.content.decode()


def test_a_response_withdrawn_from_publication_purges_hard(
    client, case, worker_not_yet, django_capture_on_commit_callbacks
):
    matrix = f"/super-complaints/{case.complaint.reference}/recommendations/"
    assert "Accepted, on time" in visit(client, matrix).content.decode()
    response = Response.objects.get(explanation="We accept it in full.")

    with django_capture_on_commit_callbacks(execute=True):
        response.state = "draft"
        response.save()

    page = visit(client, matrix)
    assert page["X-Public-Cache"] == "miss"
    assert "Accepted, on time" not in page.content.decode()


def test_without_warming_no_copy_from_before_is_served(
    client, case, shared_cache, django_capture_on_commit_callbacks
):
    matrix = f"/super-complaints/{case.complaint.reference}/recommendations/"
    visit(client, matrix)

    answer_kent(case, django_capture_on_commit_callbacks)

    assert visit(client, matrix)["X-Public-Cache"] == "miss"


def test_a_hard_purge_in_the_same_transaction_as_a_soft_one_moves_the_floor(
    case, worker_not_yet, django_capture_on_commit_callbacks
):
    scope = complaint_scope(case.complaint.reference)
    for first, second in ((True, False), (False, True)):
        before = version_of(scope)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            purge_scopes_on_commit(frozenset({scope}), soft=first)
            purge_scopes_on_commit(frozenset({scope}), soft=second)
        token, floor = version_of(scope)
        assert token != before[0]
        assert floor == token


def test_an_audit_event_alone_about_a_public_response_purges_hard(
    case, worker_not_yet, django_capture_on_commit_callbacks
):
    """A bulk write sends no save signal; its service's event purges, and hard: what it changed
    is not known to add only."""
    from audit.services import record_event

    response = Response.objects.get(explanation="We accept it in full.")
    scope = complaint_scope(case.complaint.reference)
    before = version_of(scope)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(explanation="Rewritten in bulk.")
        record_event(action="response.rewritten", obj=response, after={})

    token, floor = version_of(scope)
    assert token != before[0]
    assert floor == token


def test_a_copy_from_before_is_found_in_one_read_of_the_shared_cache(
    request, client, case, settings, worker_not_yet, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_LOCAL_BYTES = 8 * 1024 * 1024  # as with Redis: this process keeps its copies
    page_cache.forget_local_copies()
    matrix = f"/super-complaints/{case.complaint.reference}/recommendations/"
    visit(client, matrix)
    answer_kent(case, django_capture_on_commit_callbacks)
    reads = request.getfixturevalue("shared_cache_reads")  # from here on, not while building

    old = visit(client, matrix)

    assert old["X-Public-Cache"] == "stale"
    # The new page's key and where the newest copy is, together; the copy itself is this process's.
    assert reads == ["get_many"]
    page_cache.forget_local_copies()
