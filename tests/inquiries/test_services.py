import datetime

import pytest

from audit.models import AuditEvent
from deadlines.models import Deadline, DeadlineRule
from inquiries.models import ForceRequest
from inquiries.selectors import Completeness, completeness, requests_for_forces
from inquiries.services import InquiryError, send_information_request, submit_force_answer
from operations.sweep import sweep_deadlines
from outbox.models import Message
from tests.builders import london, org, received
from tests.inquiries.scenario import DUE, FORCES, answer, force_user, send_to_five, two_answer_one_late

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def test_one_request_per_force_each_with_its_ledger_row_and_email():
    force_user("Kent Police", "kent@example.police.uk")
    request = send_to_five()
    assert [fr.force.name for fr in request.force_requests.order_by("force__name")] == FORCES
    assert [q.text for q in request.questions.all()] == [
        "How many referrals did you make in 2025?",
        "Who decides on a referral?",
    ]
    rows = Deadline.objects.filter(rule=DeadlineRule.INFORMATION_REQUEST)
    assert rows.count() == 5
    assert {row.due for row in rows} == {DUE}
    row = rows.get(subject_id=request.force_requests.get(force__name="Kent Police").pk)
    assert row.case == request.complaint
    assert row.basis.startswith("SI 2018/748 reg 9")
    assert row.explanation_text == (
        "Due: by the end of Friday 27 February 2026, the date the super-complaints team set when it sent the request."
    )
    # Only Kent has a user to write to; the other forces have nobody yet.
    sent = Message.objects.filter(dedupe_key__startswith="information_request:")
    assert [m.to for m in sent] == [["kent@example.police.uk"]]
    assert AuditEvent.objects.filter(action="information_request.sent").count() == 1


def test_a_request_needs_an_investigation_questions_forces_and_a_future_date():
    complaint = received("Not yet eligible")
    with pytest.raises(InquiryError, match="investigated"):
        send_information_request(
            complaint,
            title="T",
            questions=["Q"],
            due=DUE,
            forces=[org("Kent Police")],
            at=london(2026, 2, 10),
        )
    request = send_to_five()
    complaint = request.complaint
    with pytest.raises(InquiryError, match="at least one question"):
        send_information_request(
            complaint,
            title="T",
            questions=[" "],
            due=DUE,
            forces=[org("Kent Police")],
            at=london(2026, 2, 10),
        )
    with pytest.raises(InquiryError, match="at least one force"):
        send_information_request(
            complaint, title="T", questions=["Q"], due=DUE, forces=[], at=london(2026, 2, 10)
        )
    with pytest.raises(InquiryError, match="police forces only"):
        send_information_request(
            complaint, title="T", questions=["Q"], due=DUE, forces=[org("Hestia")], at=london(2026, 2, 10)
        )
    with pytest.raises(InquiryError, match="future"):
        send_information_request(
            complaint,
            title="T",
            questions=["Q"],
            due=datetime.date(2026, 2, 10),
            forces=[org("Kent Police")],
            at=london(2026, 2, 10, 9),
        )


def test_answering_meets_the_ledger_row_at_the_moment_of_answer():
    request = send_to_five()
    force_request = answer(request, "Kent Police", london(2026, 3, 3, 9))
    row = Deadline.objects.get(rule=DeadlineRule.INFORMATION_REQUEST, subject_id=force_request.pk)
    assert row.met_at == london(2026, 3, 3, 9)
    assert [a.text for a in force_request.answers.all()] == ["Kent Police answers 1", "Kent Police answers 2"]
    event = AuditEvent.objects.get(action="information_request.answered")
    assert event.after["late"] is True
    with pytest.raises(InquiryError, match="already been answered"):
        answer(request, "Kent Police", london(2026, 3, 4, 9))


def test_every_question_must_be_answered():
    request = send_to_five()
    force_request = request.force_requests.get(force__name="Kent Police")
    first = request.questions.first()
    with pytest.raises(InquiryError, match="Not answered: 2"):
        submit_force_answer(force_request, answers={first.pk: "Yes"}, at=london(2026, 2, 11))
    assert ForceRequest.objects.get(pk=force_request.pk).answered_at is None


def test_five_forces_two_answering_one_late_two_silent():
    request = send_to_five()
    two_answer_one_late(request)
    table = completeness(request, today=datetime.date(2026, 3, 5))
    assert [(row.force.name, row.status, row.answered_on) for row in table.rows] == [
        ("Cumbria Constabulary", Completeness.ANSWERED_ON_TIME, datetime.date(2026, 2, 20)),
        ("Dyfed-Powys Police", Completeness.ANSWERED_ON_TIME, datetime.date(2026, 2, 27)),
        ("Kent Police", Completeness.ANSWERED_LATE, datetime.date(2026, 3, 3)),
        ("Merseyside Police", Completeness.OVERDUE, None),
        ("Suffolk Constabulary", Completeness.OVERDUE, None),
    ]
    assert table.counts == {"answered_on_time": 2, "answered_late": 1, "overdue": 2, "not_yet_due": 0}
    # On the due day itself the silent forces are not yet late.
    on_due_day = completeness(request, today=DUE)
    assert on_due_day.counts["not_yet_due"] == 2


def test_reminder_three_working_days_before_and_chaser_the_day_after_once_each():
    for name in FORCES:
        force_user(name, f"{name.split()[0].lower()}@example.police.uk")
    request = send_to_five()
    answer(request, "Cumbria Constabulary", london(2026, 2, 20, 11))

    def keys(kind):
        return sorted(m.to[0] for m in Message.objects.filter(dedupe_key__endswith=f":{kind}"))

    # Due Friday 27 February: three working days before is Tuesday 24 February.
    sweep_deadlines(datetime.date(2026, 2, 23))
    assert keys("reminder") == []
    counts = sweep_deadlines(datetime.date(2026, 2, 24))
    assert counts["information_request_reminders"] == 4
    assert sweep_deadlines(datetime.date(2026, 2, 24))["information_request_reminders"] == 0
    assert sweep_deadlines(datetime.date(2026, 2, 25))["information_request_reminders"] == 0
    assert keys("reminder") == [
        "dyfed-powys@example.police.uk",
        "kent@example.police.uk",
        "merseyside@example.police.uk",
        "suffolk@example.police.uk",
    ]
    answer(request, "Dyfed-Powys Police", london(2026, 2, 27, 23, 30))
    assert sweep_deadlines(DUE)["information_request_chasers"] == 0  # due that day: not late
    counts = sweep_deadlines(datetime.date(2026, 2, 28))
    assert counts["information_request_chasers"] == 3
    assert counts[DeadlineRule.INFORMATION_REQUEST] == 3
    again = sweep_deadlines(datetime.date(2026, 2, 28))
    assert (again["information_request_chasers"], again[DeadlineRule.INFORMATION_REQUEST]) == (0, 0)
    assert keys("chaser") == [
        "kent@example.police.uk",
        "merseyside@example.police.uk",
        "suffolk@example.police.uk",
    ]
    assert AuditEvent.objects.filter(action="information_request.chased").count() == 3
    assert AuditEvent.objects.filter(action="information_request.overdue").count() == 3


def test_a_force_lists_only_its_own_requests():
    request = send_to_five()
    kent = requests_for_forces([org("Kent Police")])
    assert [fr.force.name for fr in kent] == ["Kent Police"]
    assert not requests_for_forces([org("Avon and Somerset Constabulary")]).exists()
    assert kent.get().request == request
