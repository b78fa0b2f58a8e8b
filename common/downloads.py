"""How every stored file leaves the service: as an attachment, with headers that stop a browser
from ever treating it as a page (issue 12, "Downloads").

The view that calls ``attachment_response`` has already checked permission (access/rules.py) and
recorded the access (``evidence.services.open_for_download``).
"""

from __future__ import annotations

import unicodedata
from typing import IO
from urllib.parse import quote

from django.http import FileResponse


def content_disposition(filename: str) -> str:
    """``attachment`` with the name twice: a plain ASCII fallback and the exact UTF-8 name (RFC 6266)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = (
        "".join(c if c.isprintable() and c not in '"\\;' else "_" for c in ascii_name).strip() or "file"
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A download of ``handle``: attachment, its real content type, never sniffed, never cached,
    and sandboxed should a browser render it anyway."""
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Set here, so the site-wide CSP middleware leaves it as it is.
    response["Content-Security-Policy"] = "sandbox"
    return response
