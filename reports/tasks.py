"""The reports' work in the task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from reports import publication
from reports.models import Report


@task()
def release_report_task(report_id: int) -> bool:
    """Release a report whose embargo has ended; False if there was nothing to do (already
    released by the sweep, cancelled, or not yet due)."""
    return publication.release_report(Report(pk=report_id)) is not None
