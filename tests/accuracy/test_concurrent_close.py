"""Two sweeps at once close each expired factual-accuracy check once (PostgreSQL, two real
connections). As in tests/operations/test_concurrent_sweep.py, the test asks for
``transactional_db`` so the threads' connections see what it built."""

import datetime
import threading

import pytest
from django.db import connection, connections

from accuracy.models import AccuracyCheck, CheckState
from accuracy.services import close_expired_checks, open_accuracy_check
from audit.models import AuditEvent
from tests.accuracy.scenario import CLOSES_ON, OPENED_AT, draft_report

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL"
)


@postgresql_only
def test_two_sweeps_at_once_close_each_check_once(transactional_db, public_record):
    checks = [
        open_accuracy_check(draft_report(title).report, closes_on=CLOSES_ON, at=OPENED_AT)
        for title in ("Domestic abuse", "Stalking", "Vulnerable witnesses")
    ]
    start = threading.Barrier(2)
    outcomes: list[dict] = [{}, {}]

    def sweep(outcome: dict) -> None:
        try:
            start.wait(timeout=30)
            outcome["value"] = close_expired_checks(CLOSES_ON + datetime.timedelta(days=1))
        except BaseException as error:  # handed back to the test, which re-raises it
            outcome["error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep, args=(outcome,)) for outcome in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all("error" not in outcome for outcome in outcomes), outcomes
    assert sum(outcome["value"] for outcome in outcomes) == len(checks)
    assert set(AccuracyCheck.objects.values_list("state", flat=True)) == {CheckState.CLOSED}
    closed = AuditEvent.objects.filter(action="accuracy_check.closed")
    assert sorted(closed.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in checks)
