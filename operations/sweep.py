"""The deadline sweep: claims overdue deadline rows one by one and flags each once.

It sits above the domain apps because it coordinates them: it asks ``complaints`` to store the
reg 7 period running today, then walks the deadlines ledger. Like healthchecks' ``sendalerts``,
each row is claimed in its own short transaction with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
any number of sweeps can run at once (two cron hosts, a retry on top of a slow run): a row another
sweep holds is skipped, a row it has flagged no longer matches, and so each row is flagged once
and a second run changes nothing.

Reminders before a deadline and escalation after it are steps on the same rows, each a function
of the shape of ``flag_overdue`` (claim one row with SKIP LOCKED, check under the lock, change,
audit), called from ``sweep_deadlines`` for the rows its own query selects: information requests'
reminders and chasers (``inquiries.services.send_chasers``) and the response deadlines' ladder
(``recommendations.escalation.run_ladder``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import models, transaction

from accuracy.services import close_expired_checks
from alerts.services import send_alerts
from audit.services import record_event
from calls.services import close_ended_calls
from complaints.services import store_running_progress_reports
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline, DeadlineRule
from inquiries.services import send_chasers
from operations.retention import apply_retention
from pagecache.cache import SITE, renew_if_lapsed, warm_after_purge, warming_enabled
from recommendations.escalation import run_ladder
from reports.publication import release_due_reports
from themes.services import queue_pending_passages

# The audit event each kind of deadline records when it is flagged, and what the event is about:
# the names the casework history has always shown.
OVERDUE_EVENTS: dict[str, tuple[str, str]] = {
    DeadlineRule.ACKNOWLEDGEMENT: ("complaint.acknowledgement_overdue", "case"),
    DeadlineRule.PROGRESS_REPORT: ("complaint.progress_report_overdue", "case"),
    DeadlineRule.RESPONSE: ("obligation.overdue", "subject"),
    DeadlineRule.INFORMATION_REQUEST: ("information_request.overdue", "subject"),
    # A check is closed by the sweep before it flags anything, so its row is met, not overdue; the
    # entry is there for a row that could not be closed (its check deleted under it).
    DeadlineRule.ACCURACY_CHECK: ("accuracy_check.overdue", "subject"),
}


def flag_overdue(pk: int, on: datetime.date) -> Deadline | None:
    """Flag one deadline overdue on ``on``, if it still is and no other sweep holds it.

    Its own transaction: the row is locked with SKIP LOCKED and re-checked under the lock, so a
    row another sweep is flagging, or has flagged, is left alone. Side effects: sets
    ``flagged_overdue_on``; records the rule's ``*.overdue`` event. Returns the row if it was
    flagged now, None otherwise.
    """
    with transaction.atomic():
        row = (
            Deadline.objects.to_flag(on)
            .filter(rule__in=list(OVERDUE_EVENTS))
            .select_for_update(skip_locked=True)
            .filter(pk=pk)
            .first()
        )
        if row is None:
            return None
        row.flagged_overdue_on = on
        row.save(update_fields=["flagged_overdue_on", "updated_at"])
        action, about = OVERDUE_EVENTS[row.rule]
        obj: models.Model = getattr(row, about)
        after: dict[str, Any] = {"due": row.due, "flagged_on": on}
        if row.rule == DeadlineRule.PROGRESS_REPORT:
            after = {"period": row.sequence, **after}
        record_event(action=action, obj=obj, after=after)
    return row


def sweep_deadlines(
    on: datetime.date, *, calendar: WorkingCalendar | None = None, now: datetime.datetime | None = None
) -> Counter[str]:
    """Release every report whose embargo has ended (at ``now``, by default the present moment),
    then flag every deadline overdue on ``on``. Safe to run twice, and twice at once.

    One working-day calendar (one reading of the holiday table) serves the whole sweep. Returns
    how many rows were newly flagged, by rule, and how many of each other step was taken
    (information requests' reminders and chasers, the response ladder's steps:
    ``recommendations.escalation.COUNTERS``, the records the retention job treated, the evidence
    documents queued to have their passages embedded, and 1 in ``public_pages_renewed`` when it
    started the public pages' lapsed version and queued their warming).
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    # Reports whose embargo has ended and that the task worker has not yet released (its
    # obligations' deadlines must exist before the sweep judges them).
    released = release_due_reports(now=now)
    # The public's e-mail alerts, so a report released in this run is alerted in it (each
    # subscriber and event once, whichever sweep writes it).
    alerts = send_alerts(now)
    store_running_progress_reports(on, calendar=cal)
    # Factual-accuracy checks whose closing day has ended are closed (their rows met) first, and so
    # are calls for evidence: neither is late when its day ends, it closes. Their rows are met,
    # never flagged.
    closed_checks = close_expired_checks(on)
    closed_calls = close_ended_calls(on)
    flagged: Counter[str] = Counter({rule.value: 0 for rule in DeadlineRule if rule in OVERDUE_EVENTS})
    flagged["reports_released"] = released
    flagged["alerts_written"] = alerts
    candidates = list(
        Deadline.objects.to_flag(on)
        .filter(rule__in=list(OVERDUE_EVENTS))
        .order_by("due", "pk")
        .values_list("pk", flat=True)
    )
    for pk in candidates:
        row = flag_overdue(pk, on)
        if row is not None:
            flagged[row.rule] += 1
    # Reminders before and chasers after an information request's deadline, each claiming its own
    # rows; counted beside the flags so the command can report them.
    sent = send_chasers(on, calendar=cal)
    flagged["information_request_reminders"] = sent["reminders"]
    flagged["information_request_chasers"] = sent["chasers"]
    # The response deadlines' ladder: reminders before, chaser, letter and public mark after
    # (recommendations.escalation), each step claimed with its own row lock like the flags above.
    flagged.update(run_ladder(on, now=now))
    flagged["accuracy_checks_closed"] = closed_checks
    flagged["calls_closed"] = closed_calls
    # Evidence documents whose passages the model has not read since their text was extracted (the
    # extraction queues each one itself; this catches those extracted before, or whose task was
    # lost): one task in the worker for all of them, never the model in the sweep's own process.
    flagged["passage_documents_queued"] = queue_pending_passages()
    # Last, and each record in its own transaction: the retention schedule's anonymising and
    # deleting (operations.retention), which never touches what the register has published.
    flagged["retention_treated"] = sum(apply_retention(on).values())
    # The public pages' version lapses at London midnight by itself (pagecache.cache); when no
    # visitor has started the day's version yet, start it and have the worker render the pages
    # before the first visitor asks (only when warming is on: it needs a shared cache).
    flagged["public_pages_renewed"] = 0
    if warming_enabled() and renew_if_lapsed(now):
        warm_after_purge([SITE])
        flagged["public_pages_renewed"] = 1
    return flagged
