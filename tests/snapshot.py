"""The rows a build wrote into an empty database, kept so it can be copied back instead of built again.

The public record is loaded through the services (``tests.builders.ensure_public_record``): about
1,700 queries and over a second of CPU. Every module loads it, and so does every live-server test,
since the database is emptied after each. The rows are the same each time, so the first load in a
test process is watched (``taken``) and each later one copies its rows back (``restore``): a
statement or two per table.

A copy is kept per database and per kind of load, one inside a transaction (a module's, rolled
back after it: its commit callbacks never run) and one committed (a live-server test's: they do),
since the two leave different rows. It is only taken when the build wrote into tables that were
empty, changed no row that was there before and refers to no row outside what it wrote but
content types; and only copied back into tables that are empty. Content types are made again
after each flush, under new ids: the copy's references to them are moved to the new ids; and
PostgreSQL's sequences are moved past the ids copied in. So a copied build is the same rows a new
one would have written (tests/test_snapshot.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction


@dataclasses.dataclass(frozen=True)
class _Table:
    name: str
    # PostgreSQL: the table in COPY's text format, a line a row; SQLite: its rows as the driver gave
    # them. Either way each row's fields are in the table's column order.
    rows: list[Any]
    # The positions of the columns that hold a content type's id.
    content_type_columns: tuple[int, ...]
    # PostgreSQL: the table's sequences, each with the column it numbers.
    sequences: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class _Copy:
    tables: tuple[_Table, ...]
    # The content types the copy refers to, by id, as they were when it was taken.
    content_types: dict[int, tuple[str, str]]


_kept: dict[tuple[object, ...], _Copy] = {}


def _key(name: str) -> tuple[object, ...]:
    return (name, connection.vendor, str(connection.settings_dict["NAME"]), connection.in_atomic_block)


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _contents(cursor: Any, table: str) -> list[str]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    return sorted(map(repr, cursor.fetchall()))


def _references(tables: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Each table's foreign-key columns, with the table each refers to."""
    found: dict[str, list[tuple[str, str]]] = {table: [] for table in tables}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in found:
            found[model._meta.db_table] += [
                (field.column, field.related_model._meta.db_table)
                for field in model._meta.concrete_fields
                if field.is_relation and field.many_to_one
            ]
    return found


def _export(cursor: Any, table: str, content_type_columns: list[str]) -> _Table:
    quoted = connection.ops.quote_name(table)
    cursor.execute(f"SELECT * FROM {quoted} WHERE 1 = 0")
    columns = [column[0] for column in cursor.description]
    positions = tuple(columns.index(column) for column in content_type_columns)
    sequences: tuple[tuple[str, str], ...] = ()
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
            rows: list[Any] = b"".join(bytes(block) for block in copy).splitlines()
        sequences = tuple(
            (sequence["name"], sequence["column"])
            for sequence in connection.introspection.get_sequences(cursor, table)
        )
    else:
        cursor.execute(f"SELECT * FROM {quoted}")
        rows = cursor.fetchall()
    return _Table(table, rows, positions, sequences)


def _sequences_past(cursor: Any, tables: tuple[_Table, ...]) -> None:
    """Move each PostgreSQL sequence of the tables past the ids copied in, never back: a flush that
    restarts them (``flush``'s default, not the one between tests) would otherwise hand them out
    again."""
    moves = [
        (
            f"setval(%s, GREATEST((SELECT MAX({connection.ops.quote_name(column)}) "
            f"FROM {connection.ops.quote_name(table.name)}), pg_sequence_last_value(%s::regclass)))",
            [name, name],
        )
        for table in tables
        if table.rows
        for name, column in table.sequences
    ]
    if moves:
        cursor.execute("SELECT " + ", ".join(sql for sql, _ in moves), [p for _, ps in moves for p in ps])


def _moved(table: _Table, ids: dict[int, int]) -> list[Any]:
    """The table's rows with each content type's id moved to its id now (``ids``: then to now)."""
    if not table.content_type_columns or all(then == now for then, now in ids.items()):
        return table.rows
    postgresql = connection.vendor == "postgresql"
    moved = []
    for row in table.rows:
        fields = row.split(b"\t") if postgresql else list(row)
        for position in table.content_type_columns:
            if postgresql and fields[position] != rb"\N":
                fields[position] = str(ids[int(fields[position])]).encode()
            elif not postgresql and fields[position] is not None:
                fields[position] = ids[fields[position]]
        moved.append(b"\t".join(fields) if postgresql else tuple(fields))
    return moved


def _import(cursor: Any, table: _Table, rows: list[Any]) -> None:
    quoted = connection.ops.quote_name(table.name)
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
            copy.write(b"\n".join(rows) + b"\n")
    else:
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {quoted} VALUES ({marks})", rows)


def _content_types() -> dict[int, tuple[str, str]]:
    return {
        pk: (app, model) for pk, app, model in ContentType.objects.values_list("pk", "app_label", "model")
    }


@contextlib.contextmanager
def taken(name: str) -> Iterator[None]:
    """Keep, as ``name``, the rows the block writes, unless kept already or they cannot be copied
    back as they are (see above)."""
    key = _key(name)
    if key in _kept:
        yield
        return
    with connection.cursor() as cursor:
        before = {table: _contents(cursor, table) for table in _tables()}
    yield
    with connection.cursor() as cursor:
        after = {table: _contents(cursor, table) for table in _tables()}
        changed = [table for table, rows in after.items() if rows != before.get(table, [])]
        if any(before.get(table) for table in changed):
            return
        content_types = ContentType._meta.db_table
        references = _references(changed)
        for table in changed:
            for column, target in references[table]:
                if target in changed or target == content_types:
                    continue
                cursor.execute(
                    f"SELECT 1 FROM {connection.ops.quote_name(table)} "
                    f"WHERE {connection.ops.quote_name(column)} IS NOT NULL LIMIT 1"
                )
                if cursor.fetchone():
                    return
        _kept[key] = _Copy(
            tables=tuple(
                _export(cursor, table, [c for c, target in references[table] if target == content_types])
                for table in changed
            ),
            content_types=_content_types(),
        )


def restore(name: str) -> bool:
    """Copy the rows kept as ``name`` back, in one transaction; False, with nothing written, when
    none are kept for this database and kind of load or any of their tables has rows."""
    kept = _kept.get(_key(name))
    if kept is None:
        return False
    with connection.cursor() as cursor:
        occupied = " OR ".join(
            f"EXISTS (SELECT 1 FROM {connection.ops.quote_name(t.name)})" for t in kept.tables
        )
        cursor.execute(f"SELECT {occupied or 'FALSE'}")
        if cursor.fetchone()[0]:
            return False
        now = {natural: pk for pk, natural in _content_types().items()}
        ids = {then: now[natural] for then, natural in kept.content_types.items() if natural in now}
        # Every foreign key is deferred (Django makes them so), so the order does not matter.
        with transaction.atomic():
            for table in kept.tables:
                _import(cursor, table, _moved(table, ids))
            _sequences_past(cursor, kept.tables)
    return True
