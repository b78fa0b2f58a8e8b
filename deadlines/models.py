"""The one table the deadlines app owns: staff corrections to the bank-holiday calendar.

Bank holidays come from the ``holidays`` package. When a day is proclaimed (or a proclaimed day is
cancelled) before the package knows, staff record it here. SI 2018/748 reg 2 defines a working day
by reference to bank holidays in England and Wales under the Banking and Financial Dealings Act 1971,
so a proclamation changes every deadline that runs over that day.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deadlines.calendar import bank_holiday_name, statutory_non_working_reason


class HolidayOverride(models.Model):
    class Action(models.TextChoices):
        ADD = "add", _("Add a bank holiday")
        REMOVE = "remove", _("Remove a bank holiday")

    date = models.DateField(_("date"), unique=True)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("For example: Bank holiday for the coronation of King Charles III."),
    )
    reason = models.TextField(_("reason"), help_text=_("The proclamation or announcement this rests on."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("bank holiday override")
        verbose_name_plural = _("bank holiday overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["add", "remove"]), name="deadlines_holidayoverride_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_action_display()}: {self.name}"

    def clean(self) -> None:
        # Only bank holidays can be proclaimed or cancelled: weekends, Christmas Day and Good Friday
        # are named by SI 2018/748 reg 2 itself, so no override can make them working days.
        if not isinstance(self.date, datetime.date):
            return
        fixed = statutory_non_working_reason(self.date)
        known = bank_holiday_name(self.date)
        if self.action == self.Action.REMOVE:
            if fixed is not None:
                raise ValidationError(
                    {
                        "date": _(
                            "This day is never a working day (%(reason)s: SI 2018/748 reg 2), so it cannot be removed."
                        )
                        % {"reason": fixed}
                    }
                )
            if known is None:
                raise ValidationError(
                    {"date": _("This day is not a bank holiday, so there is nothing to remove.")}
                )
        elif self.action == self.Action.ADD and (fixed is not None or known is not None):
            raise ValidationError(
                {"date": _("This day is already not a working day: %(reason)s.") % {"reason": fixed or known}}
            )
