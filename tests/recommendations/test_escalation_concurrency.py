"""Two ladder sweeps at once, on PostgreSQL with two real connections: each step is taken once
and each message written once; an obligation another sweep holds is skipped, not waited for.

The tests ask for ``transactional_db`` by name, so what they build is committed and the threads'
connections see it (see tests/conftest.py)."""

import datetime
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction

from audit.models import AuditEvent
from deadlines.models import Deadline, DeadlineRule
from outbox.models import Message
from recommendations.escalation import run_ladder
from recommendations.models import Obligation, ObligationStep
from tests.recommendations.ladder_support import addressee_people, published_report

ON = datetime.date(2026, 8, 12)  # 14 days before the due day: the first reminder

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and SKIP LOCKED need PostgreSQL"
)


def _in_thread(target, *args):
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


@postgresql_only
def test_two_ladder_sweeps_started_at_once_take_each_step_once(transactional_db, public_record):
    addressee_people()
    reports = [published_report(f"Complaint {n}") for n in range(3)]
    start = threading.Barrier(2)

    def sweep_when_both_are_ready():
        start.wait(timeout=30)
        return run_ladder(ON)

    runs = [_in_thread(sweep_when_both_are_ready) for _ in range(2)]
    for thread, _outcome in runs:
        thread.join(timeout=60)
    outcomes = [outcome for _thread, outcome in runs]
    assert all("error" not in outcome for outcome in outcomes), outcomes
    # Six obligations (two per report): between them the sweeps reminded each once.
    assert sum(outcome["value"]["response_reminders"] for outcome in outcomes) == 6
    obligations = [o.pk for r in reports for o in (r.kent, r.home_office)]
    assert sorted(ObligationStep.objects.values_list("obligation_id", "key")) == sorted(
        (pk, "reminder:14") for pk in obligations
    )
    assert Message.objects.filter(dedupe_key__startswith="obligation:").count() == 6
    assert AuditEvent.objects.filter(action="obligation.reminded").count() == 6


@postgresql_only
def test_an_obligation_another_sweep_holds_is_skipped_and_taken_by_the_next(transactional_db, public_record):
    addressee_people()
    published = published_report()
    held = Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(Obligation),
        subject_id=published.kent.pk,
        rule=DeadlineRule.RESPONSE,
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Deadline.objects.select_for_update().get(pk=held.pk)
            locked.set()
            release.wait(timeout=30)

    holder, holder_outcome = _in_thread(hold_the_row)
    assert locked.wait(timeout=30)
    try:
        sweeper, outcome = _in_thread(run_ladder, ON)
        sweeper.join(timeout=30)
        assert not sweeper.is_alive()  # it did not wait for the lock
    finally:
        release.set()
        holder.join(timeout=30)
    assert "error" not in outcome and "error" not in holder_outcome
    assert outcome["value"]["response_reminders"] == 1  # the Home Office only
    assert not ObligationStep.objects.filter(obligation=published.kent).exists()
    assert run_ladder(ON)["response_reminders"] == 1
    assert list(ObligationStep.objects.filter(obligation=published.kent).values_list("key", flat=True)) == [
        "reminder:14"
    ]
