"""``manage.py backup --to DIR``: back up the running service (see operations/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (one consistent snapshot), the stored files and the audit checkpoints "
        "into a new folder, with a manifest of row counts, file checksums and the audit chain head."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["to"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({sum(manifest['tables'].values())} rows), "
            f"{len(manifest['files'])} files and an audit trail of {manifest['audit']['events']} events, "
            f"head {manifest['audit']['head']}, into {options['to']}"
        )
