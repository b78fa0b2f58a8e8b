"""The one way a stored document is downloaded, for every audience's view.

The view finds the document through its own permission check (access/rules.py: another
organisation's document is a 404 before this is reached), then returns ``document_download``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from common.downloads import attachment_response
from evidence.models import Document
from evidence.services import open_for_download


def document_download(document: Document) -> FileResponse:
    """A released document as a safe attachment (common/downloads.py), recorded as
    ``document.viewed``. A document not released (virus scan pending, infected) is a 404."""
    try:
        handle = open_for_download(document)
    except Document.DoesNotExist:
        raise Http404("This document is not available.") from None
    return attachment_response(handle, filename=document.original_name, content_type=document.content_type)
