"""Every deadline the service computes, each with its due date and its explanation.

Callers store ``Deadline.due`` on their record and show ``Deadline.explanation`` beside it. Each
function reads the holiday-override table at most once (see ``deadlines.calendar``); pass
``calendar=`` to share one reading across many calculations.

Dates are London dates: a moment (an aware datetime) is converted to its Europe/London date first,
because a complaint e-mailed at 00:30 BST on a Saturday was received on the Saturday (SI 2018/748
reg 5 counts from "the day of receipt"). A naive datetime is refused rather than guessed at.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext, ngettext

from deadlines.calendar import ONE_DAY, SkippedDay, WorkingCalendar, long_date

__all__ = [
    "Deadline",
    "NaiveDatetimeError",
    "SkippedDay",
    "acknowledgement_due",
    "calendar_days_after",
    "progress_report_periods",
    "response_due_after_publication",
    "to_london_date",
    "working_days_after",
]

LONDON = ZoneInfo("Europe/London")

ACKNOWLEDGEMENT_WORKING_DAYS = 5  # SI 2018/748 reg 5
PROGRESS_PERIOD_WORKING_DAYS = 56  # SI 2018/748 reg 7(2)
RESPONSE_CALENDAR_DAYS = 56  # practice, no statute (the stalking report, 27 Sep 2024 -> 22 Nov 2024)


class NaiveDatetimeError(ValueError):
    """A moment without a time zone: we cannot tell which London day it fell on."""


@dataclass(frozen=True)
class Deadline:
    rule: str
    basis: str
    start: datetime.date
    due: datetime.date
    skipped: tuple[SkippedDay, ...]
    explanation: str
    period: int | None = None
    received: datetime.date | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the API, the command's ``--json`` and stored snapshots."""
        return {
            "rule": self.rule,
            "basis": self.basis,
            "period": self.period,
            "received": self.received.isoformat() if self.received else None,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "skipped": [s.day.isoformat() for s in self.skipped],
            "skipped_reasons": [{"date": s.day.isoformat(), "reason": str(s.reason)} for s in self.skipped],
            "explanation": self.explanation,
        }


def to_london_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Europe/London calendar date of ``value``.

    A date is returned as it is. An aware datetime is converted to London time first, so
    2019-05-31T23:30Z is Saturday 1 June 2019 (00:30 BST). A naive datetime raises
    ``NaiveDatetimeError``.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                gettext("The time %(value)s has no time zone, so its London date cannot be known.")
                % {"value": value.isoformat()}
            )
        return value.astimezone(LONDON).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or an aware datetime, not {type(value).__name__}")


def end_of_london_day(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` ends in London: midnight at the start of the next day, in London time
    (23:00 UTC in summer, midnight UTC in winter). Something open "until the end of" ``day`` is open
    before this moment and closed from it."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON)


def start_of_london_day(day: datetime.date) -> datetime.datetime:
    """The moment ``day`` begins in London (midnight, London time)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)


def acknowledgement_due(
    received: datetime.date | datetime.datetime, *, calendar: WorkingCalendar | None = None
) -> Deadline:
    """When a super-complaint must be acknowledged. SI 2018/748 reg 5.

    Before the end of the period of 5 working days beginning with the day of receipt or, if that is
    not a working day, beginning with the first working day after it: the due date is the 5th
    working day, counting the first day of the period as day 1.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    day = to_london_date(received)
    start = cal.first_working_day_from(day)
    due = cal.add_working_days(start, ACKNOWLEDGEMENT_WORKING_DAYS - 1)
    skipped = cal.skipped_between(day, due)
    basis = gettext("SI 2018/748 reg 5")

    lines = [
        gettext(
            "Acknowledgement (%(basis)s): the complaint must be acknowledged before the end of the period "
            "of 5 working days beginning with the day it was received or, if that is not a working day, "
            "beginning with the first working day after it."
        )
        % {"basis": basis},
        _received_line(gettext("Received"), received, day),
    ]
    if start == day:
        lines.append(gettext("That is a working day, so the period begins that day."))
    else:
        lines.append(
            gettext(
                "That is not a working day (%(reason)s), so the period begins on the first working day "
                "after it: %(start)s."
            )
            % {"reason": cal.non_working_reason(day), "start": long_date(start)}
        )
    lines += _skipped_lines(cal, skipped, day, due)
    lines.append(
        gettext("Due: by the end of %(due)s, the 5th working day counting %(start)s as the first.")
        % {"due": long_date(due), "start": long_date(start)}
    )
    return Deadline(
        rule="reg5",
        basis=basis,
        start=start,
        due=due,
        skipped=skipped,
        explanation="\n".join(lines),
        received=day,
    )


def progress_report_periods(
    told: datetime.date | datetime.datetime, periods: int, *, calendar: WorkingCalendar | None = None
) -> list[Deadline]:
    """The first ``periods`` relevant periods for progress reports. SI 2018/748 reg 7.

    The first period is 56 working days beginning with the day the designated body was told the
    complaint will be investigated (reg 6(5)); each next one is 56 working days beginning with the
    first working day after the previous period ends. A report is due before the end of each.

    Reg 7 does not say what happens if the body was told on a day that is not a working day. We
    apply reg 5's rule (the period begins on the first working day after it) and say so in the
    explanation; see docs/decisions/0002-working-days.md.
    """
    if periods < 1:
        raise ValueError(gettext("The number of periods must be at least 1."))
    cal = calendar if calendar is not None else WorkingCalendar()
    day = to_london_date(told)
    basis = gettext("SI 2018/748 reg 7")
    rule_line = gettext(
        "Progress reports (%(basis)s): a written progress report is due before the end of each relevant "
        "period. The first period is 56 working days beginning with the day the designated body was told "
        "the complaint will be investigated; each later period is 56 working days beginning with the "
        "first working day after the previous period ends."
    ) % {"basis": basis}

    deadlines = []
    previous_due: datetime.date | None = None
    for number in range(1, periods + 1):
        if previous_due is None:
            first_considered = day
            start = cal.first_working_day_from(day)
            lines = [
                rule_line,
                _received_line(gettext("Told the complaint will be investigated"), told, day),
            ]
            if start == day:
                lines.append(gettext("That is a working day, so period 1 begins that day."))
            else:
                lines.append(
                    gettext(
                        "That is not a working day (%(reason)s). Regulation 7 does not say what happens "
                        "then, so we apply the rule in regulation 5: period 1 begins on the first working "
                        "day after it, %(start)s."
                    )
                    % {"reason": cal.non_working_reason(day), "start": long_date(start)}
                )
        else:
            first_considered = previous_due + ONE_DAY
            start = cal.next_working_day(previous_due)
            lines = [
                rule_line,
                gettext(
                    "Period %(number)d begins on %(start)s, the first working day after period "
                    "%(previous)d ended on %(previous_due)s."
                )
                % {
                    "number": number,
                    "start": long_date(start),
                    "previous": number - 1,
                    "previous_due": long_date(previous_due),
                },
            ]
        due = cal.add_working_days(start, PROGRESS_PERIOD_WORKING_DAYS - 1)
        skipped = cal.skipped_between(first_considered, due)
        lines += _skipped_lines(cal, skipped, first_considered, due)
        lines.append(
            gettext(
                "Due: progress report %(number)d by the end of %(due)s, the 56th working day of period "
                "%(number)d."
            )
            % {"number": number, "due": long_date(due)}
        )
        deadlines.append(
            Deadline(
                rule="reg7",
                basis=basis,
                start=start,
                due=due,
                skipped=skipped,
                explanation="\n".join(lines),
                period=number,
                received=day,
            )
        )
        previous_due = due
    return deadlines


def _calendar_date_note(cal: WorkingCalendar, due: datetime.date) -> list[str]:
    """The line saying a calendar-day deadline is not moved off a non-working day, if it falls on one."""
    reason = cal.non_working_reason(due)
    if reason is None:
        return []
    return [
        gettext(
            "%(due)s is not a working day (%(reason)s); the deadline is not moved, because it is a "
            "calendar date."
        )
        % {"due": long_date(due), "reason": reason}
    ]


def calendar_days_after(
    start: datetime.date | datetime.datetime,
    days: int,
    *,
    basis: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """``days`` calendar days after ``start``: a deadline a report sets, such as responses to it.

    No statute fixes a time limit for responses to a super-complaint report; each report sets its
    own. Practice is 56 days after publication (the stalking report, published 27 September 2024,
    asked for action plans by 22 November 2024), by analogy with Police Act 1996 s.55(5A)-(5B).
    Day 1 is the day after ``start``; every day counts and the result is not moved off a
    non-working day, because the report names a calendar date. ``Deadline.start`` is day 1.
    """
    if days < 1:
        raise ValueError(gettext("The number of days must be at least 1."))
    cal = calendar if calendar is not None else WorkingCalendar()
    day = to_london_date(start)
    first = day + ONE_DAY
    due = day + datetime.timedelta(days=days)
    if basis is None:
        basis = gettext(
            "No statute fixes this deadline; the report sets it (practice, by analogy with Police Act "
            "1996 s.55(5A)-(5B))"
        )
    lines = [
        ngettext(
            "%(days)d calendar day after a date. Every day counts, including weekends and bank holidays.",
            "%(days)d calendar days after a date. Every day counts, including weekends and bank holidays.",
            days,
        )
        % {"days": days},
        gettext("Basis: %(basis)s.") % {"basis": basis},
        _received_line(gettext("From"), start, day),
        gettext("Counting begins on the day after it, so day 1 is %(first)s.") % {"first": long_date(first)},
    ]
    lines += _calendar_date_note(cal, due)
    lines.append(
        ngettext(
            "Due: by the end of %(due)s, %(days)d day after %(from)s.",
            "Due: by the end of %(due)s, %(days)d days after %(from)s.",
            days,
        )
        % {"due": long_date(due), "days": days, "from": long_date(day)}
    )
    return Deadline(
        rule="calendar-days",
        basis=basis,
        start=first,
        due=due,
        skipped=(),
        explanation="\n".join(lines),
        received=day,
    )


def response_due_after_publication(
    published: datetime.date | datetime.datetime, *, calendar: WorkingCalendar | None = None
) -> Deadline:
    """When an addressee must respond to a recommendation whose report sets no date of its own:
    56 calendar days after the day the report was published.

    No statute fixes a response duty or a time limit for super-complaint reports; each report sets
    its own. The service's default is practice: the stalking report, published on 27 September
    2024, asked for action plans by 22 November 2024 (by analogy with Police Act 1996
    s.55(5A)-(5B)). ``published`` is the moment the report became public; its London date is the
    day of publication, so a report made public at 23:30 UTC in summer was published the next day.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    day = to_london_date(published)
    first = day + ONE_DAY
    due = day + datetime.timedelta(days=RESPONSE_CALENDAR_DAYS)
    basis = gettext("No statute fixes this deadline; the report sets it (practice: 56 calendar days)")
    lines = [
        gettext(
            "Response to a recommendation: no statute fixes it; the report sets it. This report names no "
            "date of its own, so the service applies the practice of 56 calendar days after publication "
            "(the stalking report, published on 27 September 2024, asked for responses by 22 November "
            "2024)."
        ),
        _received_line(gettext("Report published"), published, day),
        gettext(
            "Counting begins on the day after it, so day 1 is %(first)s. Every day counts, including "
            "weekends and bank holidays."
        )
        % {"first": long_date(first)},
    ]
    lines += _calendar_date_note(cal, due)
    lines.append(
        gettext("Due: by the end of %(due)s: 56 calendar days after publication on %(published)s is %(due)s.")
        % {"due": long_date(due), "published": long_date(day)}
    )
    return Deadline(
        rule="response",
        basis=basis,
        start=first,
        due=due,
        skipped=(),
        explanation="\n".join(lines),
        received=day,
    )


def working_days_after(
    start: datetime.date | datetime.datetime,
    days: int,
    *,
    basis: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The ``days``-th working day after ``start`` (working day: SI 2018/748 reg 2).

    Counting begins on the day after ``start``, which is not counted even if it is a working day:
    "within 10 working days of the request" gives the whole of ten working days after the request
    is sent. ``Deadline.start`` is the first working day counted.
    """
    if days < 1:
        raise ValueError(gettext("The number of days must be at least 1."))
    cal = calendar if calendar is not None else WorkingCalendar()
    day = to_london_date(start)
    first = cal.next_working_day(day)
    due = cal.add_working_days(day, days)
    if basis is None:
        basis = gettext(
            "No statute fixes this period; it is set by the decision-making authorities (working days as "
            "defined in SI 2018/748 reg 2)"
        )
    lines = [
        ngettext(
            "%(days)d working day after a date.",
            "%(days)d working days after a date.",
            days,
        )
        % {"days": days},
        gettext("Basis: %(basis)s.") % {"basis": basis},
        _received_line(gettext("From"), start, day),
        gettext(
            "Counting begins on the day after it, and that day is not counted; the first working day "
            "counted is %(first)s."
        )
        % {"first": long_date(first)},
    ]
    skipped = cal.skipped_between(day + ONE_DAY, due)
    lines += _skipped_lines(cal, skipped, day + ONE_DAY, due)
    lines.append(
        ngettext(
            "Due: by the end of %(due)s, %(days)d working day after %(from)s.",
            "Due: by the end of %(due)s, %(days)d working days after %(from)s.",
            days,
        )
        % {"due": long_date(due), "days": days, "from": long_date(day)}
    )
    return Deadline(
        rule="working-days",
        basis=basis,
        start=first,
        due=due,
        skipped=skipped,
        explanation="\n".join(lines),
        received=day,
    )


def _received_line(label: str, value: datetime.date | datetime.datetime, day: datetime.date) -> str:
    if isinstance(value, datetime.datetime):
        # As a person writes a time (GOV.UK style: "4:45pm", "midday"), with the London zone, so a
        # moment given in UTC near midnight still shows which London day it fell on.
        local = value.astimezone(LONDON)
        return gettext("%(label)s: %(day)s, at %(time)s %(zone)s in London.") % {
            "label": label,
            "day": long_date(day),
            "time": clock_time(local),
            "zone": local.tzname(),
        }
    return gettext("%(label)s: %(day)s.") % {"label": label, "day": long_date(day)}


def clock_time(moment: datetime.datetime | datetime.time) -> str:
    """A time of day as GOV.UK writes it: 9am, 4:45pm, midday, midnight."""
    if moment.hour == 0 and moment.minute == 0:
        return gettext("midnight")
    if moment.hour == 12 and moment.minute == 0:
        return gettext("midday")
    hour = moment.hour % 12 or 12
    suffix = gettext("am") if moment.hour < 12 else gettext("pm")
    if moment.minute:
        return f"{hour}:{moment.minute:02d}{suffix}"
    return f"{hour}{suffix}"


def _skipped_lines(
    cal: WorkingCalendar, skipped: tuple[SkippedDay, ...], first: datetime.date, last: datetime.date
) -> list[str]:
    lines = []
    if skipped:
        lines.append(gettext("Days not counted, because they are not working days (SI 2018/748 reg 2):"))
        lines += [
            gettext("- %(day)s: %(reason)s") % {"day": long_date(s.day), "reason": s.reason} for s in skipped
        ]
    else:
        lines.append(gettext("No day was skipped: every day counted was a working day."))
    removed = cal.removed_holidays_between(first, last)
    if removed:
        lines.append(gettext("Counted as working days, because staff removed them as bank holidays:"))
        lines += [
            gettext("- %(day)s: usually %(usual)s; removed: %(name)s (%(reason)s)")
            % {"day": long_date(r.day), "usual": r.usual_name, "name": r.name, "reason": r.reason}
            for r in removed
        ]
    return lines
