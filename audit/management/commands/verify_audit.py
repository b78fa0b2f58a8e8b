"""``manage.py verify_audit``: prove the audit trail has not been edited, cut or reordered."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import GENESIS
from audit.models import AuditEvent
from audit.selectors import verify_trail


class Command(BaseCommand):
    help = (
        "Walk the audit trail from its first event and check every hash and link. Exits 0 when it "
        "is intact, 1 naming the first bad event otherwise."
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
        self.stdout.write(f"Audit trail intact: {result.count} events, head {result.head}")


def _in_trail(hash_: str) -> bool:
    return AuditEvent.objects.filter(hash=hash_).exists()


def _intact_before(count: int) -> str:
    if count == 0:
        return ""
    if count == 1:
        return " The 1 event before it is intact."
    return f" The {count} events before it are intact."
