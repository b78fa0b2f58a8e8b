"""The services of calls for evidence: opening, editing, closing, responding and reviewing."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditEvent
from calls.models import CallForEvidence, CallResponse, Signpost
from calls.services import (
    CallError,
    QuestionSpec,
    StaleCall,
    close_call,
    close_ended_calls,
    mark_reviewed,
    open_call,
    submit_response,
    tag_response,
    update_call,
)
from deadlines.models import Deadline, DeadlineRule
from operations.sweep import sweep_deadlines
from tests.builders import london, received
from tests.calls.support import QUESTIONS, ensure_signposts, investigated

pytestmark = pytest.mark.django_db

OPENED = london(2026, 6, 1, 9)


def a_call(closes_on: datetime.date = datetime.date(2026, 6, 30), **kwargs) -> CallForEvidence:
    ensure_signposts()
    return open_call(
        kwargs.pop("complaint", None) or investigated(),
        title="Reporting exploitation",
        introduction="Tell us what happened.",
        opens_on=kwargs.pop("opens_on", datetime.date(2026, 6, 2)),
        closes_on=closes_on,
        questions=QUESTIONS,
        at=OPENED,
        **kwargs,
    )


def answer(call: CallForEvidence, at: datetime.datetime, **kwargs) -> CallResponse:
    first = call.questions.get(position=1)
    return submit_response(
        call, answers={first.pk: "I was turned away."}, consent_given=True, at=at, **kwargs
    )


def test_opening_a_call_writes_its_questions_signposts_ledger_row_and_event(public_record):
    call = a_call(signposts=Signpost.objects.filter(key="samaritans"))
    assert [(q.position, q.text, q.required) for q in call.questions.all()] == [
        (1, "What happened when you contacted the police?", True),
        (2, "What would have helped you?", False),
    ]
    # The helpline and 999 are on every call, whatever was chosen.
    assert [s.key for s in call.signposts.all()] == ["emergency", "modern-slavery-helpline", "samaritans"]
    row = Deadline.objects.get(rule=DeadlineRule.CALL_FOR_EVIDENCE, subject_id=call.pk)
    assert row.due == datetime.date(2026, 6, 30)
    assert row.case == call.complaint
    assert row.explanation_text == (
        "Closes: at the end of Tuesday 30 June 2026 (midnight, London time), the date the "
        "super-complaints team set for the call for evidence."
    )
    event = AuditEvent.objects.get(action="call.opened")
    assert event.after["questions"] == [q.text for q in QUESTIONS]
    assert event.after["closes_on"] == "2026-06-30"


def test_a_call_needs_an_investigated_complaint_questions_and_sane_dates(public_record):
    with pytest.raises(CallError, match="while a complaint is investigated"):
        a_call(complaint=received("Not yet assessed"))
    complaint = investigated()
    with pytest.raises(CallError, match="at least one question"):
        open_call(
            complaint,
            title="T",
            introduction="I",
            opens_on=datetime.date(2026, 6, 2),
            closes_on=datetime.date(2026, 6, 3),
            questions=[QuestionSpec("  ")],
            at=OPENED,
        )
    with pytest.raises(CallError, match="same as or after the date it opens"):
        a_call(complaint=complaint, closes_on=datetime.date(2026, 6, 1))
    with pytest.raises(CallError, match="today or in the future"):
        a_call(complaint=complaint, opens_on=datetime.date(2026, 5, 31))
    assert not CallForEvidence.objects.exists()


def test_a_call_can_be_changed_before_it_opens_and_not_after(public_record):
    call = a_call()
    changed = update_call(
        call,
        title="Reporting exploitation to the police",
        introduction="Tell us.",
        opens_on=datetime.date(2026, 6, 3),
        closes_on=datetime.date(2026, 7, 10),
        questions=[QuestionSpec("Only this one?", required=True)],
        expected_version=1,
        at=london(2026, 6, 1, 23, 59),
    )
    assert changed.version == 2
    assert [q.text for q in changed.questions.all()] == ["Only this one?"]
    assert Deadline.objects.get(rule=DeadlineRule.CALL_FOR_EVIDENCE, subject_id=call.pk).due == datetime.date(
        2026, 7, 10
    )
    assert AuditEvent.objects.get(action="call.updated").before["closes_on"] == "2026-06-30"
    with pytest.raises(StaleCall):
        update_call(
            call,
            title="X",
            introduction="Y",
            opens_on=datetime.date(2026, 6, 3),
            closes_on=datetime.date(2026, 7, 10),
            questions=QUESTIONS,
            expected_version=1,
            at=london(2026, 6, 1, 23, 59),
        )
    with pytest.raises(CallError, match="has opened"):
        update_call(
            call,
            title="X",
            introduction="Y",
            opens_on=datetime.date(2026, 6, 3),
            closes_on=datetime.date(2026, 7, 10),
            questions=QUESTIONS,
            expected_version=2,
            at=london(2026, 6, 3, 0, 0),
        )


@pytest.mark.parametrize(
    ("closes_on", "last_moment_open", "first_moment_closed"),
    [
        # British Summer Time: the day ends at 23:00 UTC.
        (
            datetime.date(2026, 6, 30),
            datetime.datetime(2026, 6, 30, 22, 59, 59, 999999, tzinfo=datetime.UTC),
            datetime.datetime(2026, 6, 30, 23, 0, tzinfo=datetime.UTC),
        ),
        # Closing the day before the clocks go forward (29 March 2026): the day ends at midnight GMT.
        (
            datetime.date(2026, 3, 28),
            datetime.datetime(2026, 3, 28, 23, 59, 59, 999999, tzinfo=datetime.UTC),
            datetime.datetime(2026, 3, 29, 0, 0, tzinfo=datetime.UTC),
        ),
        # Closing the day before the clocks go back (25 October 2026): still BST at midnight.
        (
            datetime.date(2026, 10, 24),
            datetime.datetime(2026, 10, 24, 22, 59, 59, 999999, tzinfo=datetime.UTC),
            datetime.datetime(2026, 10, 24, 23, 0, tzinfo=datetime.UTC),
        ),
    ],
)
def test_a_call_closes_exactly_at_midnight_in_london_at_the_end_of_its_day(
    public_record, closes_on, last_moment_open, first_moment_closed
):
    call = open_call(
        investigated(),
        title="Reporting exploitation",
        introduction="Tell us what happened.",
        opens_on=datetime.date(2026, 3, 2),
        closes_on=closes_on,
        questions=QUESTIONS,
        at=london(2026, 3, 1, 9),
    )
    assert answer(call, last_moment_open).submitted_at == last_moment_open
    with pytest.raises(CallError) as refused:
        answer(call, first_moment_closed)
    assert "closed on" in str(refused.value)
    assert CallResponse.objects.count() == 1


def test_a_call_takes_no_answers_before_it_opens(public_record):
    call = a_call()
    with pytest.raises(CallError, match="not open yet"):
        answer(call, london(2026, 6, 1, 23, 59, 59))
    assert answer(call, london(2026, 6, 2, 0, 0)).pk


def test_an_anonymous_response_keeps_no_name_and_its_event_no_personal_data(public_record):
    call = a_call()
    response = answer(
        call, london(2026, 6, 5, 10), anonymous=True, name="Sam Survivor", email="sam@example.org"
    )
    assert (response.name, response.email, response.anonymous) == ("", "", True)
    assert response.consent_version == "2026-12"
    assert len(response.receipt_code) == 14 and response.receipt_code.count("-") == 2
    event = AuditEvent.objects.get(action="call_response.submitted")
    assert event.after == {
        "call": "Reporting exploitation",
        "answered": 1,
        "files": 0,
        "anonymous": True,
        "language": "en",
        "consent_version": "2026-12",
    }
    named = answer(call, london(2026, 6, 5, 11), anonymous=False, name="Sam", email="sam@example.org")
    assert (named.name, named.email) == ("Sam", "sam@example.org")
    assert "sam@example.org" not in str(AuditEvent.objects.filter(action="call_response.submitted").values())
    assert named.receipt_code != response.receipt_code


def test_a_response_needs_consent_and_the_required_answers(public_record):
    call = a_call()
    second = call.questions.get(position=2)
    with pytest.raises(CallError, match="agree"):
        submit_response(call, answers={}, consent_given=False, at=london(2026, 6, 5, 10))
    with pytest.raises(CallError, match="Not answered: 1"):
        submit_response(
            call, answers={second.pk: "Being believed"}, consent_given=True, at=london(2026, 6, 5, 10)
        )
    with pytest.raises(CallError, match="out of date"):
        answer(call, london(2026, 6, 5, 10), consent_version="1999")
    assert not CallResponse.objects.exists()


def test_closing_early_refuses_answers_from_that_moment_and_meets_the_row(public_record):
    call = a_call()
    with pytest.raises(CallError, match="not opened"):
        close_call(call, at=london(2026, 6, 1, 12))
    closed = close_call(call, at=london(2026, 6, 10, 15))
    assert closed.closed_on == datetime.date(2026, 6, 10)
    row = Deadline.objects.get(rule=DeadlineRule.CALL_FOR_EVIDENCE, subject_id=call.pk)
    assert row.met_at == london(2026, 6, 10, 15)
    with pytest.raises(CallError, match="closed on Wednesday 10 June 2026"):
        answer(call, london(2026, 6, 10, 15, 0, 1))
    with pytest.raises(CallError, match="already closed"):
        close_call(call, at=london(2026, 6, 11, 9))


def test_the_sweep_closes_ended_calls_once_and_never_flags_them_overdue(public_record):
    call = a_call()
    assert close_ended_calls(datetime.date(2026, 6, 30)) == 0
    counts = sweep_deadlines(datetime.date(2026, 7, 1))
    assert counts["calls_closed"] == 1
    row = Deadline.objects.get(rule=DeadlineRule.CALL_FOR_EVIDENCE, subject_id=call.pk)
    assert row.met_at == datetime.datetime(2026, 6, 30, 23, 0, tzinfo=datetime.UTC)
    assert row.flagged_overdue_on is None
    assert sweep_deadlines(datetime.date(2026, 7, 2))["calls_closed"] == 0
    assert AuditEvent.objects.filter(action="call.closed").count() == 1


def test_tags_and_review(public_record):
    call = a_call()
    response = answer(call, london(2026, 6, 5, 10))
    tag_response(response, tags=["Follow up", "  language   barrier "])
    tag_response(response, tags=["follow up", "Language barrier"])  # the same, whatever the case
    assert sorted(t.name for t in response.tags.all()) == ["Follow up", "language barrier"]
    assert AuditEvent.objects.filter(action="call_response.tagged").count() == 1
    reviewed = mark_reviewed(response, at=london(2026, 6, 6, 9))
    again = mark_reviewed(response, at=london(2026, 6, 7, 9))
    assert reviewed.reviewed_at == again.reviewed_at == london(2026, 6, 6, 9)
    assert AuditEvent.objects.filter(action="call_response.reviewed").count() == 1
