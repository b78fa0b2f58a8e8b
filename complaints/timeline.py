"""One timeline of a super-complaint, built once for every page that shows it.

Each audience sees what it may (``Audience``):

- the public: only published facts: receipt, the eligibility decision, withdrawal, and the report
  once it is out of embargo (never a progress report: the public page says only how many were
  sent, and what they say is between the authorities and the body);
- the body: those, plus the acknowledgement and each progress report it was sent, with what each
  step means for it;
- staff of the authorities: everything, each authority's position and every letter included.

Entries are in the order things happened, by date and time. Some facts are known only to the day
(a decision), some only to the month (the public record), some not at all ("Date not known"). They
cannot be compared with a moment exactly, so the steps of the process break the tie: nothing is
shown before a step it must follow (a decision never comes before the receipt, whatever date the
record gives it), and a fact with an unknown date goes after the last step before it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.labels import action_label
from audit.models import AuditEvent
from common.partial_dates import PartialDate
from complaints.models import ComplaintState, Position, SuperComplaint
from deadlines.calendar import long_date
from deadlines.rules import LONDON
from reports.models import Report

When = datetime.datetime | datetime.date | PartialDate | None
SortKey = tuple[int, int, int, int, int]


class Audience(Enum):
    PUBLIC = "public"
    BODY = "body"
    STAFF = "staff"


# The steps of the process, in the order they must happen. A step never shows before an earlier one.
(
    RECEIVED,
    ACKNOWLEDGED,
    POSITION,
    DECISION,
    TOLD,
    INVESTIGATION,
    LETTER,
    WORK,
    PROGRESS,
    REPORT,
    WITHDRAWN,
) = range(11)

# Steps that follow from no other and that nothing follows from: a letter goes out at any point,
# a visit, an interview, a note or a change to the plan whenever the work needs it, and a
# withdrawal ends the complaint whenever it comes. Where their moment is known they take it, and
# they hold back nothing after them.
UNCHAINED = frozenset({LETTER, WORK, WITHDRAWN})

_UNKNOWN: SortKey = (0, 0, 0, -1, 0)


@dataclass(frozen=True)
class TimelineEntry:
    when: When
    title: str
    detail: str = ""
    step: int = 0
    # Where the entry sorts; set by ``complaint_timeline`` from ``when`` and the steps before it.
    order: SortKey = field(default=_UNKNOWN, compare=False)

    @property
    def day(self) -> PartialDate | None:
        """The London day (or month) of the entry, for ``<time datetime>``; None if unknown."""
        when = self.when
        if when is None:
            return None
        if isinstance(when, PartialDate):
            return when
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when, LONDON).date()
        return PartialDate.from_date(when)

    @property
    def label(self) -> str:
        """ "Friday 31 May 2019", or "March 2020" where only the month is known: never a day
        that the record does not give."""
        day = self.day
        if day is None:
            return _("Date not known")
        return long_date(day.as_date) if day.as_date else str(day)


def sort_key(when: When) -> SortKey | None:
    """(year, month, day, second of the day, microsecond) in London; a day without a time sorts
    at the start of that day, a month without a day at the start of that month."""
    if when is None:
        return None
    if isinstance(when, datetime.datetime):
        local = timezone.localtime(when, LONDON)
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        return (local.year, local.month, local.day, seconds, local.microsecond)
    if isinstance(when, PartialDate):
        return (when.year, when.month, when.day or 0, -1, 0)
    return (when.year, when.month, when.day, -1, 0)


def in_true_order(entries: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """The entries oldest first. Each step is held back to no earlier than the steps before it
    (an imprecise or missing date cannot put it first); ties go to the earlier step."""
    by_step: dict[int, list[tuple[int, TimelineEntry]]] = {}
    for index, entry in enumerate(entries):
        by_step.setdefault(entry.step, []).append((index, entry))
    floor: SortKey = _UNKNOWN
    placed: list[tuple[SortKey, int, int, TimelineEntry]] = []
    for step in sorted(by_step):
        reached = floor
        for index, entry in by_step[step]:
            own = sort_key(entry.when)
            if own is None:
                order = floor
            elif step in UNCHAINED:
                order = own
            else:
                order = max(own, floor)
            placed.append((order, step, index, entry))
            if step not in UNCHAINED:
                reached = max(reached, order)
        floor = reached
    placed.sort(key=lambda item: item[:3])
    return [
        TimelineEntry(entry.when, entry.title, entry.detail, entry.step, order)
        for order, _step, _index, entry in placed
    ]


def complaint_timeline(
    complaint: SuperComplaint, *, audience: Audience, report: Any = None
) -> list[TimelineEntry]:
    """What has happened to the complaint, oldest first, as ``audience`` may see it.

    ``report`` is the complaint's published report when the caller has read it already; otherwise
    it is read here. A report appears only once the public may read it (``Report.objects.published``).
    """
    public, staff = audience == Audience.PUBLIC, audience == Audience.STAFF
    entries: list[TimelineEntry] = []

    def add(when: When, title: str, step: int, detail: str = "") -> None:
        entries.append(TimelineEntry(when, title, detail, step))

    received = complaint.received_on if public else (complaint.received_at or complaint.received_on)
    if received:
        add(received, _("Received by the Chief Inspector"), RECEIVED)
    if complaint.acknowledged_at and not public:
        add(complaint.acknowledged_at, _("Acknowledged"), ACKNOWLEDGED, _("SI 2018/748 regulation 5."))
    if staff:
        for position in complaint.positions.select_related("authority").order_by("recorded_at", "pk"):
            add(
                position.recorded_at,
                _("%(authority)s recorded its position: %(position)s")
                % {
                    "authority": position.authority.short_name or position.authority.name,
                    "position": position.get_position_display(),
                },
                POSITION,
            )
    # A missing reverse one-to-one raises an AttributeError subclass, so getattr's default applies.
    decision = getattr(complaint, "eligibility", None)
    if decision is not None:
        detail = ""
        if audience == Audience.BODY:
            detail = (
                _("The complaint will be investigated, with progress reports (regulation 6(5)).")
                if decision.outcome == Position.ELIGIBLE
                else _("The reasons are in the decision letter (regulation 6(6)).")
            )
        add(
            decision.decided_on,
            _("Eligibility decided: %(outcome)s") % {"outcome": decision.get_outcome_display()},
            DECISION,
            detail,
        )
    if staff and complaint.told_investigation_on:
        add(
            complaint.told_investigation_on,
            _("The body was told the complaint will be investigated (regulation 6(5))"),
            TOLD,
        )
    if staff and complaint.investigation_started_at:
        lead = complaint.lead_authority
        add(
            complaint.investigation_started_at,
            _("Investigation started"),
            INVESTIGATION,
            _("Led by %(lead)s.") % {"lead": lead.short_name or lead.name} if lead else "",
        )
    if staff:
        # The working file of the investigation: the authorities' own, never the body's or the public's.
        plan = getattr(complaint, "plan", None)
        if plan is not None and plan.updated_at:
            add(plan.updated_at, _("Investigation plan last changed"), WORK)
        for entry in complaint.fieldwork.order_by("occurred_on", "pk"):
            add(
                entry.occurred_on,
                _("%(kind)s: %(place)s") % {"kind": entry.get_kind_display(), "place": entry.place},
                WORK,
            )
        for note in complaint.internal_notes.order_by("created_at", "pk"):
            add(note.created_at, _("Internal note added"), WORK, note.text)
        for event in _report_building(complaint):
            add(
                event.occurred_at, action_label(event.action), WORK, str(_REPORT_DETAIL.get(event.action, ""))
            )
        for letter in complaint.letters.filter(sent_at__isnull=False).order_by("sent_at", "pk"):
            add(letter.sent_at, _("Letter sent: %(subject)s") % {"subject": letter.subject}, LETTER)
    if not public:
        # The public sees only how many were sent (on the page, beside the investigation), never
        # when: a count is not an event, so it has no place in the timeline.
        for progress in complaint.progress_reports.filter(sent_at__isnull=False).order_by("period"):
            add(
                progress.sent_at,
                _("Progress report %(n)s sent") % {"n": progress.period},
                PROGRESS,
                _("Regulation 7."),
            )
    report = report if report is not None else _published_report(complaint)
    if report is not None:
        add(report.published_on, _("Report published"), REPORT, "" if public else report.title)
    if complaint.withdrawn_at and complaint.state == ComplaintState.WITHDRAWN:
        if public:
            add(complaint.withdrawn_at, _("Withdrawn by the complainant"), WITHDRAWN)
        else:
            add(
                complaint.withdrawn_at,
                _("Withdrawn by the body (non-statutory)"),
                WITHDRAWN,
                complaint.withdrawal_reason,
            )
    return in_true_order(entries)


# The steps of building the report (reg 8, reg 11(2)), from the audit trail: staff only. Its
# publication has its own entry, and a report loaded from the public record was never built here.
_REPORT_BUILDING = frozenset(
    {
        "report.created",
        "report.title_changed",
        "report.passage_added",
        "report.passage_changed",
        "report.passage_deleted",
        "report.action_added",
        "report.action_changed",
        "report.action_deleted",
        "report.opinion_added",
        "report.opinion_changed",
        "report.opinion_withdrawn",
        "report.passage_excluded",
        "report.exclusion_proposed",
        "report.exclusion_approved",
        "report.exclusion_withdrawn",
        "recommendation.added",
        "recommendation.changed",
        "recommendation.addressees_edited",
    }
)
_REPORT_DETAIL = {
    "report.exclusion_proposed": gettext_lazy("It is left out of the published report from now on."),
}


def _report_building(complaint: SuperComplaint) -> list[AuditEvent]:
    if complaint.is_historical:
        return []
    report = Report.objects.filter(complaint=complaint).first()
    if report is None:
        return []
    recommendations = [str(pk) for pk in report.recommendations.values_list("pk", flat=True)]
    about_report = Q(object_type="reports.report", object_id=str(report.pk))
    about_recommendations = Q(object_type="recommendations.recommendation", object_id__in=recommendations)
    return list(
        AuditEvent.objects.filter(about_report | about_recommendations, action__in=_REPORT_BUILDING)
        .only("occurred_at", "action")
        .order_by("sequence")
    )


def _published_report(complaint: SuperComplaint) -> Any:
    return Report.objects.published().filter(complaint=complaint).first()
