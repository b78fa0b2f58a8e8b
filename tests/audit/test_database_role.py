"""The web process's database role (docs/operations.md) may append to the audit trail but cannot
alter the table, switch its triggers off, or change and remove rows. PostgreSQL only: SQLite has no
roles."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.services import record_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"),
]

ROLE = "sc_web_audit_test"


def as_web_role(sql, params=None):
    """Run ``sql`` as the web role, in a savepoint so a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
        cursor.execute(sql, params)


@pytest.fixture
def web_role():
    # Created inside the test's transaction, so it is gone again when the test rolls back. These are
    # the grants docs/operations.md gives the web process's role on the audit table.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT ON audit_auditevent TO {ROLE}")
    return ROLE


def test_web_role_may_append_to_the_trail(web_role):
    event = record_event(action="complaint.submitted")
    as_web_role(
        "INSERT INTO audit_auditevent (sequence, occurred_at, kind, action, actor_label, organisation_label,"
        " object_type, object_id, object_repr, request_id, prev_hash, hash, key_id)"
        " VALUES (%s, now(), 'change', 'complaint.acknowledged', '', '', '', '', '', '', %s, %s, 'x')",
        [event.sequence + 1, event.hash, "f" * 64],
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == 2


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_refuse_update_delete",
        "ALTER TABLE audit_auditevent ADD COLUMN note text",
        "DROP TRIGGER audit_event_refuse_update_delete ON audit_auditevent",
        "DROP TABLE audit_auditevent",
    ],
)
def test_web_role_may_not_alter_the_table_or_its_triggers(web_role, sql):
    with pytest.raises(DatabaseError, match=r"must be owner of (table|relation) audit_auditevent"):
        as_web_role(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'complaint.forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_web_role_may_not_change_or_remove_events(web_role, sql):
    record_event(action="complaint.submitted")
    with pytest.raises(DatabaseError, match="permission denied for table audit_auditevent"):
        as_web_role(sql)
