from django.conf import settings
from django.core.management.base import BaseCommand

from audit.context import SYSTEM, acting_as
from operations.public_record import load_public_record


class Command(BaseCommand):
    help = (
        "Load the public record shipped with the service. Safe to run again: it applies corrections "
        "to what it loaded before, and never overwrites a value staff have changed."
    )

    def handle(self, *args, **options):
        with acting_as(SYSTEM):
            counts = load_public_record(settings.PUBLIC_RECORD_DIR)
        corrected, kept = counts.pop("corrected", 0), counts.pop("kept", 0)
        created = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)
        self.stdout.write(f"Public record loaded. Created: {created or 'nothing (already loaded)'}.")
        if corrected:
            self.stdout.write(f"Corrected {corrected} field(s) to the current public record.")
        if kept:
            self.stdout.write(
                f"Kept {kept} field(s) that staff have changed, where the public record now differs."
            )
