import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.context import SYSTEM, acting_as
from deadlines.models import DeadlineRule
from deadlines.rules import to_london_date
from operations.sweep import sweep_deadlines


class Command(BaseCommand):
    help = (
        "Release reports whose embargo has ended; flag overdue acknowledgements, progress reports and "
        "responses; send reminders, chasers and escalation letters, and mark responses overdue on the "
        "register. Safe to run twice, or twice at once."
    )

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
            counts = sweep_deadlines(on)
        self.stdout.write(
            f"Swept for {on:%-d %B %Y}: newly overdue: {counts[DeadlineRule.ACKNOWLEDGEMENT]} "
            f"acknowledgements, {counts[DeadlineRule.PROGRESS_REPORT]} progress reports, "
            f"{counts[DeadlineRule.RESPONSE]} responses, "
            f"{counts[DeadlineRule.INFORMATION_REQUEST]} information requests; "
            f"information request reminders sent: {counts['information_request_reminders']}, "
            f"chasers sent: {counts['information_request_chasers']}; "
            f"response reminders sent: {counts['response_reminders']}, "
            f"chasers sent: {counts['response_chasers']}, "
            f"letters sent: {counts['response_letters']}, "
            f"marked overdue on the register: {counts['responses_marked_overdue']}; "
            f"factual-accuracy checks closed: {counts['accuracy_checks_closed']}, "
            f"calls for evidence closed: {counts['calls_closed']}."
        )
        if counts["alerts_written"]:
            self.stdout.write(f"E-mail alerts written: {counts['alerts_written']}.")
        if counts["retention_treated"]:
            self.stdout.write(
                f"Records anonymised or deleted under the retention schedule: {counts['retention_treated']}."
            )
        if counts["passage_documents_queued"]:
            self.stdout.write(
                f"Evidence documents queued to have their passages embedded: {counts['passage_documents_queued']}."
            )
        if counts["public_pages_renewed"]:
            self.stdout.write("The public pages' version for the day started, and their warming queued.")
        if counts["reports_released"]:
            self.stdout.write(f"Reports released at the end of their embargo: {counts['reports_released']}.")
