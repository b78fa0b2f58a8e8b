"""``manage.py restore --from DIR``: restore a backup into an empty database and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and empty file folders, "
        "then prove it: equal row counts, equal file checksums, an intact audit trail with the same "
        "head. Exits 1 if anything differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path, help="a backup folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(options["source"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not report.ok:
            raise CommandError(
                "Restored, but it differs from the backup: " + "; ".join(report.problems), returncode=1
            )
        self.stdout.write(
            f"Restored and checked: {report.tables} tables with {report.rows} rows as in the backup, "
            f"{report.files} files with equal checksums, audit trail intact ({report.audit_events} events, "
            f"head {report.audit_head})."
        )
