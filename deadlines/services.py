"""The deadlines app's writes: the holiday-override table, and the ledger of deadlines.

One function per rule creates or recomputes its deadline row (``ensure_acknowledgement_deadline``,
``ensure_progress_report_deadline``, ``ensure_response_deadline``); ``meet_deadline`` and
``stop_deadlines`` end them; ``recompute_open_deadlines`` is the one place a change to the holiday
table reaches every open deadline. A met or stopped deadline never moves.

The owners of deadlines (complaints, recommendations) call these inside their own transactions and
record their own audit events; this app never imports them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.services import record_event
from deadlines import rules
from deadlines.calendar import WorkingCalendar, long_date
from deadlines.models import Deadline, DeadlineRule, HolidayOverride
from deadlines.selectors import computed_for
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
    event ``holiday_override.recorded``; recomputes every open deadline (``recompute_open_deadlines``,
    one ``deadline.recomputed`` event per moved row); after commit, sends ``holiday_calendar_changed``.
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
        recompute_open_deadlines()
        _announce(day)
    return override


def withdraw_holiday_override(override: HolidayOverride) -> None:
    """Delete a staff override, so the day follows the ``holidays`` package again.

    Side effects: deletes the row; records the audit event ``holiday_override.withdrawn`` with the
    override as it was; recomputes every open deadline; after commit, sends
    ``holiday_calendar_changed``. Withdrawing an override
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
        recompute_open_deadlines()
        _announce(current.date)


# --- The ledger of deadlines ---------------------------------------------------------------------


def _stored(computed: rules.Deadline) -> dict[str, Any]:
    """The structured explanation kept on the row: rule, basis, start, skipped days, result."""
    return {
        "rule": computed.rule,
        "basis": computed.basis,
        "counted_from": computed.received.isoformat() if computed.received else None,
        "period": computed.period,
        "start": computed.start.isoformat(),
        "skipped": [{"date": s.day.isoformat(), "reason": str(s.reason)} for s in computed.skipped],
        "result": computed.due.isoformat(),
    }


def _in_record_language() -> Any:
    # The stored explanation is part of the record, so it is written in the service's language
    # whatever the language of the request that caused it.
    return translation.override(settings.LANGUAGE_CODE)


def _write(
    subject: models.Model,
    *,
    case: models.Model,
    rule: DeadlineRule,
    due: datetime.date,
    start: datetime.date | None,
    basis: str,
    explanation: dict[str, Any],
    explanation_text: str,
    sequence: int = 1,
    counted_from: datetime.date | None = None,
    counted_from_moment: datetime.datetime | None = None,
) -> Deadline:
    """Create the row for (subject, rule), or bring a running one up to date. Call in a transaction.

    A met or stopped row is returned as it is: it never moves.
    """
    values: dict[str, Any] = {
        "case_type_id": _content_type(case).pk,
        "case_id": case.pk,
        "sequence": sequence,
        "basis": basis,
        "counted_from": counted_from,
        "counted_from_moment": counted_from_moment,
        "start": start,
        "due": due,
        "explanation": explanation,
        "explanation_text": explanation_text,
    }
    row = Deadline.objects.select_for_update().filter(_subject_filter(subject), rule=rule).first()
    if row is None:
        return Deadline.objects.create(subject=subject, rule=rule, **values)
    return _update(row, values)


def _update(row: Deadline, values: dict[str, Any]) -> Deadline:
    """Bring a locked, running row up to date with ``values``; a met or stopped one never moves.

    A flag stays only while the new due day still lies before the day it was flagged; otherwise the
    deadline is no longer overdue, and the sweep flags it again if it becomes so.
    """
    if not row.is_running:
        return row
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row
    for name in changed:
        setattr(row, name, values[name])
    if row.flagged_overdue_on is not None and row.flagged_overdue_on <= row.due:
        row.flagged_overdue_on = None
        changed.append("flagged_overdue_on")
    row.save(update_fields=[*changed, "updated_at"])
    return row


def _content_type(obj: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(obj)


def _subject_filter(subject: models.Model) -> models.Q:
    return models.Q(subject_type=_content_type(subject), subject_id=subject.pk)


def _computed_values(computed: rules.Deadline) -> dict[str, Any]:
    return {
        "due": computed.due,
        "start": computed.start,
        "basis": computed.basis,
        "counted_from": computed.received,
        "explanation": _stored(computed),
        "explanation_text": computed.explanation,
    }


def _write_computed(
    subject: models.Model,
    *,
    case: models.Model,
    rule: DeadlineRule,
    computed: rules.Deadline,
    sequence: int = 1,
    counted_from_moment: datetime.datetime | None = None,
) -> Deadline:
    return _write(
        subject,
        case=case,
        rule=rule,
        due=computed.due,
        start=computed.start,
        basis=computed.basis,
        explanation=_stored(computed),
        explanation_text=computed.explanation,
        sequence=sequence,
        counted_from=computed.received,
        counted_from_moment=counted_from_moment,
    )


def ensure_acknowledgement_deadline(
    complaint: models.Model,
    *,
    received: datetime.date | datetime.datetime,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """Create or recompute the reg 5 acknowledgement deadline of a complaint (SI 2018/748 reg 5).

    ``received`` is the moment of receipt (or, for the public record, the day). Side effects: one
    ``Deadline`` row created or updated, unless it is already met or stopped. Call inside the
    transaction of the change that caused it; the caller records the audit event.
    """
    with _in_record_language():
        computed = rules.acknowledgement_due(received, calendar=calendar)
    moment = received if isinstance(received, datetime.datetime) else None
    return _write_computed(
        complaint,
        case=complaint,
        rule=DeadlineRule.ACKNOWLEDGEMENT,
        computed=computed,
        counted_from_moment=moment,
    )


def ensure_progress_report_deadline(
    report: models.Model,
    *,
    case: models.Model,
    told_on: datetime.date,
    period: int,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """Create or recompute the deadline of progress report ``period`` (SI 2018/748 reg 7).

    Counted from ``told_on``, the day the body was told the complaint will be investigated
    (reg 6(5)). Side effects: one ``Deadline`` row for ``report`` created or updated, unless it is
    already met or stopped. Call inside the caller's transaction; the caller records the event.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    with _in_record_language():
        computed = rules.progress_report_periods(told_on, period, calendar=cal)[-1]
    return _write_computed(
        report, case=case, rule=DeadlineRule.PROGRESS_REPORT, computed=computed, sequence=period
    )


def _write_set_date(
    subject: models.Model,
    *,
    case: models.Model,
    rule: DeadlineRule,
    due: datetime.date,
    basis: str,
    text: str,
    note: str | None = None,
) -> Deadline:
    """Write a deadline whose date someone sets (a report, the team) rather than a rule counts:
    nothing to skip, no start, the date itself is the result."""
    explanation: dict[str, Any] = {
        "rule": rule.value,
        "basis": basis,
        "counted_from": None,
        "period": None,
        "start": None,
        "skipped": [],
        "result": due.isoformat(),
    }
    if note is not None:
        explanation["note"] = note
    return _write(
        subject,
        case=case,
        rule=rule,
        due=due,
        start=None,
        basis=basis,
        explanation=explanation,
        explanation_text=text,
    )


def ensure_response_deadline(
    obligation: models.Model,
    *,
    case: models.Model,
    due: datetime.date | None,
    explanation: str = "",
    published: datetime.date | datetime.datetime | None = None,
) -> Deadline | None:
    """Set the deadline one addressee has to respond to a recommendation: a date the report (or
    staff) names. No statute fixes it (see ``deadlines.rules.calendar_days_after``).

    ``due=None`` removes a running deadline (no deadline is set), unless ``published`` is given:
    then the report named no date, and the deadline is counted by the rule
    (``deadlines.rules.response_due_after_publication``: 56 calendar days after the London day of
    ``published``, the moment the report became public), which stores what it counted from so the
    working can be shown again in another language. Side effects: one ``Deadline`` row created,
    updated or deleted; a met one is kept as it is. The caller records the event.
    """
    if due is None and published is not None:
        with _in_record_language():
            computed = rules.response_due_after_publication(published)
        return _write_computed(
            obligation,
            case=case,
            rule=DeadlineRule.RESPONSE,
            computed=computed,
            counted_from_moment=published if isinstance(published, datetime.datetime) else None,
        )
    if due is None:
        Deadline.objects.filter(_subject_filter(obligation), rule=DeadlineRule.RESPONSE).running().delete()
        return None
    with _in_record_language():
        basis = gettext("No statute fixes this deadline; the report sets it")
        text = explanation or gettext("Due: by the end of %(due)s, the date the report sets.") % {
            "due": long_date(due)
        }
    return _write_set_date(
        obligation, case=case, rule=DeadlineRule.RESPONSE, due=due, basis=basis, text=text, note=explanation
    )


def ensure_information_request_deadline(
    force_request: models.Model, *, case: models.Model, due: datetime.date
) -> Deadline:
    """Set the day one force must answer an information request by: a date the team sets when it
    sends the request (SI 2018/748 reg 9 applies inspectors' powers to obtain information; no rule
    counts the days).

    Side effects: one ``Deadline`` row created or updated; a met one is kept as it is. The caller
    records the event.
    """
    with _in_record_language():
        basis = gettext("SI 2018/748 reg 9 (the team sets the date it asks for the information by)")
        text = gettext(
            "Due: by the end of %(due)s, the date the super-complaints team set when it sent the request."
        ) % {"due": long_date(due)}
    return _write_set_date(
        force_request, case=case, rule=DeadlineRule.INFORMATION_REQUEST, due=due, basis=basis, text=text
    )


def ensure_accuracy_check_deadline(
    check: models.Model, *, case: models.Model, due: datetime.date
) -> Deadline:
    """Set the closing date of a factual-accuracy check on a draft report: a date the authorities
    set when they open it, or later move. The check closes at the end of that London day. No
    statute fixes it, and it never moves with the holiday calendar.

    Side effects: one ``Deadline`` row created or moved; a met one (the check has closed) is kept
    as it is. The caller records the event.
    """
    with _in_record_language():
        basis = gettext("The closing date the authorities set")
        text = gettext(
            "Closes at the end of %(due)s, the closing date the authorities set for comments on the "
            "draft recommendations."
        ) % {"due": long_date(due)}
    return _write_set_date(
        check, case=case, rule=DeadlineRule.ACCURACY_CHECK, due=due, basis=basis, text=text
    )


def ensure_call_closing_deadline(
    call: models.Model, *, case: models.Model, closes_on: datetime.date
) -> Deadline:
    """Set the day a call for evidence closes: a date the team sets when it opens the call (no
    statute fixes it). The call closes at the end of that day in London (``rules.end_of_london_day``).

    Side effects: one ``Deadline`` row created or updated; a met one (the call has closed) is kept as
    it is. The caller records the event.
    """
    with _in_record_language():
        basis = gettext("No statute fixes this date; the super-complaints team sets it")
        text = gettext(
            "Closes: at the end of %(day)s (midnight, London time), the date the super-complaints team "
            "set for the call for evidence."
        ) % {"day": long_date(closes_on)}
    return _write_set_date(
        call, case=case, rule=DeadlineRule.CALL_FOR_EVIDENCE, due=closes_on, basis=basis, text=text
    )


def meet_deadline(
    subject: models.Model, rule: DeadlineRule, *, at: datetime.datetime | None = None
) -> Deadline | None:
    """Record that the deadline of ``subject`` under ``rule`` was met at ``at``.

    Side effects: sets ``met_at`` on the running row, if there is one; meeting it twice keeps the
    first moment. Returns the row, or None if ``subject`` has no such deadline. Call inside the
    transaction of the change that meets it; the caller records the audit event.
    """
    row = Deadline.objects.select_for_update().filter(_subject_filter(subject), rule=rule).first()
    if row is None or not row.is_running:
        return row
    row.met_at = at or timezone.now()
    row.save(update_fields=["met_at", "updated_at"])
    return row


def stop_deadlines(
    case: models.Model,
    *,
    reason: str,
    at: datetime.datetime | None = None,
    rules_: frozenset[DeadlineRule] | None = None,
) -> int:
    """Stop the running deadlines shown under ``case`` (all, or only those of ``rules_``): the clock
    no longer runs, for example because the complaint was withdrawn. Returns how many stopped.

    Side effects: sets ``stopped_at`` and ``stop_reason`` on each. Call inside the caller's
    transaction; the caller records the audit event.
    """
    running = Deadline.objects.running().filter(case_type=_content_type(case), case_id=case.pk)
    if rules_ is not None:
        running = running.filter(rule__in=[r.value for r in rules_])
    return running.update(stopped_at=at or timezone.now(), stop_reason=reason[:300])


def _recomputed(row: Deadline, calendar: WorkingCalendar) -> rules.Deadline | None:
    with _in_record_language():
        return computed_for(row, calendar=calendar)


def recompute_open_deadlines(*, calendar: WorkingCalendar | None = None) -> int:
    """Re-derive every running deadline counted in working days from the inputs stored on its row:
    the one place a change to the holiday table (SI 2018/748 reg 2) reaches the deadlines.

    Met and stopped deadlines keep their dates. Side effects: each row that moves is updated and
    records ``deadline.recomputed`` (about the record it is shown under, with the old and new due
    day). Returns how many moved. Runs in one transaction, with one reading of the holiday table.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    moved = 0
    with transaction.atomic():
        candidates = (
            Deadline.objects.running()
            .filter(rule__in=[r.value for r in DeadlineRule.recomputable()])
            .select_for_update()
            .order_by("pk")
        )
        for row in candidates:
            computed = _recomputed(row, cal)
            if computed is None or (computed.due, computed.start, computed.explanation) == (
                row.due,
                row.start,
                row.explanation_text,
            ):
                continue
            before = {"due": row.due, "start": row.start}
            updated = _update(row, _computed_values(computed))
            if before["due"] != updated.due or before["start"] != updated.start:
                moved += 1
            case = row.case
            record_event(
                action="deadline.recomputed",
                obj=case if case is not None else row,
                before={"rule": row.rule, "number": row.sequence, **before},
                after={"rule": row.rule, "number": row.sequence, "due": updated.due, "start": updated.start},
            )
    return moved
