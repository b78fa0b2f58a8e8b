from django.conf import settings
from django.core.management.base import BaseCommand

from audit.context import SYSTEM, acting_as
from complaints.public_record import load_public_record


class Command(BaseCommand):
    help = "Load the public record shipped with the service. Safe to run again: it never overwrites edits."

    def handle(self, *args, **options):
        with acting_as(SYSTEM):
            counts = load_public_record(settings.PUBLIC_RECORD_DIR)
        created = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)
        self.stdout.write(f"Public record loaded. Created: {created or 'nothing (already loaded)'}.")
