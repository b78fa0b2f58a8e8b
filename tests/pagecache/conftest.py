"""The page cache on, empty at the start and end of each test, with the public record loaded."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def page_cache(request, settings):
    # The test of several processes brings its own database, in a file they share.
    if request.node.module.__name__ != "tests.pagecache.test_processes":
        request.getfixturevalue("public_record")
    settings.PUBLIC_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()
