"""Reminders before a response deadline and escalation after it: the ladder (docs/decisions/0094).

Each report has a ladder (``EscalationLadder``, or ``DEFAULT_LADDER``): reminders some calendar
days before the due day, a chaser the day after by default, a letter to the chief officer and the
local policing body (or the head of a national body) on day 14, and a public "overdue" mark on the
register on day 28. Days are calendar days counted from the due day: bank holidays do not move them.

The sweep (``operations.sweep``) calls ``run_ladder`` once a day. Each step is taken by
``take_step`` in the shape of ``operations.sweep.flag_overdue``: one obligation at a time, in its own
transaction, its running RESPONSE deadline row claimed with SKIP LOCKED, the steps re-read under
the lock, one ``ObligationStep`` row per step (unique by obligation, key and due day), one audit
event and one outbox message (dedupe key ``obligation:<pk>:<key>:<due>``) each. So running the
sweep twice, or two at once, takes no step twice and sends nothing twice.

Which steps are due on a day (``steps_due``): of the messages (reminders, chaser, letter) only the
latest one whose day has come; a reminder only up to the due day. A sweep that missed days sends
that one message, never a burst of the older ones it missed (those are skipped, not recorded). The
public mark is taken on any day from its own day on, once. A response submitted meets the deadline
row, so the claim finds nothing: no step follows a response.
"""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import member_addresses
from audit.services import record_event
from common.site import absolute_url
from deadlines.calendar import long_date
from deadlines.models import Deadline, DeadlineRule
from organisations.models import Organisation, OrganisationKind
from outbox.services import enqueue_message
from recommendations.models import (
    DEFAULT_LADDER,
    EscalationLadder,
    Obligation,
    ObligationStep,
    StepKind,
)
from reports.models import Report

EMAIL_TEMPLATES = "recommendations/email"
# No reminder goes more than a year before its due day: a bound for the sweep's query and for staff.
MAX_DAYS = 365
MAX_REMINDERS = 5

# The audit event each kind of step records.
STEP_EVENTS: dict[str, str] = {
    StepKind.REMINDER: "obligation.reminded",
    StepKind.CHASER: "obligation.chased",
    StepKind.LETTER: "obligation.escalated",
    StepKind.PUBLIC_MARK: "obligation.marked_overdue",
}
# How ``run_ladder`` counts each kind (the sweep's counters).
COUNTERS: dict[str, str] = {
    StepKind.REMINDER: "response_reminders",
    StepKind.CHASER: "response_chasers",
    StepKind.LETTER: "response_letters",
    StepKind.PUBLIC_MARK: "responses_marked_overdue",
}


class EscalationError(Exception):
    """A ladder the rules do not allow."""


@dataclass(frozen=True)
class Ladder:
    """A report's ladder as numbers: ``configured`` is False for the defaults."""

    reminder_days_before: tuple[int, ...]
    chaser_days_after: int
    letter_days_after: int
    public_mark_days_after: int
    configured: bool = False

    def plan(self, due: datetime.date) -> list[PlannedStep]:
        """Every step of the ladder for a deadline due on ``due``, earliest first."""
        day = datetime.timedelta(days=1)
        steps = [
            PlannedStep(StepKind.REMINDER, f"reminder:{n}", due - n * day, until=due)
            for n in sorted(set(self.reminder_days_before), reverse=True)
        ]
        steps.append(PlannedStep(StepKind.CHASER, "chaser", due + self.chaser_days_after * day))
        steps.append(PlannedStep(StepKind.LETTER, "letter", due + self.letter_days_after * day))
        steps.append(
            PlannedStep(StepKind.PUBLIC_MARK, "public_mark", due + self.public_mark_days_after * day)
        )
        return steps


@dataclass(frozen=True)
class PlannedStep:
    kind: str
    key: str
    day: datetime.date
    # The last day it can be taken (a reminder: the due day); None: any day from ``day`` on.
    until: datetime.date | None = None


def _defaults() -> Ladder:
    values: dict[str, Any] = dict(DEFAULT_LADDER)
    return Ladder(
        reminder_days_before=tuple(int(n) for n in values["reminder_days_before"]),
        chaser_days_after=int(values["chaser_days_after"]),
        letter_days_after=int(values["letter_days_after"]),
        public_mark_days_after=int(values["public_mark_days_after"]),
    )


DEFAULTS = _defaults()


def _as_ladder(row: EscalationLadder | None) -> Ladder:
    if row is None:
        return DEFAULTS
    return Ladder(
        reminder_days_before=tuple(int(n) for n in row.reminder_days_before),
        chaser_days_after=row.chaser_days_after,
        letter_days_after=row.letter_days_after,
        public_mark_days_after=row.public_mark_days_after,
        configured=True,
    )


def ladder_for(report: Report) -> Ladder:
    """The report's ladder, or the defaults where staff set none."""
    return _as_ladder(EscalationLadder.objects.filter(report=report).first())


def steps_due(
    ladder: Ladder, due: datetime.date, on: datetime.date, taken: Iterable[str]
) -> list[PlannedStep]:
    """The steps to take on ``on`` for a deadline due on ``due``, given the keys already taken for
    that due day: the latest message whose day has come (if not yet taken), and the public mark
    from its day on (once). See the module's docstring."""
    done = set(taken)
    started = [s for s in ladder.plan(due) if s.day <= on and (s.until is None or on <= s.until)]
    result: list[PlannedStep] = []
    messages = [s for s in started if s.kind != StepKind.PUBLIC_MARK]
    if messages:
        latest = max(messages, key=lambda s: s.day)
        if latest.key not in done:
            result.append(latest)
    result.extend(s for s in started if s.kind == StepKind.PUBLIC_MARK and s.key not in done)
    return result


def _check_days(reminder_days_before: Sequence[int], chaser: int, letter: int, mark: int) -> tuple[int, ...]:
    reminders = tuple(sorted({int(n) for n in reminder_days_before}, reverse=True))
    if len(reminders) > MAX_REMINDERS:
        raise EscalationError(_("Choose at most %(n)d reminders before the deadline.") % {"n": MAX_REMINDERS})
    if any(not 1 <= n <= MAX_DAYS for n in reminders):
        raise EscalationError(
            _("Each reminder must go between 1 and %(max)d days before the deadline.") % {"max": MAX_DAYS}
        )
    if any(not 1 <= n <= MAX_DAYS for n in (chaser, letter, mark)):
        raise EscalationError(
            _(
                "The reminder, the letter and the overdue mark must each come between 1 and %(max)d days after the deadline."
            )
            % {"max": MAX_DAYS}
        )
    # Each step says more than the one before: a letter before the reminder would be out of order.
    if not chaser < letter < mark:
        raise EscalationError(
            _(
                "The reminder after the deadline must come before the letter, and the letter before the "
                "overdue mark on the register."
            )
        )
    return reminders


def set_escalation_ladder(
    report: Report,
    *,
    reminder_days_before: Sequence[int],
    chaser_days_after: int,
    letter_days_after: int,
    public_mark_days_after: int,
    user: Any = None,
) -> EscalationLadder:
    """Set the report's own ladder (staff). Days are calendar days from the due day.

    Checks: at most five reminders, each 1 to 365 days before; the chaser, letter and mark each
    1 to 365 days after, in that order (chaser < letter < mark). Side effects: creates or updates
    the report's ``EscalationLadder``; records ``report.escalation_ladder_set`` with the ladder
    before and after. The same ladder again does nothing. Steps already taken stay taken; the new
    days apply from the next sweep.
    """
    reminders = _check_days(
        reminder_days_before, chaser_days_after, letter_days_after, public_mark_days_after
    )
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        row = EscalationLadder.objects.select_for_update().filter(report=report).first()
        before = _as_ladder(row)
        after = Ladder(
            reminders, chaser_days_after, letter_days_after, public_mark_days_after, configured=True
        )
        if row is not None and before == after:
            return row
        if row is None:
            row = EscalationLadder(report=report)
        row.reminder_days_before = list(reminders)
        row.chaser_days_after = chaser_days_after
        row.letter_days_after = letter_days_after
        row.public_mark_days_after = public_mark_days_after
        if row.pk is None:
            row.save()
        else:
            row.save(
                update_fields=[
                    "reminder_days_before",
                    "chaser_days_after",
                    "letter_days_after",
                    "public_mark_days_after",
                ]
            )
        record_event(
            action="report.escalation_ladder_set",
            obj=report,
            before=_described(before),
            after=_described(after),
        )
    return row


def _described(ladder: Ladder) -> dict[str, Any]:
    return {
        "reminder_days_before": list(ladder.reminder_days_before),
        "chaser_days_after": ladder.chaser_days_after,
        "letter_days_after": ladder.letter_days_after,
        "public_mark_days_after": ladder.public_mark_days_after,
        "configured": ladder.configured,
    }


# --- Who hears --------------------------------------------------------------------------------


def responder_addresses(organisation: Organisation) -> list[str]:
    """Reminders and the chaser go to those who draft and sign off the organisation's response."""
    return member_addresses(organisation, (Role.RESPONDER, Role.SIGNATORY))


def letter_addresses(organisation: Organisation) -> list[str]:
    """The day-14 letter goes to the head of the organisation (its signatories: the chief officer
    or a delegate, the head of a national body) and, for a force, to the local policing body that
    holds its chief officer to account (every user it has here)."""
    found = set(member_addresses(organisation, (Role.SIGNATORY,)))
    if organisation.kind == OrganisationKind.FORCE and organisation.local_policing_body_id:
        found |= set(member_addresses(organisation.local_policing_body_id))
    return sorted(found)


# --- Taking steps -----------------------------------------------------------------------------


def _claim(obligation_pk: int) -> Deadline | None:
    """The obligation's running RESPONSE row, locked for this sweep, or None if it is met,
    stopped, absent or held by another sweep (SKIP LOCKED: never waited for)."""
    return (
        Deadline.objects.running()
        .filter(
            subject_type=ContentType.objects.get_for_model(Obligation),
            subject_id=obligation_pk,
            rule=DeadlineRule.RESPONSE,
        )
        .select_for_update(skip_locked=True)
        .first()
    )


def _context(obligation: Obligation, due: datetime.date, on: datetime.date) -> dict[str, Any]:
    recommendation = obligation.recommendation
    report = recommendation.report
    return {
        "organisation": obligation.organisation.name,
        "recommendation": recommendation.reference,
        "label": recommendation.label,
        "text": recommendation.text,
        "report": report.title,
        "reference": report.complaint.reference or "",
        "due": long_date(due),
        "days_left": (due - on).days,
        "days_late": (on - due).days,
        "url": absolute_url(reverse("portal:home")),
    }


def _subject(kind: str, obligation: Obligation, due: datetime.date) -> str:
    names = {"reference": obligation.recommendation.reference, "due": long_date(due)}
    if kind == StepKind.REMINDER:
        return _("Reminder: your response to %(reference)s is due by %(due)s") % names
    if kind == StepKind.CHASER:
        return _("Overdue: your response to %(reference)s was due by %(due)s") % names
    return _("Letter from the super-complaints team: the response to %(reference)s is overdue") % names


def _send(obligation: Obligation, step: PlannedStep, due: datetime.date, on: datetime.date) -> int:
    """Write the step's e-mail to the outbox (the public mark has none). Returns how many it is
    addressed to."""
    if step.kind == StepKind.PUBLIC_MARK:
        return 0
    organisation = obligation.organisation
    to = letter_addresses(organisation) if step.kind == StepKind.LETTER else responder_addresses(organisation)
    templates: dict[str, str] = {
        StepKind.REMINDER: "reminder",
        StepKind.CHASER: "chaser",
        StepKind.LETTER: "letter",
    }
    template = templates[step.kind]
    enqueue_message(
        to=to,
        subject=_subject(step.kind, obligation, due),
        template=f"{EMAIL_TEMPLATES}/{template}.txt",
        context=_context(obligation, due, on),
        dedupe_key=f"obligation:{obligation.pk}:{step.key}:{due.isoformat()}",
        about=obligation,
        language=settings.LANGUAGE_CODE,
    )
    return len(to)


def take_step(
    obligation_pk: int, on: datetime.date, *, now: datetime.datetime | None = None
) -> list[ObligationStep]:
    """Take the ladder's steps due on ``on`` for one obligation (see ``steps_due``), each once.

    Its own transaction: the obligation's running RESPONSE deadline row is claimed with SKIP
    LOCKED and the steps already taken are read under that lock, so a second sweep, or one
    running at the same moment, takes nothing again. Side effects, per step: an ``ObligationStep``
    row; for a reminder or the chaser an e-mail to the organisation's responders and signatories,
    for the letter one to its head (and a force's local policing body), each written to the
    outbox with dedupe key ``obligation:<pk>:<key>:<due>``; for the public mark,
    ``Obligation.publicly_overdue_on = on`` (which purges the public pages showing it); an audit
    event (``obligation.reminded``, ``.chased``, ``.escalated``, ``.marked_overdue``). Returns the
    steps taken now (none when the response is in, the deadline stopped, or another sweep holds
    the row).
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = _claim(obligation_pk)
        if row is None:
            return []
        obligation = Obligation.objects.select_related(
            "organisation", "recommendation__report__complaint"
        ).get(pk=obligation_pk)
        if obligation.responded_at is not None:
            return []  # responded, its row not yet met: no reminder to someone who has answered
        ladder = ladder_for(obligation.recommendation.report)
        taken = ObligationStep.objects.filter(obligation=obligation, due=row.due).values_list(
            "key", flat=True
        )
        done: list[ObligationStep] = []
        for step in steps_due(ladder, row.due, on, taken):
            try:
                with transaction.atomic():
                    made = ObligationStep.objects.create(
                        obligation=obligation,
                        kind=step.kind,
                        key=step.key,
                        due=row.due,
                        taken_on=on,
                        taken_at=now,
                    )
            except IntegrityError:
                continue  # taken by another sweep after all (a database without row locks)
            recipients = _send(obligation, step, row.due, on)
            if step.kind == StepKind.PUBLIC_MARK:
                obligation.publicly_overdue_on = on
                obligation.save(update_fields=["publicly_overdue_on"])
            record_event(
                action=STEP_EVENTS[step.kind],
                obj=obligation,
                after={"step": step.key, "due": row.due, "on": on, "recipients": recipients},
            )
            done.append(made)
    return done


def _pending(on: datetime.date) -> list[int]:
    """The obligations with a step to take on ``on``, found by one query; ``take_step`` judges each
    again under its lock.

    Which steps are due depends only on the ladder and the due day (``steps_due``), so they are
    worked out once for each ladder and each due day of a running RESPONSE row, and the database
    keeps the unanswered obligations on that day, under that ladder, that lack one of them. A day
    when every step has been taken (the sweep's second run) reads no obligation at all.
    """
    rows = Deadline.objects.running().filter(
        subject_type=ContentType.objects.get_for_model(Obligation),
        rule=DeadlineRule.RESPONSE,
        due__lte=on + datetime.timedelta(days=MAX_DAYS),
    )
    days = list(rows.order_by("due").values_list("due", flat=True).distinct())
    if not days:
        return []
    configured: dict[Ladder, list[int]] = {}
    for ladder_row in EscalationLadder.objects.all():
        configured.setdefault(_as_ladder(ladder_row), []).append(ladder_row.report_id)
    reports_with_a_ladder = [pk for reports in configured.values() for pk in reports]
    default = ~Q(recommendation__report_id__in=reports_with_a_ladder) if reports_with_a_ladder else Q()
    ladders = [(DEFAULTS, default)]
    ladders += [(ladder, Q(recommendation__report_id__in=reports)) for ladder, reports in configured.items()]
    wanted: list[Q] = []
    for ladder, of_ladder in ladders:
        for due in days:
            keys = [step.key for step in steps_due(ladder, due, on, ())]
            if not keys:
                continue
            missing = Q(
                *[
                    ~Exists(ObligationStep.objects.filter(obligation=OuterRef("pk"), key=key, due=due))
                    for key in keys
                ],
                _connector=Q.OR,
            )
            wanted.append(of_ladder & Q(response_due=due) & missing)
    if not wanted:
        return []
    return list(
        Obligation.objects.filter(pk__in=rows.values("subject_id"), responded_at__isnull=True)
        .annotate(response_due=Subquery(rows.filter(subject_id=OuterRef("pk")).values("due")[:1]))
        .filter(reduce(operator.or_, wanted))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def run_ladder(on: datetime.date, *, now: datetime.datetime | None = None) -> Counter[str]:
    """The sweep's step for response deadlines: every reminder, chaser, letter and public mark
    due on ``on`` (the London day the sweep is for). Safe to run twice, and twice at once.
    Returns how many of each were taken now (``COUNTERS``' names)."""
    counts: Counter[str] = Counter(dict.fromkeys(COUNTERS.values(), 0))
    for pk in _pending(on):
        for step in take_step(pk, on, now=now):
            counts[COUNTERS[step.kind]] += 1
    return counts


# --- The obligation's timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One dated entry of an obligation's timeline, as staff read it."""

    at: datetime.datetime
    title: str
    detail: str = ""


STEP_TITLES: dict[str, Any] = {
    StepKind.REMINDER: StepKind.REMINDER.label,
    StepKind.CHASER: StepKind.CHASER.label,
    StepKind.LETTER: StepKind.LETTER.label,
    StepKind.PUBLIC_MARK: StepKind.PUBLIC_MARK.label,
}


def obligation_timeline(obligation: Obligation) -> list[TimelineEntry]:
    """What happened to one obligation, oldest first: its deadline set (and moved), each step of
    the ladder taken, its response submitted and published, each verification recorded and each
    passage withheld. Read from the deadline row, the steps, the response and, for what keeps no
    row of its own (a deadline moved, an earlier verification), the audit trail."""
    from audit.selectors import events_for
    from recommendations.models import Response, Verification, WithheldField

    entries: list[TimelineEntry] = []
    deadline = (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Obligation),
            subject_id=obligation.pk,
            rule=DeadlineRule.RESPONSE,
        )
        .order_by("pk")
        .first()
    )
    if deadline is not None:
        # Counted from the report's publication: set at that moment (the row may be written later,
        # by the release of an embargoed report).
        entries.append(
            TimelineEntry(
                deadline.counted_from_moment or deadline.created_at,
                _("Response deadline set"),
                deadline.explanation_text,
            )
        )
        if deadline.stopped_at is not None:
            entries.append(
                TimelineEntry(deadline.stopped_at, _("Response deadline stopped"), deadline.stop_reason)
            )
    for event in events_for(obligation).filter(
        action__in=["obligation.due_changed", "obligation.verification_recorded"]
    ):
        after = event.after or {}
        if event.action == "obligation.due_changed":
            due = after.get("due")
            detail = (
                _("Now due by the end of %(due)s.") % {"due": long_date(datetime.date.fromisoformat(due))}
                if due
                else _("No deadline is set.")
            )
            entries.append(TimelineEntry(event.occurred_at, _("Response deadline changed"), detail))
        else:
            state = after.get("verification", "")
            label = str(Verification(state).label) if state in Verification.values else state
            note = after.get("note", "")
            entries.append(
                TimelineEntry(
                    event.occurred_at,
                    _("Verification recorded: %(state)s") % {"state": label},
                    note,
                )
            )
    for step in obligation.steps.all():
        entries.append(
            TimelineEntry(
                step.taken_at,
                str(STEP_TITLES[step.kind]),
                _("For the deadline of %(due)s.") % {"due": long_date(step.due)},
            )
        )
    response = Response.objects.filter(obligation=obligation).prefetch_related("withholdings").first()
    if response is not None:
        if response.submitted_at is not None:
            entries.append(TimelineEntry(response.submitted_at, _("Response submitted")))
        if response.published_at is not None:
            entries.append(TimelineEntry(response.published_at, _("Response published on the register")))
        for withheld in response.withholdings.all():
            entries.append(
                TimelineEntry(
                    withheld.withheld_at,
                    _("Passage withheld from the %(field)s")
                    % {"field": str(WithheldField(withheld.field).label).lower()},
                    withheld.reason,
                )
            )
    elif obligation.responded_at is not None:
        entries.append(TimelineEntry(obligation.responded_at, _("Response submitted")))
    return sorted(entries, key=lambda e: e.at)
