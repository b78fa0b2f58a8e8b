"""The database itself keeps the trail append-only, whatever route a change takes."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from audit.models import AppendOnlyError, AuditEvent
from audit.services import record_event
from tests.audit.guard import ORIGINAL_EXECUTE_SQL_FLUSH

EMPTY_TABLE = (
    "TRUNCATE audit_auditevent" if connection.vendor == "postgresql" else "DELETE FROM audit_auditevent"
)


def run_raw(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def events():
    return [record_event(action=f"complaint.step_{n}") for n in range(3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE audit_auditevent SET action = 'complaint.forged' WHERE sequence = 2", "UPDATE"),
        ("UPDATE audit_auditevent SET sequence = sequence + 10", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE sequence = 3", "DELETE"),
        ("DELETE FROM audit_auditevent", "DELETE"),
        (EMPTY_TABLE, "TRUNCATE" if connection.vendor == "postgresql" else "DELETE"),
    ],
)
def test_database_refuses_raw_sql_that_changes_or_removes_events(events, sql, operation):
    with pytest.raises(
        IntegrityError, match=f"audit events are append-only: {operation} refused on audit_auditevent"
    ):
        run_raw(sql)

    stored = list(AuditEvent.objects.order_by("sequence").values_list("sequence", "action", "hash"))
    assert stored == [(e.sequence, e.action, e.hash) for e in events]


@pytest.mark.django_db
def test_orm_refuses_to_change_or_remove_events(events):
    event = AuditEvent.objects.get(sequence=2)
    event.action = "complaint.forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(sequence=2).update(action="complaint.forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(sequence=2).action == "complaint.step_1"


@pytest.mark.django_db(transaction=True)
def test_test_flush_empties_the_trail_and_leaves_the_triggers_in_place(events):
    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    record_event(action="complaint.submitted")
    with pytest.raises(IntegrityError, match="append-only"):
        run_raw("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_flush_outside_the_test_suite_is_refused(events, monkeypatch):
    monkeypatch.setattr(BaseDatabaseOperations, "execute_sql_flush", ORIGINAL_EXECUTE_SQL_FLUSH)

    with pytest.raises(CommandError, match="couldn't be flushed") as refused:
        call_command("flush", interactive=False, verbosity=0)

    assert "audit events are append-only" in str(refused.value.__cause__)
    assert AuditEvent.objects.count() == 3
