import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.context import SYSTEM, acting_as
from deadlines.rules import to_london_date
from operations.retention import apply_retention, plan


class Command(BaseCommand):
    help = (
        "Anonymise or delete the records whose retention period has ended, except those under a legal "
        "hold; never anything the public register shows. Safe to run twice, or twice at once. The "
        "daily deadline sweep runs it too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", help="The day to apply the schedule for (YYYY-MM-DD); today in London by default."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done, and change nothing."
        )

    def handle(self, *args, **options):
        try:
            on = (
                datetime.date.fromisoformat(options["on"])
                if options["on"]
                else to_london_date(timezone.now())
            )
        except ValueError:
            raise CommandError(f"--on {options['on']!r} is not a date: use YYYY-MM-DD.") from None
        if options["dry_run"]:
            for planned in plan(on):
                self.stdout.write(
                    f"{planned.rule.key}: {planned.due - planned.held} would be treated "
                    f"({planned.rule.action}), {planned.held} held."
                )
            return
        with acting_as(SYSTEM):
            counts = apply_retention(on)
        treated = ", ".join(f"{key} {count}" for key, count in counts.items())
        self.stdout.write(f"Retention applied for {on:%-d %B %Y}: {treated}.")
