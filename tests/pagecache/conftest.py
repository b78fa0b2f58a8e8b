"""The page cache on, empty at the start and end of each test, with the public record loaded."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def page_cache(request, settings):
    if "live_server" not in request.fixturenames and not request.node.get_closest_marker("subprocesses"):
        request.getfixturevalue("public_record")
    settings.PUBLIC_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()
