"""Two sweeps at once, on PostgreSQL with two real connections: each row is flagged once, and a
row another sweep holds is skipped, not waited for.

Each test asks for ``transactional_db`` by name, so what it builds is committed and the other
threads' connections see it (and the module is not wrapped in the shared public-record
transaction, see tests/conftest.py).
"""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import AuditEvent
from deadlines.models import Deadline, DeadlineRule
from operations.sweep import sweep_deadlines
from tests.builders import london, received

ON = datetime.date(2026, 11, 28)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL"
)


def _in_thread(target, *args):
    """Run ``target`` in a thread with its own database connection; return (thread, outcome)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = target(*args)
        except BaseException as error:  # handed back to the test, which re-raises it
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _late_acknowledgements(count):
    """``count`` complaints whose acknowledgement was due on Friday 6 November 2026."""
    return [received(f"Late {n}", at=london(2026, 11, 2, 9)) for n in range(count)]


@postgresql_only
def test_a_row_another_sweep_holds_is_skipped_not_waited_for(transactional_db, public_record):
    complaints = _late_acknowledgements(3)
    held = complaints[0].acknowledgement_deadline
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Deadline.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=30)

    holder, holder_outcome = _in_thread(hold_the_row)
    assert locked.wait(timeout=30)
    try:
        sweeper, outcome = _in_thread(sweep_deadlines, ON)
        sweeper.join(timeout=30)
        # Had the sweep waited for the lock, it would still be running.
        assert not sweeper.is_alive()
    finally:
        release.set()
        holder.join(timeout=30)
    assert "error" not in outcome and "error" not in holder_outcome
    assert outcome["value"][DeadlineRule.ACKNOWLEDGEMENT] == 2
    held.refresh_from_db()
    assert held.flagged_overdue_on is None
    # The next sweep finds the row free and flags it.
    assert sweep_deadlines(ON)[DeadlineRule.ACKNOWLEDGEMENT] == 1
    held.refresh_from_db()
    assert held.flagged_overdue_on == ON


@postgresql_only
def test_two_sweeps_started_at_once_flag_each_row_once(transactional_db, public_record):
    complaints = _late_acknowledgements(12)
    events = AuditEvent.objects.filter(action="complaint.acknowledgement_overdue")
    assert not events.exists()
    start = threading.Barrier(2)

    def sweep_when_both_are_ready():
        start.wait(timeout=30)
        return sweep_deadlines(ON)

    runs = [_in_thread(sweep_when_both_are_ready) for _ in range(2)]
    for thread, _outcome in runs:
        thread.join(timeout=60)
    outcomes = [outcome for _thread, outcome in runs]
    assert all("error" not in outcome for outcome in outcomes), outcomes
    flagged = [outcome["value"][DeadlineRule.ACKNOWLEDGEMENT] for outcome in outcomes]
    # Between them they flagged every late acknowledgement, and each exactly once.
    assert sum(flagged) == len(complaints)
    rows = Deadline.objects.filter(
        rule=DeadlineRule.ACKNOWLEDGEMENT, subject_id__in=[c.pk for c in complaints]
    )
    assert set(rows.values_list("flagged_overdue_on", flat=True)) == {ON}
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in complaints)
