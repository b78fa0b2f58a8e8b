"""Show how a deadline is worked out: its rule, basis, start day, skipped days and result."""

from __future__ import annotations

import argparse
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from deadlines.calendar import WorkingCalendar
from deadlines.rules import (
    Deadline,
    acknowledgement_due,
    calendar_days_after,
    progress_report_periods,
    working_days_after,
)

RULES = ["reg5", "reg7", "days", "working-days"]


def _iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a date: write it as YYYY-MM-DD, e.g. 2019-05-31") % {"value": value}
        ) from None


def _moment(value: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _(
                "%(value)r is not a date and time: write it as YYYY-MM-DDTHH:MM:SS+HH:MM, e.g. 2019-06-01T00:30:00+01:00"
            )
            % {"value": value}
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            _("%(value)r has no UTC offset, so its London date cannot be known: add one, e.g. +01:00 or Z")
            % {"value": value}
        )
    return moment


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%(value)r is not a whole number") % {"value": value}) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("%(value)r must be 1 or more") % {"value": value})
    return number


class Command(BaseCommand):
    help = (
        "Explain a deadline: reg5 (acknowledgement), reg7 (progress-report periods), days (calendar "
        "days after a date) or working-days (working days after a date)."
    )

    def add_arguments(self, parser):
        parser.add_argument("rule", choices=RULES, help="Which rule to apply.")
        start = parser.add_mutually_exclusive_group(required=True)
        start.add_argument("--from", dest="from_date", type=_iso_date, help="A date, YYYY-MM-DD.")
        start.add_argument(
            "--at",
            type=_moment,
            help="A moment with its UTC offset; its London date is used (e.g. received).",
        )
        parser.add_argument("--periods", type=_positive, help="reg7: how many periods to show.")
        parser.add_argument("--days", type=_positive, help="days, working-days: how many days.")
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object per deadline, one a line."
        )

    def handle(self, *args, **options):
        rule, periods, days = options["rule"], options["periods"], options["days"]
        value: datetime.date | datetime.datetime = options["at"] or options["from_date"]
        if rule == "reg7" and periods is None:
            raise CommandError(_("reg7 needs --periods N (how many progress-report periods to show)."))
        if rule != "reg7" and periods is not None:
            raise CommandError(_("--periods is only for reg7."))
        if rule in ("days", "working-days") and days is None:
            raise CommandError(_("%(rule)s needs --days N.") % {"rule": rule})
        if rule not in ("days", "working-days") and days is not None:
            raise CommandError(_("--days is only for days and working-days."))

        calendar = WorkingCalendar()
        try:
            deadlines: list[Deadline]
            if rule == "reg5":
                deadlines = [acknowledgement_due(value, calendar=calendar)]
            elif rule == "reg7":
                deadlines = progress_report_periods(value, periods, calendar=calendar)
            elif rule == "days":
                deadlines = [calendar_days_after(value, days, calendar=calendar)]
            else:
                deadlines = [working_days_after(value, days, calendar=calendar)]
        except (ValueError, OverflowError) as error:
            raise CommandError(_("Cannot work out this deadline: %(error)s") % {"error": error}) from None
        except DatabaseError as error:
            raise CommandError(
                _("Cannot read the bank-holiday overrides (has the database been migrated?): %(error)s")
                % {"error": error}
            ) from None

        if options["json"]:
            for deadline in deadlines:
                self.stdout.write(json.dumps(deadline.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write("\n\n".join(d.explanation for d in deadlines))
