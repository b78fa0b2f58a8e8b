"""``manage.py verify_audit``: prove the audit trail has not been edited, cut or reordered."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import GENESIS
from audit.checkpoints import CheckpointError, checkpoint_dir, compare_with_checkpoint, latest_checkpoint
from audit.models import AuditEvent
from audit.selectors import verify_trail


class Command(BaseCommand):
    help = (
        "Walk the audit trail from its first event and check every hash and link, then check it "
        "against the latest signed checkpoint. Exits 0 when it is intact, 1 naming the first bad "
        "event, or the events deleted from the end, otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help=(
                "a head hash noted earlier (printed by a previous run): fail unless it is still in the "
                "trail, which catches events removed from the end"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_trail()
        if not result.intact:
            raise CommandError(
                f"Audit trail broken at event {result.bad_sequence}: {'; '.join(result.problems)}."
                + _intact_before(result.count),
                returncode=1,
            )
        expected = (options.get("expect_head") or "").lower()
        if expected and not re.fullmatch(r"[0-9a-f]{64}", expected):
            raise CommandError(f"--expect-head {expected!r} is not a SHA-256 hash (64 hexadecimal digits).")
        if expected and expected not in (result.head, GENESIS) and not _in_trail(expected):
            raise CommandError(
                f"Audit trail cut short: head {expected} noted earlier is no longer in the trail (events "
                f"after it were deleted, or the trail was rewritten). It now has {result.count} events, "
                f"head {result.head}.",
                returncode=1,
            )
        self._check_against_checkpoint(result.count)
        self.stdout.write(f"Audit trail intact: {result.count} events, head {result.head}")

    def _check_against_checkpoint(self, count: int) -> None:
        try:
            checkpoint = latest_checkpoint()
        except CheckpointError as exc:
            raise CommandError(f"Audit checkpoints not trustworthy: {exc}.", returncode=1) from None
        if checkpoint is None:
            self.stderr.write(
                f"No audit checkpoint in {checkpoint_dir()}: events deleted from the end cannot be "
                "detected. Run manage.py audit_checkpoint daily."
            )
            return
        hash_at = (
            AuditEvent.objects.filter(sequence=checkpoint.sequence).values_list("hash", flat=True).first()
        )
        problem = compare_with_checkpoint(checkpoint, count=count, hash_at=hash_at)
        if problem:
            raise CommandError(f"Audit trail does not match its checkpoint: {problem}.", returncode=1)


def _in_trail(hash_: str) -> bool:
    return AuditEvent.objects.filter(hash=hash_).exists()


def _intact_before(count: int) -> str:
    if count == 0:
        return ""
    if count == 1:
        return " The 1 event before it is intact."
    return f" The {count} events before it are intact."
