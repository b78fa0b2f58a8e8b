import datetime as dt
import hashlib
import json
import uuid
import zoneinfo
from decimal import Decimal

import pytest

from audit.chain import GENESIS, canonical_bytes, compute_hash
from audit.models import AuditEvent
from audit.services import record_event

LONDON = zoneinfo.ZoneInfo("Europe/London")

# The serialisation is a published format: this literal is what an outside checker would rebuild.
CANONICAL = (
    '{"action":"complaint.submitted","actor_id":7,"actor_label":"policy@hestia.org",'
    '"after":{"received_on":"2019-05-31","state":"received"},"before":{"state":"draft"},'
    '"kind":"change","object_id":"12","object_repr":"Hestia — caethwasiaeth fodern, ŵ",'
    '"object_type":"complaints.supercomplaint","occurred_at":"2019-05-31T08:30:00.000000+00:00",'
    '"organisation_id":3,"organisation_label":"Hestia","prev_hash":"' + "0" * 64 + '",'
    '"request_id":"req-1","sequence":1}'
)
CANONICAL_HASH = "cdaf1d1329edf5c3b9505052ef7a324c0322389aa98d268f883538140727e699"


def fixed_event() -> AuditEvent:
    return AuditEvent(
        sequence=1,
        # 09:30 in London on 31 May 2019 is 08:30 UTC (BST).
        occurred_at=dt.datetime(2019, 5, 31, 9, 30, tzinfo=LONDON),
        kind="change",
        action="complaint.submitted",
        actor_id=7,
        actor_label="policy@hestia.org",
        organisation_id=3,
        organisation_label="Hestia",
        object_type="complaints.supercomplaint",
        object_id="12",
        object_repr="Hestia — caethwasiaeth fodern, ŵ",
        before={"state": "draft"},
        after={"state": "received", "received_on": "2019-05-31"},
        request_id="req-1",
        prev_hash=GENESIS,
    )


def test_canonical_serialisation_is_sorted_compact_utf8_json_with_utc_microseconds():
    event = fixed_event()
    assert canonical_bytes(event) == CANONICAL.encode("utf-8")
    assert compute_hash(event) == hashlib.sha256(CANONICAL.encode("utf-8")).hexdigest() == CANONICAL_HASH


def test_every_stored_field_but_the_hash_is_covered_by_a_keyed_event():
    event = fixed_event()
    event.key_id = "test-2026"
    covered = set(json.loads(canonical_bytes(event)))
    stored = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert stored - covered == {"hash"}


def test_an_event_from_before_keying_is_serialised_as_it_was_then():
    covered = set(json.loads(canonical_bytes(fixed_event())))
    stored = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert stored - covered == {"hash", "key_id"}


def test_naive_timestamp_is_refused():
    event = fixed_event()
    event.occurred_at = dt.datetime(2019, 5, 31, 9, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_hash(event)


@pytest.mark.django_db
def test_fixed_event_hashes_the_same_after_a_round_trip_through_the_database():
    event = fixed_event()
    event.hash = compute_hash(event)
    event.save()
    stored = AuditEvent.objects.get(sequence=1)
    assert stored.occurred_at == dt.datetime(2019, 5, 31, 8, 30, tzinfo=dt.UTC)
    assert canonical_bytes(stored) == CANONICAL.encode("utf-8")
    assert compute_hash(stored) == stored.hash == CANONICAL_HASH


@pytest.mark.django_db
def test_before_and_after_are_stored_exactly_as_hashed():
    before = {
        "received_on": dt.date(2019, 5, 31),
        "received_at": dt.datetime(2019, 5, 31, 23, 30, 0, 123456, tzinfo=dt.UTC),
        "fee": Decimal("12.50"),
        "document": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "whole_float": 1e20,
        "negative_zero": -0.0,
        "ratio": 0.1,
        "tiny": 1.5e-7,
        "name": "Heddlu Dyfed-Powys — ŵ ŷ",
        "nested": {"b": [1, 2, {"c": None}], "a": True},
        5: "a number as a key",
    }
    expected = {
        "received_on": "2019-05-31",
        "received_at": "2019-05-31T23:30:00.123Z",
        "fee": "12.50",
        "document": "12345678-1234-5678-1234-567812345678",
        "whole_float": 100000000000000000000,
        "negative_zero": 0,
        "ratio": 0.1,
        "tiny": 1.5e-07,
        "name": "Heddlu Dyfed-Powys — ŵ ŷ",
        "nested": {"b": [1, 2, {"c": None}], "a": True},
        "5": "a number as a key",
    }
    event = record_event(action="complaint.edited", before=before, after={"state": "received"})
    stored = AuditEvent.objects.get(sequence=event.sequence)

    # Compared as JSON text, so 1e+20 and 100000000000000000000, or 0.0 and 0, differ.
    as_text = json.dumps(expected, sort_keys=True)
    assert json.dumps(event.before, sort_keys=True) == as_text
    assert json.dumps(stored.before, sort_keys=True) == as_text
    assert stored.after == {"state": "received"}
    assert stored.occurred_at == event.occurred_at
    assert canonical_bytes(stored) == canonical_bytes(event)
    assert compute_hash(stored) == stored.hash == event.hash
