"""The versions the public page cache is keyed by, kept in the database every process shares.

One row per *scope* (see ``pagecache.cache``): ``site`` (every public page and API answer),
``register`` (the pages and API answers that list complaints) and ``complaint:<reference>`` (one
complaint's own pages). A purge writes a new random token into the row; a stored page is found
only under the tokens it was stored with, so every process stops serving it on its next request.
"""

from __future__ import annotations

from django.db import models


class CacheVersion(models.Model):
    scope = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32)
    # Only on the ``site`` row: the next moment the public register changes by the clock alone
    # (the end of an embargo, London midnight); the first request after it starts a new version.
    valid_until = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.scope}: {self.token}"
