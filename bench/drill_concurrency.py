"""Reliability drill: pairs of people saving the same record at the same moment lose nothing.

    .venv/bin/python bench/drill_concurrency.py [--database sqlite|postgresql] [--pairs 100]

Builds a service in a temporary database of its own (a SQLite file, or a new PostgreSQL database
on the server in ``DRILL_PG_URL``, default postgres://postgres@127.0.0.1:5432, dropped at the end),
loads the public record, and then, for each of two records, runs ``--pairs`` rounds in which two
threads, each with its own database connection, read the same version and save different text at
the same moment (a barrier releases both):

- a designated body's draft super-complaint (``complaints.drafts.update_about``);
- a progress report being drafted by the authorities (``save_progress_report_draft``).

In every round exactly one save must win and the other must be refused with the message the page
shows (``StaleEdit``): a lost update is a round where both "won" or the stored text is not the
winner's. Prints one JSON line per record and exits 1 if any round lost an update or failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database: str, folder: Path) -> str | None:
    """Point Django at a new database and migrate it; returns the PostgreSQL name to drop."""
    name = None
    if database == "postgresql":
        import psycopg

        base = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432")
        name = "sc_drill_concurrency"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["AUDIT_CHECKPOINT_DIR"] = str(folder / "checkpoints")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_public_record", verbosity=0)
    return name


def _drop(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = os.environ.get("DRILL_PG_URL", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _race(save: Any, version: int, texts: tuple[str, str]) -> list[tuple[str, str]]:
    """Two threads save ``texts`` from the same ``version`` at once; returns each one's outcome."""
    from django.db import connections

    from complaints.services import StaleEdit

    barrier = threading.Barrier(2)
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def run(text: str) -> None:
        try:
            barrier.wait(timeout=30)
            save(text, version)
            outcome = ("saved", text)
        except StaleEdit as refused:
            outcome = ("refused", str(refused))
        except Exception as error:  # reported as a failed round, never hidden
            outcome = ("error", f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _rounds(name: str, pairs: int, save: Any, read: Any) -> dict[str, Any]:
    """``pairs`` races on one record; ``read()`` gives (version, stored text)."""
    lost = errors = told = 0
    started = time.monotonic()
    messages: set[str] = set()
    for n in range(pairs):
        version, _text = read()
        outcomes = _race(save, version, (f"{name} round {n}: first", f"{name} round {n}: second"))
        saved = [text for kind, text in outcomes if kind == "saved"]
        refused = [text for kind, text in outcomes if kind == "refused"]
        errors += sum(1 for kind, _ in outcomes if kind == "error")
        new_version, stored = read()
        if len(saved) != 1 or stored != saved[0] or new_version != version + 1:
            lost += 1
        told += len(refused)
        messages.update(refused)
    return {
        "name": "drill_concurrent_edits",
        "record": name,
        "pairs": pairs,
        "lost_updates": lost,
        "second_writers_told": told,
        "errors": errors,
        "messages": sorted(messages),
        "seconds": round(time.monotonic() - started, 1),
    }


def drill(database: str, pairs: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="drill-concurrency-") as tmp:
        dropped = _setup(database, Path(tmp))
        try:
            from accounts.models import User
            from complaints import drafts
            from complaints.models import ProgressReport, SuperComplaint
            from complaints.services import save_progress_report_draft, start_investigation
            from organisations.models import Organisation
            from tests.builders import eligible, london

            body = Organisation.objects.get(name="Hestia")
            author = User.objects.create_user(email="drill@example.org", password=None)
            draft = drafts.create_draft(body, author)

            def save_draft(text: str, version: int) -> None:
                drafts.update_about(
                    SuperComplaint.objects.get(pk=draft.pk),
                    title=text,
                    subject="A drill",
                    harm_explanation="None: a drill",
                    expected_version=version,
                )

            def read_draft() -> tuple[int, str]:
                row = SuperComplaint.objects.get(pk=draft.pk)
                return row.version, row.title

            complaint = eligible("Concurrency drill", told=london(2026, 11, 2, 10))
            complaint = start_investigation(
                complaint, lead_authority=Organisation.objects.get(short_name="HMICFRS")
            )
            report = ProgressReport.objects.get(complaint=complaint, period=1)

            def save_report(text: str, version: int) -> None:
                save_progress_report_draft(
                    ProgressReport.objects.get(pk=report.pk),
                    steps_taken=text,
                    steps_proposed="Next steps",
                    expected_version=version,
                )

            def read_report() -> tuple[int, str]:
                row = ProgressReport.objects.get(pk=report.pk)
                return row.version, row.steps_taken

            return [
                _rounds("draft super-complaint", pairs, save_draft, read_draft),
                _rounds("progress report", pairs, save_report, read_report),
            ]
        finally:
            if dropped:
                _drop(dropped)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pairs", type=int, default=100)
    options = parser.parse_args()
    results = drill(options.database, options.pairs)
    for result in results:
        print(json.dumps({"database": options.database, **result}))
    return 0 if all(r["lost_updates"] == 0 and r["errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
