"""``manage.py verify_audit`` on an intact trail and on copies tampered with at the SQL level.

Each tampering test lifts the append-only triggers inside the test's own transaction (see
tests/audit/guard.py), changes rows with raw SQL as someone with database access could, and runs
the command. The transaction is rolled back afterwards, triggers included.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection

from audit.chain import GENESIS, compute_hash, current_key_id
from audit.models import AuditEvent
from audit.services import record_event
from tests.audit.guard import tamper

T0 = dt.datetime(2019, 5, 31, 9, 0, tzinfo=dt.UTC)


def verify(*args):
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def verify_fails(*args):
    with pytest.raises(CommandError) as failed:
        verify(*args)
    assert failed.value.returncode == 1
    return str(failed.value)


def stored(sequence):
    return AuditEvent.objects.get(sequence=sequence)


def rehash(sequence):
    """What a forger does after changing a row: recompute its hash so the row checks out alone."""
    tamper(
        "UPDATE audit_auditevent SET hash = %s WHERE sequence = %s",
        [compute_hash(stored(sequence)), sequence],
    )


def rewrite_chain():
    """A forger with time to spare relinks and rehashes every row, so every hash and link checks out."""
    prev_hash = GENESIS
    for event in AuditEvent.objects.order_by("sequence"):
        event.prev_hash = prev_hash
        event.hash = compute_hash(event)
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE sequence = %s",
            [event.prev_hash, event.hash, event.sequence],
        )
        prev_hash = event.hash


def move(sequence, to):
    tamper("UPDATE audit_auditevent SET sequence = %s WHERE sequence = %s", [to, sequence])


@pytest.fixture
def trail(db):
    """Four events about one complaint, as the services record them."""
    return [
        record_event(action="complaint.submitted", after={"state": "received"}),
        record_event(
            action="complaint.acknowledged", before={"state": "received"}, after={"state": "acknowledged"}
        ),
        record_event(action="complaint.assessment_started", after={"state": "assessing"}),
        record_event(action="complaint.found_eligible", after={"state": "investigating"}),
    ]


def test_intact_trail_reports_its_length_and_head(trail):
    assert verify() == f"Audit trail intact: 4 events, head {trail[-1].hash}\n"


@pytest.mark.django_db
def test_empty_trail_is_intact_with_the_genesis_head():
    assert verify() == f"Audit trail intact: 0 events, head {GENESIS}\n"


def test_edited_event_is_named(trail):
    tamper("UPDATE audit_auditevent SET after = %s WHERE sequence = 2", ['{"state": "withdrawn"}'])

    assert verify_fails() == (
        "Audit trail broken at event 2: its contents do not match its hash (edited). "
        "The 1 event before it is intact."
    )


def test_edited_actor_is_caught_even_with_the_hash_left_alone(trail):
    tamper("UPDATE audit_auditevent SET actor_label = 'someone-else@example.org' WHERE sequence = 3")

    assert verify_fails() == (
        "Audit trail broken at event 3: its contents do not match its hash (edited). "
        "The 2 events before it are intact."
    )


def test_edited_and_rehashed_event_breaks_the_link_from_the_next(trail):
    tamper("UPDATE audit_auditevent SET action = 'complaint.withdrawn' WHERE sequence = 2")
    rehash(2)

    assert verify_fails() == (
        "Audit trail broken at event 3: it does not link to event 2, and the event it links to is no "
        "longer in the trail (event 2 was edited and rehashed, or replaced). The 2 events before it are intact."
    )


def test_deleted_event_shows_as_a_gap(trail):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")

    assert verify_fails() == (
        "Audit trail broken at event 3: the sequence jumps to 3: event 2 is missing (deleted); the event it "
        "links to is no longer in the trail (deleted). The 1 event before it is intact."
    )


def test_deleted_events_hidden_by_renumbering_are_still_found(trail):
    tamper("DELETE FROM audit_auditevent WHERE sequence IN (2, 3)")
    move(4, to=2)

    assert verify_fails() == (
        "Audit trail broken at event 2: it was written as event 4 and renumbered; the event it links to "
        "is no longer in the trail (deleted). The 1 event before it is intact."
    )


def test_first_events_deleted(trail):
    tamper("DELETE FROM audit_auditevent WHERE sequence IN (1, 2)")

    assert verify_fails() == (
        "Audit trail broken at event 3: the sequence jumps to 3: events 1 to 2 are missing (deleted); "
        "the event it links to is no longer in the trail (deleted)."
    )


def test_inserted_event_is_found_even_when_forged_with_a_good_hash_and_link(trail):
    for sequence in (4, 3, 2):
        move(sequence, to=sequence + 1)
    first = stored(1)
    forged = AuditEvent(
        sequence=2,
        occurred_at=first.occurred_at,
        action="complaint.found_ineligible",
        after={"state": "closed"},
        prev_hash=first.hash,
        # A forger who holds the audit key (see the keyed tests for one who does not).
        key_id=current_key_id(),
    )
    forged.hash = compute_hash(forged)
    forged.save()

    assert verify_fails() == (
        "Audit trail broken at event 3: it was written as event 2 and renumbered; it links to event 1, "
        "not event 2: event 2 was inserted between them (inserted). The 2 events before it are intact."
    )


def test_event_appended_with_a_link_into_the_past_is_an_insertion(trail):
    forged = AuditEvent(
        sequence=5,
        occurred_at=trail[-1].occurred_at,
        action="complaint.withdrawn",
        prev_hash=trail[1].hash,
        key_id=current_key_id(),
    )
    forged.hash = compute_hash(forged)
    forged.save()

    assert verify_fails() == (
        "Audit trail broken at event 5: it links to event 2, not event 4: events 3 to 4 were inserted "
        "between them (inserted). The 4 events before it are intact."
    )


def test_reordered_events_are_named(trail):
    move(2, to=1000)
    move(3, to=2)
    move(1000, to=3)

    assert verify_fails() == (
        "Audit trail broken at event 2: it was written as event 3 and renumbered; it links to event 3, "
        "which comes after it (reordered). The 1 event before it is intact."
    )


def test_reordered_and_fully_rewritten_trail_is_caught_by_its_dates(trail):
    for sequence in (1, 2, 3, 4):
        moment = connection.ops.adapt_datetimefield_value(T0 + dt.timedelta(minutes=sequence))
        tamper("UPDATE audit_auditevent SET occurred_at = %s WHERE sequence = %s", [moment, sequence])
    move(2, to=1000)
    move(3, to=2)
    move(1000, to=3)
    rewrite_chain()

    assert verify_fails() == (
        "Audit trail broken at event 3: it is dated before event 2 (reordered). "
        "The 2 events before it are intact."
    )


def test_events_cut_from_the_end_are_caught_against_a_head_noted_earlier(trail):
    noted_head = trail[-1].hash
    tamper("DELETE FROM audit_auditevent WHERE sequence = 4")

    # The rest still checks out on its own: that is what the noted head is for.
    assert verify() == f"Audit trail intact: 3 events, head {trail[2].hash}\n"
    assert verify_fails("--expect-head", noted_head) == (
        f"Audit trail cut short: head {noted_head} noted earlier is no longer in the trail (events after "
        f"it were deleted, or the trail was rewritten). It now has 3 events, head {trail[2].hash}."
    )


def test_a_head_noted_earlier_still_in_the_trail_passes(trail):
    assert verify("--expect-head", trail[1].hash) == f"Audit trail intact: 4 events, head {trail[-1].hash}\n"
    assert (
        verify("--expect-head", trail[-1].hash.upper())
        == f"Audit trail intact: 4 events, head {trail[-1].hash}\n"
    )
    assert verify("--expect-head", GENESIS) == f"Audit trail intact: 4 events, head {trail[-1].hash}\n"


@pytest.mark.django_db
def test_a_malformed_expected_head_is_refused():
    with pytest.raises(CommandError, match="is not a SHA-256 hash"):
        verify("--expect-head", "abc")


@pytest.mark.django_db(transaction=True)
def test_command_line_exits_0_when_intact_and_1_naming_the_bad_event(capsys):
    events = [record_event(action=f"complaint.step_{n}") for n in range(3)]

    execute_from_command_line(["manage.py", "verify_audit"])
    assert capsys.readouterr().out == f"Audit trail intact: 3 events, head {events[-1].hash}\n"

    tamper("UPDATE audit_auditevent SET object_repr = 'something else' WHERE sequence = 2")
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "verify_audit"])

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "CommandError: Audit trail broken at event 2: its contents do not match its hash (edited). "
        "The 1 event before it is intact.\n"
    )
