"""Theme grouping's work in the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from themes import services


@task()
def embed_and_group(analysis_id: int) -> str:
    """Embed a call's responses in batches and group them into themes; returns the final state
    ("grouped" or "failed"), or "not waiting" for an analysis already run."""
    analysis = services.run_analysis(analysis_id)
    return analysis.state if analysis is not None else "not waiting"


@task()
def embed_passages(document_id: int | None = None) -> str:
    """Embed the passages of one document (after its text is extracted), or of every document
    waiting (``document_id`` None: the sweep's catch-up); returns what was done, in words."""
    run = services.embed_pending_passages(document_ids=None if document_id is None else [document_id])
    if not run.installed:
        return "model not installed"
    return f"{run.documents} documents, {run.passages} passages"
