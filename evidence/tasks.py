"""The evidence store's work in the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from evidence import services


@task()
def rescan(document_id: int) -> str:
    """Scan again a document kept while clamd was unreachable; returns its scan status."""
    document = services.rescan_document(document_id)
    return document.scan_status if document is not None else "not pending"


@task()
def extract_text(document_id: int) -> str:
    """Extract a released document's text for search (bounded; see evidence.extraction); returns
    the extraction status, or "not released"."""
    document = services.extract_document_text(document_id)
    return document.extraction_status if document is not None else "not released"
