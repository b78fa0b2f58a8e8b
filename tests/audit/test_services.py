import threading
import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from audit.chain import GENESIS, compute_hash
from audit.context import Actor, acting_as
from audit.middleware import RequestIdMiddleware
from audit.models import AuditEvent
from audit.services import record_access, record_event, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return Group.objects.create(name="Super-complaints team")


def test_first_event_starts_the_chain(group):
    event = record_event(action="complaint.submitted", obj=group, after={"state": "received"})

    stored = AuditEvent.objects.get()
    assert stored.sequence == event.sequence == 1
    assert stored.prev_hash == GENESIS
    assert stored.hash == compute_hash(stored)
    assert len(stored.hash) == 64
    assert stored.kind == "change"
    assert stored.action == "complaint.submitted"
    assert (stored.object_type, stored.object_id, stored.object_repr) == (
        "auth.group",
        str(group.pk),
        "Super-complaints team",
    )
    assert stored.before is None
    assert stored.after == {"state": "received"}


def test_each_event_links_to_the_one_before(group):
    events = [record_event(action=f"complaint.step_{n}", obj=group) for n in range(3)]

    stored = list(AuditEvent.objects.order_by("sequence"))
    assert [event.sequence for event in stored] == [1, 2, 3]
    assert [event.prev_hash for event in stored] == [GENESIS, events[0].hash, events[1].hash]
    assert [event.hash for event in stored] == [event.hash for event in events]
    assert stored[0].occurred_at <= stored[1].occurred_at <= stored[2].occurred_at


def test_two_transactions_one_after_the_other_each_link_to_the_last_event():
    with transaction.atomic():
        first = record_event(action="complaint.submitted")
    with transaction.atomic():
        second = record_event(action="complaint.acknowledged")

    assert (first.sequence, second.sequence) == (1, 2)
    assert second.prev_hash == first.hash


def test_event_is_part_of_the_callers_transaction(group):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        record_event(action="complaint.submitted", obj=group)
        raise Refused

    assert AuditEvent.objects.count() == 0
    event = record_event(action="complaint.submitted", obj=group)
    assert (event.sequence, event.prev_hash) == (1, GENESIS)


def test_event_about_the_service_as_a_whole_names_no_object():
    event = record_event(action="public_record.loaded", after={"complaints": 7})

    assert (event.object_type, event.object_id, event.object_repr) == ("", "", "")
    assert AuditEvent.objects.get().after == {"complaints": 7}


def test_actor_and_request_id_come_from_the_context(group):
    user = User.objects.create_user("Policy@Hestia.org")
    actor = Actor(user=user, label="policy@hestia.org", organisation_id=41, organisation_label="Hestia")

    with acting_as(actor, request_id="req-20190531"):
        event = record_event(action="complaint.submitted", obj=group)

    stored = AuditEvent.objects.get(sequence=event.sequence)
    assert stored.actor_id == user.pk
    assert stored.actor_label == "policy@hestia.org"
    assert stored.organisation_id == 41
    assert stored.organisation_label == "Hestia"
    assert stored.request_id == "req-20190531"


def test_without_a_context_the_system_acts_with_no_request_id():
    event = record_event(action="deadlines.swept")

    assert (event.actor_id, event.actor_label, event.organisation_id, event.organisation_label) == (
        None,
        "system",
        None,
        "",
    )
    assert event.request_id == ""


def test_an_explicit_actor_wins_over_the_context():
    with acting_as(Actor(label="someone else"), request_id="req-1"):
        event = record_event(action="complaint.withdrawn", actor=Actor(label="Hestia (by letter)"))

    assert event.actor_label == "Hestia (by letter)"
    assert event.request_id == "req-1"


def test_request_middleware_gives_the_event_its_request_id_and_signed_in_user():
    user = User.objects.create_user("caseworker@hmicfrs.example")
    recorded = {}

    def view(request):
        recorded["event"] = record_event(action="complaint.viewed_list")
        return HttpResponse("ok")

    request = RequestFactory().get("/casework/")
    request.user = user
    response = RequestIdMiddleware(view)(request)

    event = recorded["event"]
    assert event.request_id == response["X-Request-ID"] == request.request_id
    assert len(event.request_id) == 32
    assert (event.actor_id, event.actor_label, event.organisation_id) == (
        user.pk,
        "caseworker@hmicfrs.example",
        None,
    )


def test_access_to_sensitive_material_is_recorded_as_access(group):
    with acting_as(Actor(label="caseworker@hmicfrs.example"), request_id="req-9"):
        event = record_access(action="document.viewed", obj=group)

    stored = AuditEvent.objects.get()
    assert stored.kind == AuditEvent.Kind.ACCESS == "access"
    assert stored.action == "document.viewed"
    assert (stored.before, stored.after) == (None, None)
    assert (stored.actor_label, stored.request_id) == ("caseworker@hmicfrs.example", "req-9")
    assert stored.hash == event.hash == compute_hash(stored)


def test_over_long_labels_are_cut_to_fit_before_hashing(group):
    group.name = "G" * 150
    group.save()
    actor = Actor(label="a" * 300, organisation_label="o" * 300)

    event = record_event(action="complaint.submitted", obj=group, actor=actor)

    stored = AuditEvent.objects.get()
    assert stored.actor_label == "a" * 254
    assert stored.organisation_label == "o" * 255
    assert stored.object_repr == "G" * 150
    assert stored.hash == event.hash == compute_hash(stored)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"action": "submitted"}, ValueError, "dotted code"),
        ({"action": ""}, ValueError, "dotted code"),
        ({"action": "complaint.submitted", "kind": "read"}, ValueError, "unknown audit event kind"),
        ({"action": "complaint.submitted", "before": ["state"]}, TypeError, "must be dicts, not list"),
        (
            {"action": "complaint.submitted", "after": {"score": float("nan")}},
            ValueError,
            "Out of range float",
        ),
    ],
)
def test_malformed_events_are_refused_and_nothing_is_written(kwargs, error, message):
    with pytest.raises(error, match=message):
        record_event(**kwargs)
    assert AuditEvent.objects.count() == 0


def test_an_unsaved_object_is_refused():
    with pytest.raises(ValueError, match="saved object"):
        record_event(action="complaint.submitted", obj=Group(name="unsaved"))
    assert AuditEvent.objects.count() == 0


def test_access_must_name_what_was_accessed():
    with pytest.raises(ValueError, match="must name what was accessed"):
        record_access(action="document.viewed", obj=None)


def test_snapshot_gives_json_values_keys_for_relations_and_sorted_many_to_many():
    user = User.objects.create_user("responder@force.example")
    editors = Group.objects.create(name="Editors")
    readers = Group.objects.create(name="Readers")
    user.groups.set([readers, editors])
    user.date_joined = user.date_joined.replace(2024, 9, 27, 14, 5, 6, 789123)
    user.save()
    permission = Permission.objects.get(codename="view_auditevent")

    assert snapshot(user, ["email", "is_staff", "date_joined", "last_login", "groups"]) == {
        "email": "responder@force.example",
        "is_staff": False,
        "date_joined": user.date_joined.isoformat()[:23] + "Z",
        "last_login": None,
        "groups": sorted([editors.pk, readers.pk]),
    }
    assert snapshot(permission, ["codename", "content_type"]) == {
        "codename": "view_auditevent",
        "content_type": permission.content_type_id,
    }


def test_snapshot_refuses_a_name_that_is_not_a_stored_field():
    user = User.objects.create_user("responder@force.example")

    with pytest.raises(FieldDoesNotExist):
        snapshot(user, ["emial"])
    with pytest.raises(ValueError, match="not a stored field"):
        snapshot(user, ["memberships"])


def test_model_dicts_with_related_objects_and_files_can_be_recorded(group):
    file = FieldFile(instance=group, field=models.FileField(), name="evidence/2019/annex-a.pdf")

    class Month:
        def isoformat(self):
            return "2019-05"

    event = record_event(
        action="document.replaced",
        obj=group,
        before={"file": file, "groups": [group], "tags": {"b", "a"}, "ids": {10, 2}, "published": Month()},
    )
    assert event.before == {
        "file": "evidence/2019/annex-a.pdf",
        "groups": [group.pk],
        "tags": ["a", "b"],
        "ids": [2, 10],
        "published": "2019-05",
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own serialisation setting")
def test_sqlite_transactions_take_the_write_lock_before_reading_the_chain_head():
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections waiting on each other need a server database; SQLite is covered above",
)
def test_a_second_writer_waits_for_the_first_to_commit_and_then_links_to_its_event():
    first_recorded = threading.Event()
    release_first = threading.Event()
    results: dict[str, object] = {}

    def in_thread(name, work):
        def run():
            try:
                results[name] = work()
            except Exception as exc:  # reported by the assertions below
                results[name] = exc
            finally:
                connection.close()

        return threading.Thread(target=run)

    def first():
        with transaction.atomic():
            event = record_event(action="complaint.submitted")
            first_recorded.set()
            release_first.wait(10)
        return event

    def second():
        return record_event(action="complaint.acknowledged")

    first_thread = in_thread("first", first)
    second_thread = in_thread("second", second)
    first_thread.start()
    assert first_recorded.wait(10)
    second_thread.start()
    try:
        waiting = 0
        for _ in range(100):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                waiting = cursor.fetchone()[0]
            if waiting:
                break
            time.sleep(0.05)
        assert waiting == 1
        assert "second" not in results
    finally:
        release_first.set()
        first_thread.join(10)
        second_thread.join(10)

    first_event, second_event = results["first"], results["second"]
    assert isinstance(first_event, AuditEvent), first_event
    assert isinstance(second_event, AuditEvent), second_event
    assert (first_event.sequence, second_event.sequence) == (1, 2)
    assert second_event.prev_hash == first_event.hash
    assert list(AuditEvent.objects.values_list("sequence", "prev_hash")) == [
        (1, GENESIS),
        (2, first_event.hash),
    ]


def test_the_database_refuses_a_second_event_at_the_same_position():
    event = record_event(action="complaint.submitted")
    duplicate = AuditEvent(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        action="complaint.forged",
        prev_hash=GENESIS,
        hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
