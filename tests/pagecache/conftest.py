"""The page cache on, empty at the start and end of each test, with the public record loaded;
and, for the tests of warming, a page cache the test shares with the worker."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django_tasks.signals import task_finished

SITE_HOST = urlsplit(django_settings.SITE_URL).netloc


@pytest.fixture(autouse=True)
def page_cache(public_record, settings):
    # Named as an argument, not asked for inside: the public record then loads once for a module,
    # before its first test's transaction (asked for inside, it loaded again for every test).
    # The test of several processes, with a database of its own, has its own ``page_cache``.
    settings.PUBLIC_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The pages kept in files in place of this process's memory (the kind of cache warming is
    for), and the site's own host allowed: the warmer and the tests' visitors come to it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SITE_HOST]


@pytest.fixture
def warming(settings, shared_cache):
    """Turns warming on when called: after the data a test starts from is built, or every public
    change in building it would warm the pages too."""

    def on() -> None:
        settings.PUBLIC_CACHE_WARM = True

    return on


@pytest.fixture
def warmings():
    """Every ``warm_pages`` task run, as its result."""
    ran = []

    def record(sender, task_result, **kwargs):
        from pagecache.tasks import warm_pages

        if task_result.task.func is warm_pages.func:
            ran.append(task_result)

    task_finished.connect(record)
    yield ran
    task_finished.disconnect(record)


@pytest.fixture
def shared_cache_reads(monkeypatch):
    """Each read of the page cache's store from here on (``get`` or ``get_many``), as the name of
    the call; a backend's ``get_many`` that calls its own ``get`` counts once."""
    reads: list[str] = []
    inside: list[str] = []
    backend = type(caches["default"])
    for name in ("get", "get_many"):
        real = getattr(backend, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            if not inside:
                reads.append(_name)
            inside.append(_name)
            try:
                return _real(self, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    return reads
