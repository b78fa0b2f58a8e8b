"""What the drills share: a service of their own in a temporary folder, run through manage.py
in separate processes, on the loopback address only."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BASE = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a service whose database, files and checkpoints are its own."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(folder / "media"),
            "DOCUMENT_ROOT": str(folder / "documents"),
            "AUDIT_CHECKPOINT_DIR": str(folder / "checkpoints"),
            "PUBLIC_CACHE_SECONDS": "0",
            **extra,
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def pg_databases(names: list[str], *, create: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                conn.execute(f'CREATE DATABASE "{name}"')


def get_counting_queries(client: Any, path: str) -> tuple[int, int]:
    """One GET through Django's test client: its status and how many queries it made."""
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(path).status_code
    return status, len(queries)


@contextlib.contextmanager
def migrated_database(database: str, kind: str, *, prefix: str) -> Iterator[dict[str, str]]:
    """The environment of a new database holding the public record: a SQLite file in a temporary
    folder, or the PostgreSQL database ``database`` (``kind`` "postgresql"), dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        if kind == "postgresql":
            pg_databases([database], create=True)
            url = f"{PG_BASE}/{database}"
        else:
            url = f"sqlite:///{folder / 'db.sqlite3'}"
        env = service_env(folder, url)
        try:
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_public_record")
            yield env
        finally:
            if kind == "postgresql":
                pg_databases([database], create=False)
