"""Scan again every document kept while clamd was unreachable (run from cron beside the sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidence.services import scan_pending_documents


class Command(BaseCommand):
    help = "Scan again the documents waiting for a virus scan; release the clean ones. Safe to run twice at once."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = scan_pending_documents()
        self.stdout.write(
            f"{counts['clean']} released, {counts['infected']} infected and removed, {counts['pending']} still pending"
        )
