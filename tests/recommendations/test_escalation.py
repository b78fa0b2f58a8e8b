"""The reminders and escalation ladder on response deadlines: exact days, each step once, a
missed day taking only the latest message, a response stopping it, a report's own ladder, London
days, and an e-mail failure retried without loss."""

import datetime
import re
import types

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.rules import to_london_date
from operations.management.commands import sweep_deadlines as sweep_command
from operations.sweep import sweep_deadlines
from outbox import services as outbox
from outbox.models import Message, MessageState
from recommendations.escalation import (
    DEFAULTS,
    EscalationError,
    ladder_for,
    obligation_timeline,
    run_ladder,
    set_escalation_ladder,
    take_step,
)
from recommendations.models import EscalationLadder, Obligation, ObligationStep
from recommendations.services import record_response_submitted
from recommendations.verification import record_verification
from tests.builders import london
from tests.outbox.smtp_server import SMTPServer
from tests.recommendations.ladder_support import DUE, addressee_people, published_report, published_response

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
KENT_RESPONDERS = ["chief@kent.example", "drafter@kent.example"]
HOME_OFFICE_RESPONDERS = ["drafter@homeoffice.example", "permsec@homeoffice.example"]


@pytest.fixture
def published(public_record):
    addressee_people()
    return published_report()


def _ladder_messages():
    return Message.objects.filter(dedupe_key__startswith="obligation:").order_by("pk")


def _steps(obligation):
    return [
        (s.key, s.taken_on)
        for s in ObligationStep.objects.filter(obligation=obligation).order_by("taken_on", "pk")
    ]


def _sweep_every_day(first, last):
    day, totals = first, []
    while day <= last:
        counts = run_ladder(day)
        if any(counts.values()):
            totals.append((day, dict(counts)))
        day += DAY
    return totals


def test_the_default_ladder_takes_each_step_on_its_calendar_day_once(published):
    assert published.kent.due == DUE == datetime.date(2026, 8, 26)  # 56 days after 1 July 2026
    taken = _sweep_every_day(datetime.date(2026, 7, 1), datetime.date(2026, 10, 31))
    # Both obligations on the same days: reminders 14 and 3 days before, the chaser the day after,
    # the letter on day 14 and the public mark on day 28 (the bank holiday of 31 August counts).
    none = {
        "response_reminders": 0,
        "response_chasers": 0,
        "response_letters": 0,
        "responses_marked_overdue": 0,
    }
    assert taken == [
        (datetime.date(2026, 8, 12), {**none, "response_reminders": 2}),
        (datetime.date(2026, 8, 23), {**none, "response_reminders": 2}),
        (datetime.date(2026, 8, 27), {**none, "response_chasers": 2}),
        (datetime.date(2026, 9, 9), {**none, "response_letters": 2}),
        (datetime.date(2026, 9, 23), {**none, "responses_marked_overdue": 2}),
    ]
    assert _steps(published.kent) == [
        ("reminder:14", datetime.date(2026, 8, 12)),
        ("reminder:3", datetime.date(2026, 8, 23)),
        ("chaser", datetime.date(2026, 8, 27)),
        ("letter", datetime.date(2026, 9, 9)),
        ("public_mark", datetime.date(2026, 9, 23)),
    ]
    kent, home_office = published.kent.pk, published.home_office.pk
    # Home Office first: its obligation was made first (addressees by name).
    assert [(m.dedupe_key, m.to) for m in _ladder_messages()] == [
        (f"obligation:{home_office}:reminder:14:2026-08-26", HOME_OFFICE_RESPONDERS),
        (f"obligation:{kent}:reminder:14:2026-08-26", KENT_RESPONDERS),
        (f"obligation:{home_office}:reminder:3:2026-08-26", HOME_OFFICE_RESPONDERS),
        (f"obligation:{kent}:reminder:3:2026-08-26", KENT_RESPONDERS),
        (f"obligation:{home_office}:chaser:2026-08-26", HOME_OFFICE_RESPONDERS),
        (f"obligation:{kent}:chaser:2026-08-26", KENT_RESPONDERS),
        # The letter: the head of a national body; the chief officer and the local policing body.
        (f"obligation:{home_office}:letter:2026-08-26", ["permsec@homeoffice.example"]),
        (f"obligation:{kent}:letter:2026-08-26", ["chief@kent.example", "office@kent-pcc.example"]),
    ]
    for obligation in (published.kent, published.home_office):
        obligation.refresh_from_db()
        assert obligation.publicly_overdue_on == datetime.date(2026, 9, 23)
    events = AuditEvent.objects.filter(object_id=str(kent), object_type="recommendations.obligation")
    assert [
        (e.action, e.after)
        for e in events.filter(
            action__in=[
                "obligation.reminded",
                "obligation.chased",
                "obligation.escalated",
                "obligation.marked_overdue",
            ]
        ).order_by("sequence")
    ] == [
        (
            "obligation.reminded",
            {"step": "reminder:14", "due": "2026-08-26", "on": "2026-08-12", "recipients": 2},
        ),
        (
            "obligation.reminded",
            {"step": "reminder:3", "due": "2026-08-26", "on": "2026-08-23", "recipients": 2},
        ),
        ("obligation.chased", {"step": "chaser", "due": "2026-08-26", "on": "2026-08-27", "recipients": 2}),
        (
            "obligation.escalated",
            {"step": "letter", "due": "2026-08-26", "on": "2026-09-09", "recipients": 2},
        ),
        (
            "obligation.marked_overdue",
            {"step": "public_mark", "due": "2026-08-26", "on": "2026-09-23", "recipients": 0},
        ),
    ]


def test_the_messages_say_what_is_due_and_by_when(published):
    run_ladder(datetime.date(2026, 8, 23))
    run_ladder(datetime.date(2026, 9, 9))
    reminder = Message.objects.get(dedupe_key=f"obligation:{published.kent.pk}:reminder:3:2026-08-26")
    assert reminder.subject == (
        f"Reminder: your response to {published.kent.recommendation.reference} is due by Wednesday 26 August 2026"
    )
    body = outbox.render_body(reminder)
    assert "is due by the end of Wednesday 26 August 2026" in body
    assert "There are 3 days left." in body
    assert "https://super-complaints.test/portal/" in body
    letter = Message.objects.get(dedupe_key=f"obligation:{published.kent.pk}:letter:2026-08-26")
    assert "It is now 14 days overdue." in outbox.render_body(letter)


def test_a_second_run_on_the_same_day_takes_nothing_and_sends_nothing_again(published):
    first = run_ladder(datetime.date(2026, 8, 12))
    assert first["response_reminders"] == 2
    snapshot = (AuditEvent.objects.count(), ObligationStep.objects.count(), _ladder_messages().count())
    assert run_ladder(datetime.date(2026, 8, 12))["response_reminders"] == 0
    assert take_step(published.kent.pk, datetime.date(2026, 8, 12)) == []
    assert snapshot == (
        AuditEvent.objects.count(),
        ObligationStep.objects.count(),
        _ladder_messages().count(),
    )
    assert _ladder_messages().count() == 2


def test_a_sweep_that_missed_days_takes_the_latest_message_only_and_the_mark_when_due(published):
    # Nothing ran until 15 September: one letter, no burst of the reminders and chaser missed.
    counts = run_ladder(datetime.date(2026, 9, 15))
    assert (counts["response_reminders"], counts["response_chasers"], counts["response_letters"]) == (0, 0, 2)
    assert _steps(published.kent) == [("letter", datetime.date(2026, 9, 15))]
    # Nor are they taken later; the mark comes on its own day even after a gap.
    assert not any(run_ladder(datetime.date(2026, 9, 16)).values())
    assert run_ladder(datetime.date(2026, 10, 1))["responses_marked_overdue"] == 2
    assert _steps(published.kent) == [
        ("letter", datetime.date(2026, 9, 15)),
        ("public_mark", datetime.date(2026, 10, 1)),
    ]
    # A reminder whose day was missed is still sent before the deadline: the latest one due.
    assert [s.key for s in ObligationStep.objects.filter(key__startswith="reminder")] == []


def test_a_missed_reminder_is_sent_late_but_before_the_due_day_and_not_after(published):
    assert run_ladder(datetime.date(2026, 8, 20))["response_reminders"] == 2  # reminder:14, late
    assert run_ladder(datetime.date(2026, 8, 26))["response_reminders"] == 2  # reminder:3, on the due day
    assert _steps(published.kent) == [
        ("reminder:14", datetime.date(2026, 8, 20)),
        ("reminder:3", datetime.date(2026, 8, 26)),
    ]


def test_a_submitted_response_stops_the_ladder(published):
    run_ladder(datetime.date(2026, 8, 12))
    record_response_submitted(published.kent, at=london(2026, 8, 21, 15))
    later = _sweep_every_day(datetime.date(2026, 8, 13), datetime.date(2026, 10, 31))
    # Only the Home Office, which has not answered, hears any more.
    assert [day for day, _counts in later] == [
        datetime.date(2026, 8, 23),
        datetime.date(2026, 8, 27),
        datetime.date(2026, 9, 9),
        datetime.date(2026, 9, 23),
    ]
    assert all(sum(counts.values()) == 1 for _day, counts in later)
    assert _steps(published.kent) == [("reminder:14", datetime.date(2026, 8, 12))]
    published.kent.refresh_from_db()
    assert published.kent.publicly_overdue_on is None


def test_a_late_response_after_the_letter_stops_the_mark(published):
    run_ladder(datetime.date(2026, 9, 9))
    record_response_submitted(published.kent, at=london(2026, 9, 20, 9))
    run_ladder(datetime.date(2026, 9, 23))
    assert _steps(published.kent) == [("letter", datetime.date(2026, 9, 9))]
    assert Obligation.objects.get(pk=published.kent.pk).publicly_overdue_on is None
    assert Obligation.objects.get(pk=published.home_office.pk).publicly_overdue_on == datetime.date(
        2026, 9, 23
    )


def test_a_reports_own_ladder_changes_the_days(published):
    assert ladder_for(published.report) == DEFAULTS
    set_escalation_ladder(
        published.report,
        reminder_days_before=[7],
        chaser_days_after=2,
        letter_days_after=10,
        public_mark_days_after=21,
    )
    ladder = ladder_for(published.report)
    assert (ladder.reminder_days_before, ladder.chaser_days_after, ladder.letter_days_after) == ((7,), 2, 10)
    assert ladder.public_mark_days_after == 21 and ladder.configured
    _sweep_every_day(datetime.date(2026, 7, 1), datetime.date(2026, 10, 31))
    assert _steps(published.kent) == [
        ("reminder:7", datetime.date(2026, 8, 19)),
        ("chaser", datetime.date(2026, 8, 28)),
        ("letter", datetime.date(2026, 9, 5)),
        ("public_mark", datetime.date(2026, 9, 16)),
    ]
    event = AuditEvent.objects.get(action="report.escalation_ladder_set")
    assert event.before == {
        "reminder_days_before": [14, 3],
        "chaser_days_after": 1,
        "letter_days_after": 14,
        "public_mark_days_after": 28,
        "configured": False,
    }
    assert event.after == {
        "reminder_days_before": [7],
        "chaser_days_after": 2,
        "letter_days_after": 10,
        "public_mark_days_after": 21,
        "configured": True,
    }
    # The same ladder again records nothing.
    set_escalation_ladder(
        published.report,
        reminder_days_before=[7],
        chaser_days_after=2,
        letter_days_after=10,
        public_mark_days_after=21,
    )
    assert AuditEvent.objects.filter(action="report.escalation_ladder_set").count() == 1


@pytest.mark.parametrize(
    ("reminders", "chaser", "letter", "mark", "message"),
    [
        ([0], 1, 14, 28, "Each reminder must go between 1 and 365 days before the deadline."),
        ([400], 1, 14, 28, "Each reminder must go between 1 and 365 days before the deadline."),
        ([1, 2, 3, 4, 5, 6], 1, 14, 28, "Choose at most 5 reminders before the deadline."),
        ([14], 0, 14, 28, "must each come between 1 and 365 days after the deadline."),
        ([14], 14, 14, 28, "The reminder after the deadline must come before the letter"),
        ([14], 1, 28, 14, "the letter before the overdue mark on the register."),
    ],
)
def test_a_ladder_out_of_order_or_out_of_range_is_refused(
    published, reminders, chaser, letter, mark, message
):
    with pytest.raises(EscalationError, match=re.escape(message)):
        set_escalation_ladder(
            published.report,
            reminder_days_before=reminders,
            chaser_days_after=chaser,
            letter_days_after=letter,
            public_mark_days_after=mark,
        )
    assert not EscalationLadder.objects.exists()


def test_a_sweep_at_2330_utc_in_summer_is_for_the_next_london_day(published, monkeypatch, capsys):
    moment = datetime.datetime(2026, 8, 11, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 12 August in London
    assert to_london_date(moment) == datetime.date(2026, 8, 12)
    monkeypatch.setattr(sweep_command, "timezone", types.SimpleNamespace(now=lambda: moment))
    call_command("sweep_deadlines")
    out = capsys.readouterr().out
    assert "Swept for 12 August 2026" in out
    assert (
        "response reminders sent: 2, chasers sent: 0, letters sent: 0, marked overdue on the register: 0;"
        in out
    )
    assert _steps(published.kent) == [("reminder:14", datetime.date(2026, 8, 12))]


def test_the_sweep_counts_the_ladders_steps(published):
    counts = sweep_deadlines(datetime.date(2026, 8, 27))
    assert counts["response_chasers"] == 2
    assert counts["response"] == 2  # flagged overdue as before


def test_a_refused_smtp_connection_keeps_the_reminder_and_it_is_sent_once_when_the_server_is_back(
    published, django_capture_on_commit_callbacks
):
    outbox.send_due_messages()  # the publication's own notices, out of the way
    with SMTPServer(refusing=True) as server, override_settings(**server.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            run_ladder(datetime.date(2026, 8, 12))
        rows = list(_ladder_messages())
        assert [(m.state, m.attempts) for m in rows] == [(MessageState.RETRYING, 1)] * 2
        assert server.received == []
        # The sweep running again does not write or send the reminders again.
        with django_capture_on_commit_callbacks(execute=True):
            run_ladder(datetime.date(2026, 8, 12))
        assert _ladder_messages().count() == 2
        server.refusing = False
        result = outbox.send_due_messages(now=timezone.now() + datetime.timedelta(minutes=2))
        assert result.sent == 2
        assert sorted(tuple(to) for _sender, to, _message in server.received) == sorted(
            [tuple(KENT_RESPONDERS), tuple(HOME_OFFICE_RESPONDERS)]
        )
        assert outbox.send_due_messages(now=timezone.now() + datetime.timedelta(hours=1)).sent == 0
        assert len(server.received) == 2


def test_the_timeline_lists_the_deadline_the_steps_the_response_and_the_verification(published):
    run_ladder(datetime.date(2026, 8, 12), now=london(2026, 8, 12, 1))
    run_ladder(datetime.date(2026, 8, 27), now=london(2026, 8, 27, 1))
    published_response(published.kent, at=london(2026, 8, 28, 10), explanation="We accept it.")
    record_verification(published.kent, state="self_reported_complete", note="")
    titles = [entry.title for entry in obligation_timeline(published.kent)]
    assert titles == [
        "Response deadline set",
        "Reminder before the deadline",
        "Reminder after the deadline",
        "Response submitted",
        "Response published on the register",
        "Verification recorded: Self-reported complete",
    ]
