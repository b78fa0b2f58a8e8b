"""Backing up a running service, and restoring it into an empty one.

A backup is a folder:

- ``database.sqlite3`` (SQLite, through SQLite's online backup API) or ``database.pgdump``
  (PostgreSQL, ``pg_dump --format=custom`` of an exported snapshot);
- ``files/``: every stored file (letters, evidence, returns), copied after the database, so each
  file a row names is already there;
- ``checkpoints/``: the signed audit checkpoints, which live outside the database;
- ``manifest.json``: what the backup holds, read from the same snapshot as the database: the row
  count of every table, the audit trail's length and head hash, and the SHA-256 of every file.

``restore`` refuses a database that already has tables and a files folder that is not empty, then
checks what it restored against the manifest: equal row counts, equal file checksums, an intact
audit trail ending at the head the manifest names.

Both run while the service is running: the copy is consistent (one snapshot), and nothing is
locked for longer than SQLite's page copy or a PostgreSQL snapshot export takes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from audit.chain import GENESIS
from audit.selectors import verify_trail

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup or restore cannot go ahead, or what was restored does not match."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    audit_events: int = 0
    audit_head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def file_roots() -> list[Path]:
    """The folders stored files live in (the file-system storages), each backed up whole."""
    roots = [Path(settings.MEDIA_ROOT)]
    storages: dict[str, dict[str, Any]] = getattr(settings, "STORAGES", {})
    for alias, config in storages.items():
        if alias == "staticfiles":
            continue
        options: dict[str, Any] = config.get("OPTIONS") or {}
        location = options.get("location")
        if location and Path(location) not in roots:
            roots.append(Path(location))
    return roots


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for dirpath, _dirs, names in os.walk(root):
        for name in sorted(names):
            yield Path(dirpath) / name


def _tables(cursor: Any) -> list[str]:
    return sorted(connection.introspection.table_names(cursor))


def _counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608  (names from introspection)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit_head(cursor: Any) -> tuple[int, str]:
    cursor.execute('SELECT COUNT(*), MAX("sequence") FROM "audit_auditevent"')
    count, last = cursor.fetchone()
    if not count:
        return 0, GENESIS
    cursor.execute('SELECT "hash" FROM "audit_auditevent" WHERE "sequence" = %s', [last])
    return int(count), str(cursor.fetchone()[0])


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client).")
    return found


def _backup_sqlite(target: Path) -> dict[str, Any]:
    """SQLite's online backup into the folder, then the manifest's figures from that copy."""
    connection.ensure_connection()
    destination = sqlite3.connect(target / "database.sqlite3")
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    copy = sqlite3.connect(target / "database.sqlite3")
    try:
        names = [r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = sorted(n for n in names if not n.startswith("sqlite_"))
        counts = {t: int(copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}  # noqa: S608
        row = copy.execute('SELECT COUNT(*), MAX("sequence") FROM "audit_auditevent"').fetchone()
        head = GENESIS
        if row[0]:
            head = copy.execute(
                'SELECT "hash" FROM "audit_auditevent" WHERE "sequence" = ?', [row[1]]
            ).fetchone()[0]
    finally:
        copy.close()
    return {"tables": counts, "audit": {"events": int(row[0]), "head": head}, "database": "database.sqlite3"}


def _backup_postgresql(target: Path) -> dict[str, Any]:
    """``pg_dump`` of a snapshot exported by a repeatable-read transaction, in which the
    manifest's figures are read too: the dump and the figures describe the same moment."""
    db = connections["default"].settings_dict
    snapshot_connection = connections.create_connection("default")
    try:
        snapshot_connection.ensure_connection()
        raw = snapshot_connection.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            with snapshot_connection.cursor() as django_cursor:
                tables = _tables(django_cursor)
                counts = _counts(django_cursor, tables)
                events, head = _audit_head(django_cursor)
            args, env = _pg_env(db)
            subprocess.run(  # noqa: S603
                [
                    _program("pg_dump"),
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target / 'database.pgdump'}",
                    str(db["NAME"]),
                ],
                check=True,
                env=env,
                capture_output=True,
                timeout=3600,
            )
        raw.rollback()
    except subprocess.CalledProcessError as error:
        raise BackupError(f"pg_dump failed: {error.stderr.decode(errors='replace').strip()}") from None
    finally:
        snapshot_connection.close()
    return {"tables": counts, "audit": {"events": events, "head": head}, "database": "database.pgdump"}


def backup(target: Path) -> dict[str, Any]:
    """Back up the database, the stored files and the audit checkpoints into ``target`` (a new or
    empty folder). Returns the manifest, also written as ``manifest.json``."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new folder.")
    vendor = connection.vendor
    if vendor == "sqlite":
        figures = _backup_sqlite(target)
    elif vendor == "postgresql":
        figures = _backup_postgresql(target)
    else:
        raise BackupError(f"Backing up a {vendor} database is not supported.")
    files: dict[str, str] = {}
    for index, root in enumerate(file_roots()):
        for path in _walk(root):
            relative = f"{index}/{path.relative_to(root).as_posix()}"
            destination = target / "files" / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            files[relative] = _sha256(destination)
    checkpoints = Path(settings.AUDIT_CHECKPOINT_DIR)
    if checkpoints.exists():
        shutil.copytree(checkpoints, target / "checkpoints")
    manifest = {
        "format": FORMAT_VERSION,
        "vendor": vendor,
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **figures,
        "file_roots": [str(root) for root in file_roots()],
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _restore_database(source: Path, manifest: dict[str, Any]) -> None:
    vendor = connection.vendor
    if vendor != manifest["vendor"]:
        raise BackupError(f"The backup is of a {manifest['vendor']} database; this one is {vendor}.")
    with connection.cursor() as cursor:
        if _tables(cursor):
            raise BackupError("The database is not empty: restore only into a new, empty database.")
    if vendor == "sqlite":
        connection.ensure_connection()
        backup_copy = sqlite3.connect(source / manifest["database"])
        try:
            backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()
        return
    db = connection.settings_dict
    args, env = _pg_env(db)
    result = subprocess.run(  # noqa: S603
        [
            _program("pg_restore"),
            *args,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={db['NAME']}",
            str(source / manifest["database"]),
        ],
        env=env,
        capture_output=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()}")


def restore(source: Path) -> RestoreReport:
    """Restore a backup made by ``backup`` into this (empty) database and file folders, then check
    it against the manifest. Raises ``BackupError`` if it cannot start; the report lists every
    difference found afterwards (none, when it worked)."""
    manifest = json.loads((source / MANIFEST).read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    roots = file_roots()
    for root in roots:
        if any(_walk(root)):
            raise BackupError(f"{root} already holds files: restore only into empty folders.")
    _restore_database(source, manifest)
    for relative in manifest["files"]:
        index, _, rest = relative.partition("/")
        destination = roots[int(index)] / rest
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "files" / relative, destination)
    if (source / "checkpoints").exists():
        shutil.copytree(source / "checkpoints", Path(settings.AUDIT_CHECKPOINT_DIR), dirs_exist_ok=True)
    return check_restored(manifest)


def check_restored(manifest: dict[str, Any]) -> RestoreReport:
    """Compare this database and its files with a backup's manifest."""
    report = RestoreReport()
    with connection.cursor() as cursor:
        counts = _counts(cursor, _tables(cursor))
    expected: dict[str, int] = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        if counts.get(table) != expected.get(table):
            report.problems.append(
                f"table {table}: {counts.get(table)} rows, the backup had {expected.get(table)}"
            )
    report.tables, report.rows = len(counts), sum(counts.values())
    roots = file_roots()
    for relative, checksum in manifest["files"].items():
        index, _, rest = relative.partition("/")
        path = roots[int(index)] / rest
        if not path.exists():
            report.problems.append(f"file {rest}: missing")
        elif _sha256(path) != checksum:
            report.problems.append(f"file {rest}: checksum differs")
        else:
            report.files += 1
    verification = verify_trail()
    report.audit_events, report.audit_head = verification.count, verification.head
    if not verification.intact:
        report.problems.append(f"audit trail broken at event {verification.bad_sequence}")
    if verification.head != manifest["audit"]["head"] or verification.count != manifest["audit"]["events"]:
        report.problems.append(
            f"audit trail has {verification.count} events, head {verification.head}; the backup had "
            f"{manifest['audit']['events']}, head {manifest['audit']['head']}"
        )
    return report
