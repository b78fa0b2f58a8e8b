import pytest
from django.contrib.auth.models import Group

from audit.models import AuditEvent
from audit.selectors import chain_head, events_for, verify_trail
from audit.services import record_access, record_event

pytestmark = pytest.mark.django_db


def test_events_for_gives_one_objects_history_oldest_first():
    complaint = Group.objects.create(name="Hestia: modern slavery")
    other = Group.objects.create(name="Centre for Women's Justice: s.47")
    submitted = record_event(action="complaint.submitted", obj=complaint)
    record_event(action="complaint.submitted", obj=other)
    record_event(action="public_record.loaded")
    viewed = record_access(action="document.viewed", obj=complaint)
    acknowledged = record_event(action="complaint.acknowledged", obj=complaint)

    history = events_for(complaint)

    assert [event.sequence for event in history] == [
        submitted.sequence,
        viewed.sequence,
        acknowledged.sequence,
    ]
    assert [event.action for event in history] == [
        "complaint.submitted",
        "document.viewed",
        "complaint.acknowledged",
    ]


def test_chain_head_is_the_latest_event():
    assert chain_head() is None
    record_event(action="complaint.submitted")
    last = record_event(action="complaint.acknowledged")

    head = chain_head()
    assert isinstance(head, AuditEvent)
    assert (head.sequence, head.hash) == (2, last.hash)


def test_verify_trail_counts_and_heads_the_chain():
    events = [record_event(action=f"complaint.step_{n}") for n in range(5)]

    result = verify_trail(chunk_size=2)

    assert result.intact
    assert (result.count, result.head, result.bad_sequence, result.problems) == (5, events[-1].hash, None, ())
