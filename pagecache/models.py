"""The versions the public page cache is keyed by, kept in the database every process shares.

One row per *scope* (see ``pagecache.cache``): ``site`` (every public page and API answer),
``register`` (the pages and API answers that list complaints) and ``complaint:<reference>`` (one
complaint's own pages). A purge writes a new random token into the row; a stored page is found
only under the tokens it was stored with, so every process stops serving it on its next request.

``floor`` is the token of the scope's last *hard* purge (anything leaving public view or edited in
place). A *soft* purge (something entering public view: a response published) writes a new token and
keeps the floor, so the newest copy rendered since the floor may be served for a few seconds while
the task worker renders the new one (``pagecache.cache``, "Publications do not make visitors wait").
``SoftPurge`` keeps when each soft purge was made, so a copy is served only while every purge it
does not show is younger than the bound.
"""

from __future__ import annotations

from django.db import models


class CacheVersion(models.Model):
    scope = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32)
    floor = models.CharField(max_length=32, blank=True, default="")
    # Only on the ``site`` row: the next moment the public register changes by the clock alone
    # (the end of an embargo, London midnight); the first request after it starts a new version.
    valid_until = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"


class SoftPurge(models.Model):
    """One soft purge of one scope, and when it was written; kept for as long as a stored copy can
    live (``PUBLIC_CACHE_SECONDS``), removed by the scope's next hard purge."""

    scope = models.CharField(max_length=100)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "at"], name="pagecache_softpurge_scope_at")]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"
