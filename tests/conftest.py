"""Fixtures for the whole test suite."""

import os
import shutil

import pytest
from django.db import transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from hypothesis import settings as hypothesis_settings

# The audit trail refuses DELETE and TRUNCATE; this lets Django's flush between transactional and
# live-server tests through, and nothing else (see tests/audit/guard.py).
from tests.audit.guard import audit_trail_flushable  # noqa: F401

# Hypothesis fails an example that takes longer than 200 ms by default: a timing assertion in all
# but name, which a loaded machine (two test processes on two cores) trips now and then. The
# properties are about dates, not speed; speed is measured in bench/.
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")

TRUNCATE_FLUSH = PostgresOperations.sql_flush

# The Debian chromium package: `playwright install` cannot download a browser on these machines.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config, items):
    """Playwright's sync API keeps an event loop running in the main thread from the first browser
    test to the end of the session, and Django then refuses every database call made in that thread
    ("cannot call this from an async context"), the test database's set-up and flush included. The
    calls are not async at all, so lift the guard, only in runs that include browser tests."""
    if any(item.get_closest_marker("browser") for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # A test that builds and serves its own SQLite database (Lighthouse, the fault drill, the
    # slow-client and two-process servers) is the same test whatever DATABASE_URL names: `make
    # test` runs it once, in the SQLite run, not twice.
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        own = [item for item in items if item.get_closest_marker("own_database")]
        if own:
            config.hook.pytest_deselected(items=own)
            items[:] = [item for item in items if not item.get_closest_marker("own_database")]
    # The slowest modules first, then those with browser tests. Note: under `--dist loadfile`
    # xdist reorders the modules by their number of tests unless given `--no-loadscope-reorder`
    # (tried and not kept: BENCHMARKS.md section 4), so `make test` does not use this order.
    # Within a module, and among the rest, the order stays.
    weight: dict[object, int] = {}
    for item in items:
        mark = 2 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("browser") else 0
        weight[item.module] = max(weight.get(item.module, 0), mark)
    items.sort(key=lambda item: -weight[item.module])


def _delete_not_truncate(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """PostgreSQL's flush between live-server and transactional tests, as DELETEs: one TRUNCATE of
    the ~100 tables made new files for each and took about a second (BENCHMARKS.md section 4);
    deleting the few rows a test left takes a few milliseconds. Every foreign key is deferred
    (Django makes them so), so the order does not matter inside the flush's transaction."""
    if reset_sequences or allow_cascade or not tables:
        return TRUNCATE_FLUSH(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables
    ]


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PostgresOperations, "sql_flush", _delete_not_truncate)
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English. A request under /cy/ leaves Welsh active in the thread that
    served it, and with the suite split across processes any test may follow one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _needs_a_committed_database(item) -> bool:
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="module")
def _public_record_for_module(request, django_db_setup, django_db_blocker):
    """The public record, loaded once for a module inside a transaction rolled back after it. Each
    test still runs in its own savepoint inside it, so what a test adds is gone before the next.

    A module with live-server tests gets nothing here: those tests commit their own copy, since the
    database is emptied after each of them."""
    from tests.builders import ensure_public_record

    if any(_needs_a_committed_database(i) for i in request.session.items if i.module is request.module):
        yield
        return
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_public_record()
        _drop_commit_callbacks()
        yield
        transaction.set_rollback(True)


def _drop_commit_callbacks() -> None:
    """A module's builds run in its transaction, which is rolled back, never committed: their
    commit callbacks never run. Drop them, so that nothing they carry is taken by a test for its
    own (the page cache's purge round, which remembers what its transaction saved softly and so
    need not purge again, is kept with the list of callbacks it belongs to)."""
    transaction.get_connection().run_on_commit = []


@pytest.fixture
def public_record(request, _public_record_for_module):
    """The shipped public record in the test database (see ``_public_record_for_module``)."""
    from tests.builders import ensure_public_record

    if _needs_a_committed_database(request.node):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    ensure_public_record()  # loaded already, except in a live-server module


def refetched(value):
    """``value`` read afresh from the database: a model instance, or a dataclass, list, tuple or
    dict of them. A test may change the objects it was given; the next one gets new ones."""
    import dataclasses

    from django.db import models

    if isinstance(value, models.Model):
        return type(value)._base_manager.get(pk=value.pk)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: refetched(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        )
    if isinstance(value, list | tuple):
        return type(value)(refetched(item) for item in value)
    if isinstance(value, dict):
        return {key: refetched(item) for key, item in value.items()}
    return value


def once_per_module(build):
    """A module fixture that calls ``build()`` once, inside the module's transaction beside the
    public record (``_public_record_for_module``), for a module whose tests would each build the
    same thing. Bind it to a name in the module and give each test ``refetched`` objects:

        _case = once_per_module(published_report)

        @pytest.fixture
        def case(_case, db):
            return refetched(_case)

    Each test's own changes still roll back before the next. Not for a module with live-server or
    transactional tests (its database is emptied after each of them)."""

    @pytest.fixture(scope="module")
    def built(request, _public_record_for_module, django_db_blocker):
        if any(_needs_a_committed_database(i) for i in request.session.items if i.module is request.module):
            raise RuntimeError(f"{request.module.__name__} has tests that empty the database; build per test")
        with django_db_blocker.unblock():
            value = build()
            _drop_commit_callbacks()
            return value

    return built


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in a cache of their own; each test starts with none spent."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    yield
