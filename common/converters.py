"""URL converters shared by every part of the site.

A super-complaint's reference has one shape (``SC-2019-002``, see
``complaints.services.base.next_reference``). Matching only that shape in the URL means anything
else, a NUL byte or stray Unicode included, is a plain 404 before any view or database sees it
(PostgreSQL refuses a NUL in a string with an error, which would be a 500).
"""

from __future__ import annotations

from django.urls import register_converter


class ReferenceConverter:
    """A super-complaint's reference: SC-2019-002."""

    regex = "SC-[0-9]{4}-[0-9]{3,6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
