from django.core.management.base import BaseCommand

from outbox.services import send_due_messages


class Command(BaseCommand):
    help = (
        "Send every message in the outbox that is due: any the worker was not asked about and "
        "retries whose time has come. Safe to run from cron, twice, or twice at once."
    )

    def handle(self, *args, **options):
        result = send_due_messages()
        self.stdout.write(
            f"Sent {result.sent}, waiting to retry {result.retrying}, failed {result.failed}, "
            f"taken back from a stopped worker {result.reclaimed}."
        )
