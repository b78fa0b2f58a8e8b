"""The keyed chain and its signed checkpoints: what someone who can write to the database, but does
not hold the audit key, can no longer do unseen."""

import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from audit.chain import canonical_bytes, compute_hash
from audit.models import AuditEvent
from audit.services import record_event
from tests.audit.guard import tamper

KEY_A = "key-a-" + "a" * 40
KEY_B = "key-b-" + "b" * 40


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails(*args):
    with pytest.raises(CommandError) as failed:
        verify(*args)
    assert failed.value.returncode == 1
    return str(failed.value)


def checkpoint():
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue()


def copy_of(event, **changes):
    fields = {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    return AuditEvent(**{**fields, **changes})


@pytest.fixture
def checkpoints(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def trail(db, checkpoints):
    return [record_event(action=f"complaint.step_{n}", after={"n": n}) for n in range(1, 5)]


def test_event_forged_with_a_correct_plain_hash_is_named(trail):
    # Someone with database access but not the key appends an event in the stored format, with
    # the right link and the SHA-256 of its serialisation: under the old chain this verified.
    last = AuditEvent.objects.get(sequence=4)
    forged = copy_of(last, sequence=5, action="complaint.withdrawn", after={"state": "withdrawn"})
    forged.prev_hash = last.hash
    forged.hash = hashlib.sha256(canonical_bytes(forged)).hexdigest()
    forged.save()

    assert verify_fails() == (
        "Audit trail broken at event 5: it carries a plain SHA-256 hash, not one made with key "
        "'test-2026' (forged by someone without the key). The 4 events before it are intact."
    )


def test_event_forged_with_a_guessed_key_is_an_edit(trail):
    last = AuditEvent.objects.get(sequence=4)
    forged = copy_of(last, sequence=5, action="complaint.withdrawn", prev_hash=last.hash)
    forged.hash = hmac.new(b"a guess", canonical_bytes(forged), hashlib.sha256).hexdigest()
    forged.save()

    assert verify_fails() == (
        "Audit trail broken at event 5: its contents do not match its hash (edited). "
        "The 4 events before it are intact."
    )


def test_unkeyed_event_after_keyed_ones_is_a_forgery(trail):
    last = AuditEvent.objects.get(sequence=4)
    forged = copy_of(last, sequence=5, action="complaint.withdrawn", prev_hash=last.hash, key_id=None)
    forged.hash = compute_hash(forged)  # plain SHA-256, as events before keying had
    forged.save()

    assert verify_fails() == (
        "Audit trail broken at event 5: it has no key, but the chain is keyed from event 1 on "
        "(forged by someone without the key). The 4 events before it are intact."
    )


@pytest.mark.django_db
def test_events_from_before_keying_verify_and_are_sealed_by_the_first_keyed_event(checkpoints):
    # Two events as the unkeyed chain wrote them (migration 0003 left such rows as they were).
    first = AuditEvent(sequence=1, occurred_at=_now(), action="complaint.submitted", prev_hash="0" * 64)
    first.hash = compute_hash(first)
    first.save()
    second = AuditEvent(sequence=2, occurred_at=_now(), action="complaint.acknowledged", prev_hash=first.hash)
    second.hash = compute_hash(second)
    second.save()
    keyed = record_event(action="complaint.assessment_started")
    assert (first.key_id, keyed.key_id) == (None, "test-2026")
    assert keyed.hash == hmac.new(KEY_TEST, canonical_bytes(keyed), hashlib.sha256).hexdigest()

    assert verify() == (f"Audit trail intact: 3 events, head {keyed.hash}\n", _no_checkpoint(checkpoints))

    # Rewriting an old event and rehashing it in the old way breaks the keyed link to it.
    tamper("UPDATE audit_auditevent SET action = 'complaint.withdrawn' WHERE sequence = 2")
    tamper(
        "UPDATE audit_auditevent SET hash = %s WHERE sequence = 2",
        [compute_hash(AuditEvent.objects.get(sequence=2))],
    )
    assert verify_fails().startswith(
        "Audit trail broken at event 3: it does not link to event 2, and the event it links to is no "
        "longer in the trail (event 2 was edited and rehashed, or replaced)."
    )


@pytest.mark.django_db
def test_rotated_keys_each_verify_their_own_events_and_a_dropped_key_is_named(checkpoints):
    with override_settings(AUDIT_HMAC_KEYS={"2026": KEY_A}, AUDIT_HMAC_KEY_ID="2026"):
        old = record_event(action="complaint.submitted")
    with override_settings(AUDIT_HMAC_KEYS={"2026": KEY_A, "2027": KEY_B}, AUDIT_HMAC_KEY_ID="2027"):
        new = record_event(action="complaint.acknowledged")
        assert (old.key_id, new.key_id) == ("2026", "2027")
        assert verify()[0] == f"Audit trail intact: 2 events, head {new.hash}\n"
    with override_settings(AUDIT_HMAC_KEYS={"2027": KEY_B}, AUDIT_HMAC_KEY_ID="2027"):
        assert verify_fails() == (
            "Audit trail broken at event 1: it names key '2026', which is not configured in AUDIT_HMAC_KEYS."
        )


def test_checkpoint_catches_events_deleted_from_the_end(trail, checkpoints):
    assert checkpoint().startswith(f"Checkpoint written: event 4, head {trail[-1].hash}, in {checkpoints}")
    assert verify() == (f"Audit trail intact: 4 events, head {trail[-1].hash}\n", "")

    # A superuser disables the triggers and removes the newest events: the rest still chains.
    tamper("DELETE FROM audit_auditevent WHERE sequence IN (3, 4)")

    message = verify_fails()
    assert message.startswith(
        "Audit trail does not match its checkpoint: the trail ends at event 2, but the checkpoint of "
    )
    assert message.endswith(
        f"recorded event 4 with head {trail[-1].hash}: events 3 to 4 were deleted from the end."
    )


def test_checkpoint_catches_a_trail_rewritten_by_a_key_holder(trail, checkpoints):
    checkpoint()
    record_event(action="complaint.step_5")
    # Even with the key, rewriting event 4 and everything after shows against the checkpoint.
    tamper("UPDATE audit_auditevent SET after = %s WHERE sequence = 4", ['{"n": 40}'])
    prev_hash = AuditEvent.objects.get(sequence=3).hash
    for event in AuditEvent.objects.filter(sequence__gte=4).order_by("sequence"):
        event.prev_hash = prev_hash
        event.hash = compute_hash(event)
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE sequence = %s",
            [event.prev_hash, event.hash, event.sequence],
        )
        prev_hash = event.hash

    message = verify_fails()
    assert message.startswith(
        "Audit trail does not match its checkpoint: event 4 does not match the checkpoint of "
    )
    assert message.endswith(f"(head {trail[-1].hash}): the trail was rewritten up to it (forged).")


def test_the_latest_checkpoint_counts(trail, checkpoints):
    checkpoint()
    newest = record_event(action="complaint.step_5")
    checkpoint()
    assert len(list(checkpoints.iterdir())) == 2
    tamper("DELETE FROM audit_auditevent WHERE sequence = 5")

    assert "the trail ends at event 4" in verify_fails()
    assert newest.hash in verify_fails()


def test_checkpoint_files_are_read_only_and_signed(trail, checkpoints):
    checkpoint()
    (path,) = checkpoints.iterdir()
    assert path.stat().st_mode & 0o777 == 0o440
    document = json.loads(path.read_text())
    assert (document["sequence"], document["head"], document["key_id"]) == (4, trail[-1].hash, "test-2026")
    signed = {k: v for k, v in document.items() if k != "signature"}
    message = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
    assert document["signature"] == hmac.new(KEY_TEST, message, hashlib.sha256).hexdigest()


def test_a_forged_checkpoint_is_refused(trail, checkpoints):
    checkpoint()
    (path,) = checkpoints.iterdir()
    document = json.loads(path.read_text())
    # Lowering the checkpoint to hide a deleted tail needs the key to re-sign it.
    document["sequence"] = 2
    document["head"] = trail[1].hash
    path.chmod(0o640)
    path.write_text(json.dumps(document))

    assert verify_fails() == (
        f"Audit checkpoints not trustworthy: checkpoint {path.name} is not signed with the audit key "
        "(forged or edited)."
    )


def test_no_checkpoint_is_written_for_a_broken_trail(trail, checkpoints):
    tamper("UPDATE audit_auditevent SET after = %s WHERE sequence = 2", ['{"n": 20}'])
    with pytest.raises(CommandError) as failed:
        checkpoint()
    assert str(failed.value) == (
        "No checkpoint written: the audit trail is broken at event 2: no checkpoint written."
    )
    assert not checkpoints.exists() or not list(checkpoints.iterdir())


def test_without_a_checkpoint_verify_warns_that_a_cut_end_cannot_be_seen(trail, checkpoints):
    assert verify() == (f"Audit trail intact: 4 events, head {trail[-1].hash}\n", _no_checkpoint(checkpoints))


KEY_TEST = ("test-only-audit-key-" + "k" * 32).encode()


def _no_checkpoint(directory):
    return (
        f"No audit checkpoint in {directory}: events deleted from the end cannot be detected. "
        "Run manage.py audit_checkpoint daily.\n"
    )


def _now():
    from django.utils import timezone

    return timezone.now()
