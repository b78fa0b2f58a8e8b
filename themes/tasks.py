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
