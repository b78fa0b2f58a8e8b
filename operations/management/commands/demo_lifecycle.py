"""Build one demonstration complaint at each stage of the life cycle. Safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.context import SYSTEM, acting_as
from operations.demo import build_demo_investigation_work, build_demo_lifecycle
from organisations.models import Organisation
from themes import embedding


class Command(BaseCommand):
    help = (
        "Build, through the services people use, one demonstration complaint at each stage: received, "
        "assessing, investigating with a progress report sent, report published; on the investigation, a "
        "call for evidence with responses, their themes, a redaction started and a legal hold. Safe to "
        "run twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.exists():
            raise CommandError("The public record is not loaded. Run `manage.py load_public_record` first.")
        with acting_as(SYSTEM):
            built = build_demo_lifecycle()
            work = build_demo_investigation_work()
        if not built and not work:
            self.stdout.write("The demonstration complaints exist already; nothing was created.")
        for complaint in built:
            self.stdout.write(f"{complaint.reference}: {complaint.title} ({complaint.get_state_display()})")
        for line in work:
            self.stdout.write(line)
        if not embedding.available():
            self.stdout.write(
                "Theme grouping is not installed (make install-ml), so the demonstration call's responses "
                "are not grouped into themes; run this again once it is."
            )
