"""Test support: lift the audit trail's append-only triggers inside one transaction.

The triggers (audit migration 0002) refuse DELETE and TRUNCATE, which is what Django's ``flush``
runs between ``transactional_db`` and ``live_server`` tests. ``audit_trail_flushable`` (used from
tests/conftest.py for the whole session) wraps every flush so that, in the same transaction, the
triggers are switched off, the tables emptied and the triggers switched back on: a failed flush
rolls back with them still in place. Production code never loads this module, and nothing in the
triggers themselves knows about tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.operations import BaseDatabaseOperations

TABLE = "audit_auditevent"
ORIGINAL_EXECUTE_SQL_FLUSH = BaseDatabaseOperations.execute_sql_flush


@contextlib.contextmanager
def append_only_guard_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Within one transaction (or savepoint): triggers off, run the block, triggers back on."""
    with transaction.atomic(using=connection.alias):
        restore = _lift(connection)
        yield
        restore()


def _lift(connection: BaseDatabaseWrapper) -> Callable[[], None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
            if not cursor.fetchone()[0]:
                return lambda: None
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")

            def restore() -> None:
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")

            return restore
        if connection.vendor == "sqlite":
            # SQLite cannot switch a trigger off: keep each one's own CREATE statement, drop it and
            # create it again afterwards, so the migration stays the only definition.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")

            def recreate() -> None:
                with connection.cursor() as cursor:
                    for _name, sql in triggers:
                        cursor.execute(sql)

            return recreate
    raise RuntimeError(f"no append-only triggers for {connection.vendor}")


def _execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
    with append_only_guard_lifted(self.connection):
        ORIGINAL_EXECUTE_SQL_FLUSH(self, sql_list)


@pytest.fixture(scope="session", autouse=True)
def audit_trail_flushable() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", _execute_sql_flush)
        yield


def tamper(sql: str, params: list[object] | None = None) -> None:
    """Run raw SQL on the audit table with its triggers lifted, as someone with database access could."""
    connection = connections["default"]
    with append_only_guard_lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)
