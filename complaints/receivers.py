"""What complaints do when another app announces a change."""

from __future__ import annotations

import datetime
from typing import Any

from django.dispatch import receiver

from complaints.models import ComplaintState, SuperComplaint
from complaints.services import recompute_deadlines
from deadlines.signals import holiday_calendar_changed


@receiver(holiday_calendar_changed)
def recompute_after_holiday_change(sender: Any, day: datetime.date, **kwargs: Any) -> None:
    """A day became (or stopped being) a bank holiday: re-derive the due dates that may run over it.

    Only running clocks can change: acknowledgements not yet given, and progress reports of
    complaints under investigation. Sent reports and past periods keep their dates.
    """
    running = SuperComplaint.objects.filter(
        state__in=[ComplaintState.RECEIVED, ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING]
    )
    for complaint in running:
        recompute_deadlines(complaint)
