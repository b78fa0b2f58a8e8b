"""Fixtures for the public pages.

The home page and the register pages read the database, so every test here may (browser tests
bring their own, transactional, database through live_server). Public pages are cached across
requests (public/cache.py): each test starts and ends with an empty cache, so a page stored by one
test, from data rolled back since, never reaches another; and only the tests of the cache itself
turn it on.
"""

from pathlib import Path

import pytest
from django.core.cache import cache

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        ours = Path(str(item.fspath)).parent == HERE
        browser = "live_server" in getattr(item, "fixturenames", ())
        if ours and not browser and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(autouse=True)
def empty_page_cache(settings):
    """Pages are not cached in tests, which change data inside a transaction that never commits
    (so the purge, run on commit, never comes); the cache tests ask for ``page_cache``."""
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 3600
