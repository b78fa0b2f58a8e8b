"""Writes to the holiday-override table: the only writes the deadlines app makes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from audit.services import record_event
from deadlines.models import HolidayOverride
from deadlines.signals import holiday_calendar_changed


def _as_record(override: HolidayOverride) -> dict[str, Any]:
    return {
        "date": override.date.isoformat(),
        "action": override.action,
        "name": override.name,
        "reason": override.reason,
    }


def _announce(day: datetime.date) -> None:
    transaction.on_commit(lambda: holiday_calendar_changed.send(sender=HolidayOverride, day=day))


def record_holiday_override(*, day: datetime.date, action: str, name: str, reason: str) -> HolidayOverride:
    """Record that a day has been proclaimed a bank holiday (``add``) or has stopped being one
    (``remove``), so that working days follow the law before the ``holidays`` package does.

    SI 2018/748 reg 2: a working day excludes bank holidays in England and Wales under the Banking
    and Financial Dealings Act 1971, which includes days appointed by proclamation under s.1(3).

    Side effects: creates one ``HolidayOverride`` (validated by ``HolidayOverride.clean``; raises
    ``ValidationError`` if invalid or if another override exists for the day); records the audit
    event ``holiday_override.recorded``; after commit, sends ``holiday_calendar_changed``.
    Recording the same override twice does nothing the second time.
    """
    with transaction.atomic():
        existing = HolidayOverride.objects.select_for_update().filter(date=day).first()
        if existing is not None and (existing.action, existing.name, existing.reason) == (
            action,
            name,
            reason,
        ):
            return existing
        override = HolidayOverride(date=day, action=action, name=name, reason=reason)
        override.full_clean()
        override.save()
        record_event(action="holiday_override.recorded", obj=override, after=_as_record(override))
        _announce(day)
    return override


def withdraw_holiday_override(override: HolidayOverride) -> None:
    """Delete a staff override, so the day follows the ``holidays`` package again.

    Side effects: deletes the row; records the audit event ``holiday_override.withdrawn`` with the
    override as it was; after commit, sends ``holiday_calendar_changed``. Withdrawing an override
    that is already gone does nothing.
    """
    with transaction.atomic():
        current = HolidayOverride.objects.select_for_update().filter(pk=override.pk).first()
        if current is None:
            return
        # A queryset delete leaves ``current.pk`` set, so the event can still name the row; the
        # audit event is the last write because it holds the chain lock until commit.
        HolidayOverride.objects.filter(pk=current.pk).delete()
        record_event(action="holiday_override.withdrawn", obj=current, before=_as_record(current))
        _announce(current.date)
