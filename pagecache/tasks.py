"""The page cache's work in the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from pagecache import warm


@task()
def warm_pages(scopes: list[str]) -> dict[str, int]:
    """Render and store the public pages of ``scopes`` just purged, before a visitor asks for them
    (queued by ``pagecache.cache.warm_after_purge``); returns how many ended each way."""
    return warm.warm(scopes)
