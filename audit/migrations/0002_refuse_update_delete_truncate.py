"""Make the database itself refuse UPDATE, DELETE and TRUNCATE on the audit trail.

The ORM refuses too, but raw SQL, a shell or another program would not go through it. The error
is an integrity error on both databases (SQLSTATE 23001 restrict_violation on PostgreSQL, a
constraint failure from RAISE(ABORT) on SQLite).

SQLite drops a table's triggers when Django rebuilds the table, which it does for most ALTERs: a
later migration that alters audit_auditevent on SQLite must create these triggers again.
tests/audit/test_triggers.py fails if they are missing.
"""

from django.db import migrations

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER audit_event_refuse_update_delete
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_event_refuse_truncate
        BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_refuse_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_refuse_update_delete ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

# SQLite has no TRUNCATE: DELETE without WHERE runs row by row (its truncate shortcut is off when
# the table has triggers), so the DELETE trigger covers it.
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_event_refuse_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused on {TABLE}'); END
    """,
    f"""
    CREATE TRIGGER audit_event_refuse_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused on {TABLE}'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_refuse_update",
    "DROP TRIGGER IF EXISTS audit_event_refuse_delete",
]


def _statements(vendor, *, create):
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise RuntimeError(f"The audit trail's append-only triggers exist for PostgreSQL and SQLite, not {vendor}.")


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
