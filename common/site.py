"""Absolute links to the service, always from the configured ``SITE_URL``."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse`` or a model's URL) as a full address on the configured site.

    Never built from the request: its Host header is whatever the client sent.
    """
    if not path.startswith("/"):
        raise ValueError(f"{path!r} is not a path on this site.")
    return settings.SITE_URL + path
