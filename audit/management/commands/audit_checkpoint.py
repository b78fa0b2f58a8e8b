"""``manage.py audit_checkpoint``: verify the trail and write a signed checkpoint of its head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import CheckpointError, write_checkpoint
from audit.selectors import verify_trail


class Command(BaseCommand):
    help = (
        "Check the audit trail and write a signed checkpoint of its head to AUDIT_CHECKPOINT_DIR, "
        "so that events later deleted from the end, or a rewritten trail, are caught by verify_audit. "
        "Run it at least daily (cron), as a user the web process cannot act as."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = write_checkpoint(verify_trail())
        except (CheckpointError, OSError) as exc:
            raise CommandError(f"No checkpoint written: {exc}.", returncode=1) from None
        self.stdout.write(
            f"Checkpoint written: event {checkpoint.sequence}, head {checkpoint.head}, in {checkpoint.path}"
        )
