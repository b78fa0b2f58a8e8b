import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.context import SYSTEM, acting_as
from complaints.services import flag_overdue
from deadlines.rules import to_london_date
from recommendations.services import flag_overdue_obligations


class Command(BaseCommand):
    help = "Flag overdue acknowledgements, progress reports and responses. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="The day to sweep for (YYYY-MM-DD); today in London by default.")

    def handle(self, *args, **options):
        try:
            on = (
                datetime.date.fromisoformat(options["on"])
                if options["on"]
                else to_london_date(timezone.now())
            )
        except ValueError:
            raise CommandError(f"--on {options['on']!r} is not a date: use YYYY-MM-DD.") from None
        with acting_as(SYSTEM):
            counts = flag_overdue(on)
            counts["obligations"] = flag_overdue_obligations(on)
        self.stdout.write(
            f"Swept for {on:%-d %B %Y}: newly overdue: {counts['acknowledgements']} acknowledgements, "
            f"{counts['progress_reports']} progress reports, {counts['obligations']} responses."
        )
