"""The task worker renders the pages a public change purged, so the next visitor is served them
from the cache; a change that publishes nothing asks for no rendering at all.

Warming is on here, with a page cache the test shares with the "worker" (a file cache: what the
warmer stores in its own memory would serve no visitor). The change's commit callbacks are run as
the commit runs them (``django_capture_on_commit_callbacks``), and the test settings'
ImmediateBackend runs the queued task there and then, as the worker would moments later.
tests/pagecache/test_warm_commit.py does the same with a real commit. Visitors come to the site's
address (``SITE_URL``), as the warmer does.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends

from common.ratelimit import INTERNAL_REQUEST
from complaints import drafts
from complaints import services as complaints
from organisations.models import Organisation
from pagecache import warm
from pagecache.models import CacheVersion
from pagecache.tasks import warm_pages
from recommendations.models import Obligation, ResponseStatus
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import london, make_draft, sign_off_all
from tests.pagecache.conftest import SITE_HOST
from tests.public.seed import investigating, publish_response, published_case

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def as_the_worker():
    """Run what follows as the task worker does, outside a transaction as far as the WSGI handler
    can tell: its request signals close a connection left in a transaction (the test's own, here),
    so they are lifted, as Django's test client lifts them for each of its requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def visit(client, path: str, **headers):
    """A visitor's request to the site's own address."""
    return client.get(path, secure=True, HTTP_HOST=SITE_HOST, **headers)


def finished(task) -> dict[str, int]:
    assert task.status == TaskResultStatus.SUCCESSFUL, task.errors
    return task.return_value


@pytest.mark.slow
def test_a_published_report_is_rendered_by_the_worker_and_its_next_visitor_is_served_it(
    client, settings, warming, warmings, django_capture_on_commit_callbacks
):
    complaint = investigating("Police response to fraud", body="Galop")
    report = create_report(complaint, title="Fraud report")
    reference = complaint.reference
    # The complaint's stage changes too, which other pages show: everything is purged. The lists
    # and this complaint's pages come first; the bound keeps the test to those.
    settings.PUBLIC_CACHE_WARM_LIMIT = 14
    warming()

    with as_the_worker(), django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report))

    [task] = warmings  # one warming for the whole publication, however many rows it saved
    assert task.args == [[f"complaint:{reference}", "register", f"report:{reference}", "site"]]
    assert finished(task) == {"stored": 14, "already_stored": 0, "not_stored": 0, "failed": 0}
    assert warm.addresses(task.args[0])[8:] == [
        f"/super-complaints/{reference}/",
        f"/api/v1/super-complaints/{reference}",
        f"/super-complaints/{reference}/recommendations/",
        f"/super-complaints/{reference}/report/",
        f"/super-complaints/{reference}/feed.atom",
        f"/super-complaints/{reference}/report.pdf",
    ]

    page = visit(client, f"/super-complaints/{reference}/")
    assert page["X-Public-Cache"] == "hit"
    assert "Fraud report" in page.content.decode()
    answer = visit(client, f"/api/v1/super-complaints/{reference}")
    assert answer["X-Public-Cache"] == "hit"
    assert answer.json()["report"]["title"] == "Fraud report"
    report_page = visit(client, f"/super-complaints/{reference}/report/")
    assert report_page["X-Public-Cache"] == "hit"
    assert "Fraud report" in report_page.content.decode()
    pdf = visit(client, f"/super-complaints/{reference}/report.pdf")
    assert (pdf["X-Public-Cache"], pdf["Content-Type"]) == ("hit", "application/pdf")
    assert visit(client, "/super-complaints/")["X-Public-Cache"] == "hit"
    # Past the bound: rendered by its first visitor, as before.
    assert visit(client, f"/cy/super-complaints/{reference}/")["X-Public-Cache"] == "miss"
    # Stored for the site's own address: a request naming another host is stored apart.
    assert client.get(f"/super-complaints/{reference}/")["X-Public-Cache"] == "miss"


@pytest.mark.slow
def test_a_published_response_is_warmed_into_the_recommendations_and_the_api(
    client, warming, warmings, django_capture_on_commit_callbacks
):
    case = published_case()
    reference = case.complaint.reference
    warming()
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    with as_the_worker(), django_capture_on_commit_callbacks(execute=True):
        publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))

    [task] = warmings
    # Not the report's scope: its page and PDF show no response, and stay as they were stored.
    assert task.args == [[f"complaint:{reference}", "register"]]
    paths = warm.addresses(task.args[0])
    assert not [path for path in paths if "/report" in path]
    assert finished(task) == {"stored": len(paths), "already_stored": 0, "not_stored": 0, "failed": 0}
    page = visit(client, f"/super-complaints/{reference}/recommendations/")
    assert page["X-Public-Cache"] == "hit"
    assert "Accepted, on time" in page.content.decode()
    welsh = visit(client, f"/cy/super-complaints/{reference}/recommendations/")
    assert welsh["X-Public-Cache"] == "hit"
    assert "Yn dal ar goll" in welsh.content.decode()
    assert visit(client, f"/api/v1/super-complaints/{reference}")["X-Public-Cache"] == "hit"
    answer = visit(client, "/api/v1/recommendations")
    assert answer["X-Public-Cache"] == "hit"
    # What was stored is what the API answers now (rendered afresh for another host).
    assert answer.json() == client.get("/api/v1/recommendations").json()


def test_a_change_that_publishes_nothing_queues_no_warming(
    warming, warmings, django_capture_on_commit_callbacks
):
    complaint = investigating("Police response to stalking", body="Suzy Lamplugh Trust")
    draft = make_draft("Hestia", title="A draft")
    warming()
    before = dict(CacheVersion.objects.values_list("scope", "token"))

    with as_the_worker(), django_capture_on_commit_callbacks(execute=True):
        drafts.update_about(
            draft,
            title="A new title",
            subject="About",
            harm_explanation="Harm",
            expected_version=draft.version,
        )
        complaints.add_internal_note(complaint, text="Call the force on Monday.")

    assert warmings == []
    assert dict(CacheVersion.objects.values_list("scope", "token")) == before


def test_a_report_under_embargo_is_never_warmed_into_the_pages(
    client, warming, warmings, django_capture_on_commit_callbacks
):
    complaint = investigating("Police response to drones", body="Galop")
    report = create_report(complaint, title="Drones under embargo")
    reference = complaint.reference
    warming()
    embargo = timezone.now() + datetime.timedelta(days=2)

    with as_the_worker(), django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report), embargo_until=embargo)

    # The warmer asks as an anonymous visitor: no cookie, no credentials of anyone's.
    assert {"HTTP_COOKIE", "HTTP_AUTHORIZATION"}.isdisjoint(
        warm.environ_for(f"/super-complaints/{reference}/")
    )
    # The report's publication purges its complaint's pages (the embargo's end lapses them by
    # the clock), and the worker renders them as the anonymous visitor it is: without the report.
    [task] = warmings
    assert task.args == [[f"complaint:{reference}", "register", f"report:{reference}"]]
    paths = warm.addresses(task.args[0])
    assert f"/super-complaints/{reference}/" in paths
    assert not [path for path in paths if "/report" in path or "/recommendations/" in path]
    assert finished(task) == {"stored": len(paths), "already_stored": 0, "not_stored": 0, "failed": 0}
    for path in (
        f"/super-complaints/{reference}/",
        f"/cy/super-complaints/{reference}/",
        f"/super-complaints/{reference}/feed.atom",
        f"/api/v1/super-complaints/{reference}",
        "/super-complaints/",
        "/feeds/super-complaints.atom",
        "/api/v1/super-complaints",
    ):
        stored = visit(client, path)
        assert stored["X-Public-Cache"] == "hit", path
        assert "Drones under embargo" not in stored.content.decode(), path
    assert visit(client, f"/api/v1/super-complaints/{reference}").json()["report"] is None
    assert visit(client, f"/super-complaints/{reference}/report/").status_code == 404


def test_the_sweep_starts_the_days_version_after_midnight_and_warms_the_busiest_pages(
    client, settings, warming, warmings
):
    from operations.sweep import sweep_deadlines

    investigating("Police response to fraud", body="Galop")
    visit(client, "/")  # the day's version, stored under by this visitor
    site = CacheVersion.objects.get(scope="site")
    settings.PUBLIC_CACHE_WARM_LIMIT = 6
    warming()

    after_midnight = site.valid_until + datetime.timedelta(minutes=5)
    with as_the_worker():
        counts = sweep_deadlines(timezone.localtime(after_midnight).date(), now=after_midnight)

    assert counts["public_pages_renewed"] == 1
    assert CacheVersion.objects.get(scope="site").token != site.token
    [task] = [task for task in warmings if task.args == [["site"]]]
    assert finished(task)["stored"] == 6
    assert visit(client, "/")["X-Public-Cache"] == "hit"
    assert visit(client, "/super-complaints/")["X-Public-Cache"] == "hit"
    # A second sweep that day starts nothing.
    assert (
        sweep_deadlines(timezone.localtime(after_midnight).date(), now=after_midnight)["public_pages_renewed"]
        == 0
    )


def test_a_warming_that_cannot_reach_the_site_stores_nothing_and_raises_nothing(settings, shared_cache):
    complaint = investigating("Police response to fraud", body="Galop")
    # The site's own host missing from ALLOWED_HOSTS (a misconfiguration): every request is refused.
    settings.ALLOWED_HOSTS = ["testserver"]

    with as_the_worker():
        counts = warm.warm([f"complaint:{complaint.reference}"])

    paths = warm.addresses([f"complaint:{complaint.reference}"])
    assert len(paths) == 5  # page, feed, API answer; the page and feed in Welsh
    assert counts == {"stored": 0, "already_stored": 0, "not_stored": 5, "failed": 0}


# Which addresses, in which order (no worker needed).


@pytest.mark.django_db
def test_the_site_scope_lists_every_public_page_busiest_first_and_bounded(settings, public_record):
    complaint = investigating("Police response to fraud", body="Galop", forces=["Kent Police"])
    reference = complaint.reference
    settings.PUBLIC_CACHE_WARM_LIMIT = 10_000

    paths = warm.addresses(["site"])

    assert paths[:8] == [
        "/",
        "/super-complaints/",
        "/designated-bodies/",
        "/search/",
        "/feeds/super-complaints.atom",
        "/api/v1/super-complaints",
        "/api/v1/recommendations",
        "/api/v1/organisations",
    ]
    assert len(paths) == len(set(paths))
    assert not [path for path in paths if path.startswith("/cy/api/")]
    english, welsh = (
        paths.index(f"/super-complaints/{reference}/"),
        paths.index(f"/cy/super-complaints/{reference}/"),
    )
    # English before Welsh; the newest complaint first; organisations after every complaint's
    # pages, the most named first (Galop made a complaint, Kent Police is named by one).
    assert english < welsh
    first_complaint = next(path for path in paths if path.startswith("/super-complaints/SC-"))
    assert first_complaint == f"/super-complaints/{reference}/"
    galop, kent = paths.index("/organisations/galop/"), paths.index("/organisations/kent-police/")
    last_english_complaint = max(
        index for index, path in enumerate(paths) if path.startswith("/super-complaints/SC-")
    )
    assert last_english_complaint < galop < welsh and last_english_complaint < kent < welsh
    organisations = [path for path in paths[:welsh] if path.startswith("/organisations/")]
    assert len(organisations) == Organisation.objects.count()
    # Named by nothing public: after those the register names, whatever its name.
    assert organisations.index("/organisations/galop/") < len(organisations) - 1
    assert organisations[-1] != "/organisations/kent-police/"

    settings.PUBLIC_CACHE_WARM_LIMIT = 3
    assert warm.addresses(["site"]) == ["/", "/super-complaints/", "/designated-bodies/"]


@pytest.mark.django_db
def test_a_complaint_scope_lists_only_that_complaints_pages(public_record):
    complaint = investigating("Police response to fraud", body="Galop")
    reference = complaint.reference

    assert warm.addresses([f"complaint:{reference}"]) == [
        f"/super-complaints/{reference}/",
        f"/api/v1/super-complaints/{reference}",
        f"/super-complaints/{reference}/feed.atom",
        f"/cy/super-complaints/{reference}/",
        f"/cy/super-complaints/{reference}/feed.atom",
    ]
    # A complaint not on the register has no pages to warm.
    assert warm.addresses(["complaint:SC-1999-999"]) == []


def test_a_report_scope_lists_only_its_report_page_and_pdf(public_record):
    reference = published_case().complaint.reference

    assert warm.addresses([f"report:{reference}"]) == [
        f"/super-complaints/{reference}/report/",
        f"/super-complaints/{reference}/report.pdf",
        f"/cy/super-complaints/{reference}/report/",
        f"/cy/super-complaints/{reference}/report.pdf",
    ]


# Coalescing, on the commit callbacks themselves (a backend that only records what is queued).


@pytest.mark.django_db
def test_a_transaction_that_purges_many_times_queues_one_warming_of_what_it_purged(
    settings, public_record, django_capture_on_commit_callbacks
):
    case = published_case()
    other = investigating("Police response to stalking", body="Suzy Lamplugh Trust")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PUBLIC_CACHE_WARM = True
    obligations = list(Obligation.objects.filter(recommendation__report__complaint=case.complaint))

    class Undone(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(5):
            for obligation in obligations:
                obligation.save()
        with pytest.raises(Undone), transaction.atomic():
            complaints.withdraw_complaint(other, reason="Resolved")  # purges everything, rolled back
            raise Undone

    assert len(callbacks) > 15
    queued = [result for result in task_backends["default"].results if result.task.func is warm_pages.func]
    assert [result.args for result in queued] == [[[f"complaint:{case.complaint.reference}", "register"]]]


@pytest.mark.django_db
def test_with_warming_off_a_purge_queues_nothing(settings, public_record, django_capture_on_commit_callbacks):
    case = published_case()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert settings.PUBLIC_CACHE_WARM is False
    obligation = Obligation.objects.filter(recommendation__report__complaint=case.complaint).first()

    with django_capture_on_commit_callbacks(execute=True):
        obligation.save()

    assert task_backends["default"].results == []


# The warmer's requests spend no visitor's allowance: the rate limits leave them alone.


@pytest.mark.django_db
def test_the_rate_limits_leave_the_warmers_requests_alone_and_only_them(client, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    assert client.get("/api/v1/organisations?limit=1").status_code == 200
    assert client.get("/api/v1/organisations?limit=1").status_code == 429
    assert client.get("/api/v1/organisations?limit=1", **{INTERNAL_REQUEST: True}).status_code == 200
    # A client cannot claim it: what it sends is a header, under HTTP_.
    header = "HTTP_" + INTERNAL_REQUEST.upper().replace(".", "_")
    assert client.get("/api/v1/organisations?limit=1", **{header: "True"}).status_code == 429
