"""Working days in England and Wales, as SI 2018/748 reg 2 defines them.

A working day is any day except Saturday, Sunday, Christmas Day, Good Friday or a day which is a
bank holiday in England and Wales under the Banking and Financial Dealings Act 1971. Bank holidays,
including substitute days and one-off days proclaimed under s.1(3) of that Act, come from the
``holidays`` package; staff correct it through ``HolidayOverride`` (see
docs/decisions/0002-working-days.md).

A ``WorkingCalendar`` reads the override table once, when first asked, and then answers from memory,
so one calculation costs one query however many days it walks over. The module-level functions build
a fresh calendar for each call; pass ``calendar=`` to share one across many calculations.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import holidays
from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ONE_DAY = datetime.timedelta(days=1)

# The package's English names, shown as GOV.UK names them. A name not listed here is a one-off day
# (a jubilee, a state funeral, a coronation) and is shown as "Bank holiday: <name>".
_RECURRING_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Good Friday": _("Good Friday"),
    "Easter Monday": _("Easter Monday"),
    "May Day": _("Early May bank holiday"),
    "Spring Bank Holiday": _("Spring bank holiday"),
    "Late Summer Bank Holiday": _("Summer bank holiday"),
    "Christmas Day": _("Christmas Day"),
    "Boxing Day": _("Boxing Day"),
}
_OBSERVED_SUFFIX = " (observed)"


@dataclass(frozen=True)
class SkippedDay:
    """A day not counted, and why (in words a caseworker can read)."""

    day: datetime.date
    reason: str


@dataclass(frozen=True)
class RemovedHoliday:
    """A bank holiday that staff have removed, so it counts as a working day."""

    day: datetime.date
    usual_name: str
    name: str
    reason: str


def long_date(day: datetime.date) -> str:
    """A date as caseworkers write it: "Friday 31 May 2019" (translated with the active language)."""
    return dateformat.format(day, "l j F Y")


def written_date(value: object) -> str:
    """A date, or a partial date, as a letter writes it: "Friday 31 May 2019" when the day is
    known, the month alone ("August 2021") when only that is, and nothing for no date."""
    if value is None:
        return ""
    day = getattr(value, "as_date", value)
    if isinstance(day, datetime.date):
        return long_date(day)
    return str(value)


@functools.lru_cache(maxsize=256)
def _package_bank_holidays(year: int) -> dict[datetime.date, str]:
    # The package is fixed for the life of the process, so one year is computed once. English
    # names are asked for explicitly so the mapping above keeps working whatever the locale.
    return dict(holidays.UK(subdiv="ENG", years=year, language="en_GB").items())


def _display_name(package_name: str) -> str:
    names = []
    for part in package_name.split("; "):
        observed = part.endswith(_OBSERVED_SUFFIX)
        base = part.removesuffix(_OBSERVED_SUFFIX)
        if base in _RECURRING_NAMES:
            shown = str(_RECURRING_NAMES[base])
            if observed:
                shown = gettext("%(name)s (substitute day)") % {"name": shown}
        else:
            shown = gettext("Bank holiday: %(name)s") % {"name": part}
        names.append(shown)
    return "; ".join(names)


def easter_sunday(year: int) -> datetime.date:
    """Easter Day in the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).

    Computed here rather than taken from the ``holidays`` package because Good Friday is named by
    reg 2 itself and must not depend on that package's data.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _weekend_name(day: datetime.date) -> str | None:
    if day.weekday() == 5:
        return gettext("Saturday")
    if day.weekday() == 6:
        return gettext("Sunday")
    return None


def _named_day(day: datetime.date) -> str | None:
    # Christmas Day and Good Friday are common-law holidays in England and Wales, not bank holidays
    # under the 1971 Act, which is why reg 2 names them itself; they are found by date, not by the
    # package, and no override can change them.
    if day.month == 12 and day.day == 25:
        return gettext("Christmas Day")
    if day == easter_sunday(day.year) - 2 * ONE_DAY:
        return gettext("Good Friday")
    return None


def _combine(day: datetime.date, holiday: str | None) -> str | None:
    weekend = _weekend_name(day)
    if weekend and holiday:
        # One sentence per weekday, not "a %(weekday)s": in Welsh the day's name mutates after
        # "ar" ("ar ddydd Sadwrn"), which a translated name slotted into a sentence cannot do.
        if day.weekday() == 5:
            return gettext("%(holiday)s, a Saturday") % {"holiday": holiday}
        return gettext("%(holiday)s, a Sunday") % {"holiday": holiday}
    return weekend or holiday


def statutory_non_working_reason(day: datetime.date) -> str | None:
    """Why reg 2 itself excludes this day (a weekend, Christmas Day, Good Friday), or None."""
    return _combine(day, _named_day(day))


def bank_holiday_name(day: datetime.date) -> str | None:
    """The package's bank holiday on this day, as shown to people, or None.

    Christmas Day and Good Friday are left out: reg 2 names them, see ``statutory_non_working_reason``.
    Staff overrides are not applied here; ``WorkingCalendar`` applies them.
    """
    if _named_day(day) is not None:
        return None
    package_name = _package_bank_holidays(day.year).get(day)
    return _display_name(package_name) if package_name else None


class WorkingCalendar:
    """Working days as reg 2 defines them, with the staff overrides read once.

    ``overrides`` is for callers that already hold them (and for tests): an iterable of
    ``(date, action, name, reason)``. Without it the table is read on first use.
    """

    def __init__(self, overrides: Iterable[tuple[datetime.date, str, str, str]] | None = None) -> None:
        self._overrides = None if overrides is None else list(overrides)
        self._added: dict[datetime.date, str] = {}
        self._removed: dict[datetime.date, tuple[str, str]] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        rows = self._overrides
        if rows is None:
            from deadlines.models import HolidayOverride

            rows = list(HolidayOverride.objects.values_list("date", "action", "name", "reason"))
        for day, action, name, reason in rows:
            if action == "add":
                self._added[day] = name
            elif action == "remove":
                self._removed[day] = (name, reason)
        self._loaded = True

    def non_working_reason(self, day: datetime.date) -> str | None:
        """Why ``day`` is not a working day (SI 2018/748 reg 2), or None if it is one."""
        self._load()
        holiday = _named_day(day)
        if holiday is None:
            if day in self._added:
                holiday = gettext("Bank holiday added by staff: %(name)s") % {"name": self._added[day]}
            elif day not in self._removed:
                holiday = bank_holiday_name(day)
        return _combine(day, holiday)

    def is_working_day(self, day: datetime.date) -> bool:
        return self.non_working_reason(day) is None

    def first_working_day_from(self, day: datetime.date) -> datetime.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day strictly after ``day``."""
        return self.first_working_day_from(day + ONE_DAY)

    def add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The ``count``-th working day after ``day``, not counting ``day`` itself.

        ``add_working_days(d, 0)`` is ``d`` whatever it is; for ``count`` >= 1 the result is always a
        working day.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        for _i in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, first: datetime.date, last: datetime.date) -> int:
        """How many working days lie in ``[first, last]``, both ends included (0 if last < first)."""
        return sum(1 for day in _days(first, last) if self.is_working_day(day))

    def skipped_between(self, first: datetime.date, last: datetime.date) -> tuple[SkippedDay, ...]:
        """The non-working days in ``[first, last]``, each with its reason."""
        skipped = []
        for day in _days(first, last):
            reason = self.non_working_reason(day)
            if reason is not None:
                skipped.append(SkippedDay(day=day, reason=reason))
        return tuple(skipped)

    def removed_holidays_between(
        self, first: datetime.date, last: datetime.date
    ) -> tuple[RemovedHoliday, ...]:
        """Bank holidays in ``[first, last]`` that staff removed, so that an explanation can say so."""
        self._load()
        removed = []
        for day in sorted(self._removed):
            usual = bank_holiday_name(day)
            if first <= day <= last and usual is not None:
                name, reason = self._removed[day]
                removed.append(RemovedHoliday(day=day, usual_name=usual, name=name, reason=reason))
        return tuple(removed)


def _days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar()


def is_working_day(day: datetime.date, *, calendar: WorkingCalendar | None = None) -> bool:
    """True if ``day`` is a working day under SI 2018/748 reg 2 (with staff overrides)."""
    return _calendar(calendar).is_working_day(day)


def non_working_reason(day: datetime.date, *, calendar: WorkingCalendar | None = None) -> str | None:
    """Why ``day`` is not a working day (SI 2018/748 reg 2), or None if it is one."""
    return _calendar(calendar).non_working_reason(day)


def next_working_day(day: datetime.date, *, calendar: WorkingCalendar | None = None) -> datetime.date:
    """The first working day strictly after ``day``."""
    return _calendar(calendar).next_working_day(day)


def add_working_days(
    day: datetime.date, count: int, *, calendar: WorkingCalendar | None = None
) -> datetime.date:
    """The ``count``-th working day after ``day``, not counting ``day`` itself."""
    return _calendar(calendar).add_working_days(day, count)


def working_days_between(
    first: datetime.date, last: datetime.date, *, calendar: WorkingCalendar | None = None
) -> int:
    """How many working days lie in ``[first, last]``, both ends included."""
    return _calendar(calendar).working_days_between(first, last)
