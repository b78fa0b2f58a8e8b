"""Extract the text of every released document that has none yet (cron, beside scan_documents):
catches documents stored before extraction existed, or whose task was lost."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidence.services import extract_pending_texts


class Command(BaseCommand):
    help = "Extract text for search from released documents not yet extracted. Safe to run twice at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="At most this many documents.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = extract_pending_texts(limit=options["limit"])
        summary = (
            ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "nothing to do"
        )
        self.stdout.write(summary)
