"""The public pages' cache: the machinery lives in ``pagecache`` (shared with the API).

- ``pagecache.cache``: versions in the database every process shares, bodies in the default cache,
  ETag and 304, gzip; ``cached_public_page`` and ``cached_complaint_page`` wrap the views here.
- ``pagecache.purges.PUBLIC``: THE ONE PLACE where a model is declared public. A model not listed
  there purges nothing; a new model the public pages show must be added there, with a test.
"""

from pagecache.cache import cached_complaint_page, cached_public_page

__all__ = ["cached_complaint_page", "cached_public_page"]
