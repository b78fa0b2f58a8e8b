from django.core.management.base import BaseCommand

from alerts.services import send_alerts


class Command(BaseCommand):
    help = (
        "Write to the outbox the e-mail alerts owed to confirmed subscribers: one per event published "
        "since each subscribed. Safe to run twice, or twice at once; run it beside sweep_deadlines."
    )

    def handle(self, *args: object, **options: object) -> None:
        written = send_alerts()
        self.stdout.write(f"{written} alerts written to the outbox.")
