"""Reliability drill: back up a running service and restore it into an empty one.

    .venv/bin/python bench/drill_backup.py [--database sqlite|postgresql] [--writes-during 20]

Builds a service in a temporary folder (its own database, files folder and audit checkpoints): the
public record loaded, some documents stored, a checkpoint written. Starts it (``runserver`` on a
free loopback port) and, while a second process keeps writing (documents stored, each an audit
event) and the server answers requests, runs ``manage.py backup``. Then restores the backup into a
new, empty database and empty folders with ``manage.py restore`` (which compares row counts, file
checksums and the audit chain head with the manifest) and runs ``manage.py verify_audit`` on the
restored copy. Prints one JSON line with what it proved and exits 1 if any step failed.

PostgreSQL: uses the server in ``DRILL_PG_URL`` (default postgres://postgres@127.0.0.1:5432), with
two databases of its own, created and dropped here.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Stores documents (each a file and an audit event) until STOP exists or LIMIT is reached,
# writing how many it has stored to PROGRESS after each.
STORE_DOCUMENTS = """
import pathlib
from django.core.files.uploadedfile import SimpleUploadedFile
from evidence.services import store_document
stop, progress = pathlib.Path(STOP), pathlib.Path(PROGRESS)
n = 0
while n < LIMIT and not stop.exists():
    body = f"Drill document {n}, written at a moment of its own.\\n".encode() * 40
    store_document(SimpleUploadedFile(f"drill-{n}.txt", body, content_type="text/plain"))
    n += 1
    progress.write_text(str(n))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(folder: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(folder / "media"),
            "AUDIT_CHECKPOINT_DIR": str(folder / "checkpoints"),
            "PUBLIC_CACHE_SECONDS": "0",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def _store_documents(env: dict[str, str], folder: Path, limit: int) -> subprocess.Popen[str]:
    code = (
        STORE_DOCUMENTS.replace("STOP", repr(str(folder / "stop")))
        .replace("PROGRESS", repr(str(folder / "progress")))
        .replace("LIMIT", str(limit))
    )
    (folder / "stop").unlink(missing_ok=True)
    (folder / "progress").unlink(missing_ok=True)
    return subprocess.Popen(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _wait_until_written(progress: Path, count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if progress.exists() and int(progress.read_text() or 0) >= count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the writer did not store {count} documents within {seconds} s")


def _pg_databases(base: str, names: list[str], *, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                conn.execute(f'CREATE DATABASE "{name}"')


def drill(database: str, writes_during: int) -> dict[str, object]:
    started = time.monotonic()
    pg_base = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432")
    with tempfile.TemporaryDirectory(prefix="drill-backup-") as tmp:
        folder = Path(tmp)
        source, target = folder / "service", folder / "restored"
        if database == "postgresql":
            names = ["sc_drill_source", "sc_drill_restored"]
            _pg_databases(pg_base, names, create=True)
            source_url, target_url = (f"{pg_base}/{name}" for name in names)
        else:
            source_url = f"sqlite:///{source / 'db.sqlite3'}"
            target_url = f"sqlite:///{target / 'db.sqlite3'}"
        source.mkdir()
        target.mkdir()
        env = _env(source, source_url)
        try:
            _manage(env, "migrate", "--noinput", "-v", "0")
            _manage(env, "load_public_record")
            writer = _store_documents(env, folder, 5)
            writer.communicate(timeout=300)
            _manage(env, "audit_checkpoint")

            port = _free_port()
            server = subprocess.Popen(
                [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                _wait_for(f"http://127.0.0.1:{port}/super-complaints/")
                writer = _store_documents(env, folder, 10_000)
                _wait_until_written(folder / "progress", writes_during)
                backed_up = _manage(env, "backup", "--to", str(folder / "backup"))
                _wait_for(f"http://127.0.0.1:{port}/super-complaints/")  # still serving
                (folder / "stop").touch()
                writer.communicate(timeout=300)
                if writer.returncode != 0:
                    raise RuntimeError("the writer failed during the backup")
            finally:
                server.terminate()
                server.wait(timeout=30)

            restored_env = _env(target, target_url)
            restored = _manage(restored_env, "restore", "--from", str(folder / "backup"))
            verified = _manage(restored_env, "verify_audit")
            manifest = json.loads((folder / "backup" / "manifest.json").read_text())
            source_documents = _manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from evidence.models import Document; print(Document.objects.count())",
            )
        finally:
            if database == "postgresql":
                _pg_databases(pg_base, ["sc_drill_source", "sc_drill_restored"], create=False)
    return {
        "name": "drill_backup_restore",
        "database": database,
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "files": len(manifest["files"]),
        "audit_events": manifest["audit"]["events"],
        "documents_in_backup": manifest["tables"].get("evidence_document"),
        "documents_in_service_after_writes": int(source_documents),
        "backup": backed_up,
        "restore": restored,
        "verify_audit": verified,
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--writes-during",
        type=int,
        default=5,
        help="documents stored before the backup starts, of a writer that goes on",
    )
    options = parser.parse_args()
    try:
        result = drill(options.database, options.writes_during)
    except (RuntimeError, subprocess.SubprocessError) as error:
        print(json.dumps({"name": "drill_backup_restore", "database": options.database, "error": str(error)}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
