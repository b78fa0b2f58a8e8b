"""The API's answers are cached across requests (pagecache); these tests change data inside a
transaction that never commits (so the purge, run on commit, never comes): each test starts and
ends with an empty cache and the cache off. tests/pagecache tests the API's cache itself."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    cache.clear()
    yield
    cache.clear()
