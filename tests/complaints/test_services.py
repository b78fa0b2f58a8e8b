import datetime

import pytest
from django.core import mail

from audit.models import AuditEvent
from complaints import services
from complaints.models import ComplaintState, DecidedBy, Position, RepeatFinding, SuperComplaint
from complaints.services import (
    ComplaintError,
    IncompleteComplaint,
    InvalidTransition,
    NotDesignated,
    StaleEdit,
)
from deadlines.rules import progress_report_periods
from tests.builders import REG4_MET, authority, london, make_draft, org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def events(action):
    return AuditEvent.objects.filter(action=action)


def received(body="Hestia", at=None):
    return services.submit_complaint(make_draft(body), at=at or london(2026, 11, 27, 10, 0))


def assessed(positions=("eligible", "eligible", "eligible"), at=None):
    complaint = services.acknowledge_complaint(received(at=at))
    for short, position in zip(["HMICFRS", "IOPC", "College"], positions, strict=True):
        services.record_position(
            complaint, authority=authority(short), position=position, reasons=f"{short} view"
        )
    return SuperComplaint.objects.get(pk=complaint.pk)


# --- Submission ------------------------------------------------------------------------------------


def test_hestia_received_friday_31_may_2019_is_acknowledged_by_thursday_6_june(
    django_capture_on_commit_callbacks,
):
    draft = make_draft("Hestia")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.submit_complaint(draft, at=london(2019, 5, 31, 16, 45))
    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.reference == "SC-2019-003"  # two 2019 complaints are already on the public record
    assert complaint.received_on.isoformat() == "2019-05-31"
    assert complaint.acknowledgement_deadline.due == datetime.date(2019, 6, 6)
    # The contact is told, and (since the outbox, issue 7) the super-complaints team too.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["pat@example.org"], "Super-complaint SC-2019-003 received"),
        (["team@super-complaints.test"], "New super-complaint SC-2019-003 to acknowledge"),
    ]
    assert "Thursday 6 June 2019" in mail.outbox[0].body
    assert "Acknowledge it by the end of Thursday 6 June 2019 (regulation 5)." in mail.outbox[1].body


def test_receipt_just_after_midnight_london_time_on_a_saturday_is_a_saturday_receipt():
    # 00:30 BST on Saturday 1 June 2019 is 23:30 UTC on Friday 31 May.
    moment = datetime.datetime(2019, 5, 31, 23, 30, tzinfo=datetime.UTC)
    complaint = received(at=moment)
    assert complaint.received_on.isoformat() == "2019-06-01"
    # The period begins on Monday 3 June: 3, 4, 5, 6, 7 June.
    deadline = complaint.acknowledgement_deadline
    assert (deadline.start, deadline.due) == (datetime.date(2019, 6, 3), datetime.date(2019, 6, 7))
    assert deadline.counted_from == datetime.date(2019, 6, 1)
    assert deadline.counted_from_moment == moment


def test_references_run_per_year_of_receipt():
    first = received(at=london(2026, 1, 5, 9))
    second = received(at=london(2026, 1, 6, 9))
    third = received(at=london(2027, 1, 4, 9))
    assert [first.reference, second.reference, third.reference] == [
        "SC-2026-001",
        "SC-2026-002",
        "SC-2027-001",
    ]


def test_submitting_twice_creates_one_complaint_and_one_event():
    draft = make_draft()
    first = services.submit_complaint(draft, at=london(2026, 11, 27, 10))
    again = services.submit_complaint(draft, at=london(2026, 11, 27, 10, 1))
    assert again.reference == first.reference
    assert again.received_at == first.received_at
    assert events("complaint.submitted").count() == 1


def test_a_body_not_designated_on_the_day_cannot_submit():
    draft = make_draft()
    draft.complainant_set.create(body=org("Gwent Police"), position=2)
    with pytest.raises(NotDesignated, match="Gwent Police is not a designated body on 27 November 2026"):
        services.submit_complaint(draft, at=london(2026, 11, 27, 10))
    draft.refresh_from_db()
    assert draft.state == ComplaintState.DRAFT
    assert draft.reference is None
    assert not events("complaint.submitted").exists()


def test_a_body_is_not_designated_before_1_november_2018():
    with pytest.raises(NotDesignated):
        received(at=london(2018, 10, 31, 12))


def test_an_incomplete_complaint_lists_what_it_lacks():
    draft = make_draft(features=1)
    feature = draft.features.get()
    feature.text = "  "
    feature.save()
    feature.harms.all().delete()
    draft.evidence_items.all().delete()
    draft.contact_name = ""
    draft.save()
    with pytest.raises(IncompleteComplaint) as caught:
        services.submit_complaint(draft)
    assert caught.value.problems == [
        "Feature 1 has no description.",
        "Describe the harm caused by feature 1.",
        "Include the evidence you rely on.",
        "Name an individual who represents the body and may be contacted, with an e-mail address.",
    ]


def test_named_forces_must_name_at_least_one():
    draft = make_draft()
    draft.forces_scope = "named"
    draft.save()
    with pytest.raises(IncompleteComplaint, match="Say which forces"):
        services.submit_complaint(draft)
    draft.forces.add(org("Gwent Police"))
    assert services.submit_complaint(draft).state == ComplaintState.RECEIVED


def test_submission_records_the_change_with_before_and_after():
    complaint = received()
    event = events("complaint.submitted").get()
    assert event.object_id == str(complaint.pk)
    assert event.before["state"] == "draft"
    assert event.after["state"] == "received"
    assert event.after["acknowledgement_due"] == "2026-12-03"  # Fri 27 Nov + 4 working days


# --- Transitions -----------------------------------------------------------------------------------


def test_a_draft_cannot_be_acknowledged():
    with pytest.raises(InvalidTransition, match="“Draft” cannot become “Acknowledged”"):
        services.acknowledge_complaint(make_draft())


def test_acknowledging_twice_does_nothing_the_second_time():
    complaint = received()
    services.acknowledge_complaint(complaint, at=london(2026, 11, 30, 9))
    again = services.acknowledge_complaint(complaint, at=london(2026, 12, 1, 9))
    assert again.acknowledged_at == london(2026, 11, 30, 9)
    assert events("complaint.acknowledged").count() == 1


def test_withdrawal_before_the_report_is_recorded_as_non_statutory():
    complaint = services.withdraw_complaint(received(), reason="Resolved with the NPCC")
    assert complaint.state == ComplaintState.WITHDRAWN
    assert events("complaint.withdrawn").get().after == {
        "state": "withdrawn",
        "reason": "Resolved with the NPCC",
        "statutory": False,
    }


def test_no_withdrawal_after_the_report():
    published = SuperComplaint.objects.get(reference="SC-2019-002")
    with pytest.raises(InvalidTransition):
        services.withdraw_complaint(published, reason="Too late")


def test_withdrawal_needs_a_reason():
    with pytest.raises(ComplaintError, match="reason"):
        services.withdraw_complaint(received(), reason=" ")


def test_the_whole_life_of_a_complaint():
    complaint = assessed()
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets reg 4",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
    )
    complaint = services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("IOPC")
    )
    assert complaint.state == ComplaintState.INVESTIGATING
    services.mark_report_published(complaint)
    services.begin_monitoring(complaint)
    complaint = services.close_complaint(complaint)
    assert complaint.state == ComplaintState.CLOSED
    with pytest.raises(InvalidTransition):
        services.begin_monitoring(complaint)


def test_stale_version_is_refused_in_plain_words():
    complaint = received()
    opened_at = complaint.version
    services.acknowledge_complaint(complaint)
    complaint.refresh_from_db()
    with pytest.raises(StaleEdit, match="Someone else saved changes"):
        services.check_version(complaint, opened_at)
    services.check_version(complaint, complaint.version)


def test_a_position_from_a_stale_form_is_refused_by_the_service_and_changes_nothing():
    complaint = services.acknowledge_complaint(received())
    opened_at = complaint.version
    services.record_position(complaint, authority=authority("IOPC"), position="eligible", reasons="IOPC view")
    with pytest.raises(StaleEdit, match="Someone else saved changes"):
        services.record_position(
            complaint,
            authority=authority("College"),
            position="not_eligible",
            reasons="College view",
            expected_version=opened_at,
        )
    assert list(complaint.positions.values_list("authority__short_name", flat=True)) == ["IOPC"]
    assert events("complaint.position_recorded").count() == 1
    current = SuperComplaint.objects.get(pk=complaint.pk).version
    services.record_position(
        complaint,
        authority=authority("College"),
        position="eligible",
        reasons="Fine",
        expected_version=current,
    )
    assert complaint.positions.count() == 2


def test_a_decision_from_a_stale_form_is_refused_by_the_service_before_anything_else():
    complaint = assessed()
    opened_at = complaint.version
    services.record_position(complaint, authority=authority("IOPC"), position="eligible", reasons="Again")
    with pytest.raises(StaleEdit):
        services.decide_eligibility(
            complaint,
            outcome="eligible",
            reasons="Meets reg 4",
            checklist=REG4_MET,
            repeat_finding=RepeatFinding.NOT_A_REPEAT,
            expected_version=opened_at,
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSESSING
    assert not events("complaint.eligibility_decided").exists()
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets reg 4",
        checklist=REG4_MET,
        repeat_finding=RepeatFinding.NOT_A_REPEAT,
        expected_version=complaint.version,
    )
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ELIGIBLE


# --- Eligibility -----------------------------------------------------------------------------------


def test_positions_are_recorded_by_authorities_only_and_open_the_assessment():
    complaint = services.acknowledge_complaint(received())
    with pytest.raises(ComplaintError):
        services.record_position(complaint, authority=org("Hestia"), position="eligible", reasons="x")
    services.record_position(
        complaint, authority=authority("IOPC"), position="eligible", reasons="Meets reg 4"
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSESSING
    services.record_position(
        complaint, authority=authority("IOPC"), position="not_eligible", reasons="Changed view"
    )
    assert complaint.positions.get().position == "not_eligible"
    event = events("complaint.position_recorded").order_by("-sequence").first()
    assert event.before == {"position": "eligible", "reasons": "Meets reg 4"}


def test_the_decision_waits_for_all_three_positions():
    complaint = services.acknowledge_complaint(received())
    services.record_position(complaint, authority=authority("IOPC"), position="eligible", reasons="Yes")
    with pytest.raises(ComplaintError, match=r"Still to record: College, HMICFRS\."):
        services.decide_eligibility(
            complaint, outcome="eligible", reasons="", checklist=REG4_MET, repeat_finding="not_a_repeat"
        )


def test_agreed_authorities_decide_and_the_reg_7_clock_starts(django_capture_on_commit_callbacks):
    complaint = assessed()
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decide_eligibility(
            complaint,
            outcome="eligible",
            reasons="Meets reg 4; not a repeat",
            checklist=REG4_MET,
            repeat_finding="not_a_repeat",
            at=london(2026, 12, 1, 15),
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ELIGIBLE
    assert decision.decided_by == DecidedBy.AUTHORITIES
    assert complaint.told_investigation_on == datetime.date(2026, 12, 1)
    first = complaint.progress_reports.get()
    expected = progress_report_periods(datetime.date(2026, 12, 1), 1)[0]
    deadline = first.deadline
    assert (first.period, deadline.start, deadline.due) == (1, datetime.date(2026, 12, 1), expected.due)
    assert deadline.explanation_text == expected.explanation
    assert deadline.explanation["result"] == expected.due.isoformat()
    assert deadline.is_running
    assert "will be investigated" in mail.outbox[-1].body


def test_disagreeing_authorities_need_the_chief_inspector():
    complaint = assessed(("eligible", "not_eligible", "eligible"))
    with pytest.raises(ComplaintError, match="only the Chief Inspector can decide"):
        services.decide_eligibility(
            complaint, outcome="eligible", reasons="", checklist=REG4_MET, repeat_finding="not_a_repeat"
        )
    decision = services.decide_eligibility(
        complaint,
        outcome="not_eligible",
        reasons="Merely repeats SC-2019-002",
        checklist=REG4_MET,
        repeat_finding="repeats_investigated",
        related_complaint=SuperComplaint.objects.get(reference="SC-2019-002"),
        by_chief_inspector=True,
    )
    assert decision.decided_by == DecidedBy.CHIEF_INSPECTOR
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.NOT_ELIGIBLE
    assert complaint.told_investigation_on is None
    assert not complaint.progress_reports.exists()


def test_agreed_authorities_cannot_be_overridden():
    complaint = assessed()
    with pytest.raises(ComplaintError, match="must follow their position"):
        services.decide_eligibility(
            complaint,
            outcome="not_eligible",
            reasons="No",
            checklist=REG4_MET,
            repeat_finding="not_a_repeat",
            by_chief_inspector=True,
        )


@pytest.mark.parametrize(
    ("checklist", "repeat", "related", "message"),
    [
        (
            {**REG4_MET, "includes_evidence": False},
            "not_a_repeat",
            False,
            "requirement of regulation 4",
        ),
        (REG4_MET, "repeats_under_investigation", True, "merely repeats"),
        (REG4_MET, "repeats_investigated", True, "merely repeats"),
        (REG4_MET, "repeats_investigated", False, "Name the earlier complaint"),
        (REG4_MET, "material_change", True, "material change of circumstances"),
    ],
)
def test_an_eligible_decision_must_respect_reg_4_and_reg_6(checklist, repeat, related, message):
    complaint = assessed()
    with pytest.raises(ComplaintError, match=message):
        services.decide_eligibility(
            complaint,
            outcome="eligible",
            reasons="",
            checklist=checklist,
            repeat_finding=repeat,
            related_complaint=SuperComplaint.objects.get(reference="SC-2019-002") if related else None,
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSESSING


def test_material_change_with_description_can_be_eligible():
    complaint = assessed()
    decision = services.decide_eligibility(
        complaint,
        outcome=Position.ELIGIBLE,
        reasons="New evidence since 2021",
        checklist=REG4_MET,
        repeat_finding=RepeatFinding.MATERIAL_CHANGE,
        related_complaint=SuperComplaint.objects.get(reference="SC-2019-002"),
        material_change="New legislation in 2025 changed the duties of forces.",
    )
    assert decision.related_complaint.reference == "SC-2019-002"


def test_not_eligible_needs_reasons():
    complaint = assessed(("not_eligible",) * 3)
    with pytest.raises(ComplaintError, match="regulation 6\\(6\\)"):
        services.decide_eligibility(
            complaint, outcome="not_eligible", reasons=" ", checklist={}, repeat_finding="not_a_repeat"
        )


# --- Progress reports and the sweep --------------------------------------------------------------


def eligible(told):
    complaint = assessed(at=told - datetime.timedelta(days=14))
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="ok",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=told,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def test_sending_a_progress_report_stores_the_next_period():
    complaint = eligible(london(2026, 12, 1, 12))
    first = complaint.progress_reports.get()
    services.send_progress_report(
        first, steps_taken="Fieldwork in 4 forces", steps_proposed="Survey of victims"
    )
    periods = progress_report_periods(datetime.date(2026, 12, 1), 2)
    reports = list(complaint.progress_reports.prefetch_related("deadlines").order_by("period"))
    assert [(r.period, r.deadline.start, r.deadline.due) for r in reports] == [
        (1, periods[0].start, periods[0].due),
        (2, periods[1].start, periods[1].due),
    ]
    # Sending the first report met its deadline; the second is running.
    assert reports[0].deadline.met_at == reports[0].sent_at
    assert reports[1].deadline.is_running
    with pytest.raises(ComplaintError):
        services.send_progress_report(
            complaint.progress_reports.get(period=2), steps_taken="", steps_proposed="x"
        )


def test_correcting_receipt_recomputes_the_acknowledgement_due_date():
    complaint = received(at=london(2026, 11, 27, 10))
    assert complaint.acknowledgement_deadline.due == datetime.date(2026, 12, 3)
    complaint = services.correct_receipt(complaint, received_at=london(2026, 11, 20, 10))
    assert complaint.received_on.isoformat() == "2026-11-20"
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert complaint.acknowledgement_deadline.due == datetime.date(2026, 11, 26)
    assert events("complaint.deadlines_recomputed").get().before["acknowledgement_due"] == "2026-12-03"


def test_a_failed_service_leaves_no_audit_event_behind():
    draft = make_draft()
    draft.complainant_set.create(body=org("Gwent Police"), position=2)
    count = AuditEvent.objects.count()
    with pytest.raises(NotDesignated):
        services.submit_complaint(draft)
    assert AuditEvent.objects.count() == count


def test_a_newly_proclaimed_bank_holiday_moves_stored_due_dates(django_capture_on_commit_callbacks):
    from deadlines.services import record_holiday_override, withdraw_holiday_override

    complaint = received(at=london(2026, 11, 27, 10))  # Fri 27 Nov: due Thu 3 Dec
    investigated = eligible(london(2026, 12, 1, 12))
    first_due = investigated.progress_reports.get().deadline.due
    with django_capture_on_commit_callbacks(execute=True):
        override = record_holiday_override(
            day=datetime.date(2026, 12, 1), action="add", name="Proclaimed day", reason="Royal proclamation"
        )
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert complaint.acknowledgement_deadline.due == datetime.date(2026, 12, 4)
    # Tuesday 1 December is no longer a working day, so the reg 7 period begins on Wednesday 2.
    report = investigated.progress_reports.get().deadline
    assert report.start == datetime.date(2026, 12, 2)
    assert report.due > first_due
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_holiday_override(override)
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert complaint.acknowledgement_deadline.due == datetime.date(2026, 12, 3)
    assert investigated.progress_reports.get().deadline.due == first_due


def test_a_complaint_reaches_the_public_register_only_with_its_eligibility_decision():
    draft = make_draft()
    complaint = assessed()
    public = SuperComplaint.objects.published()
    assert not public.filter(pk__in=[draft.pk, complaint.pk]).exists()
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="ok",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=london(2026, 12, 1, 12),
    )
    assert (
        SuperComplaint.objects.published(at=london(2026, 12, 1, 11, 59)).filter(pk=complaint.pk).count() == 0
    )
    assert SuperComplaint.objects.published(at=london(2026, 12, 1, 12)).filter(pk=complaint.pk).count() == 1
    # The public record's eight (tests/operations/test_record_facts.py).
    assert SuperComplaint.objects.published().filter(is_historical=True).count() == 8


def _being_investigated():
    """A complaint accepted for investigation, through the services a person's actions call."""
    earlier = assessed()
    services.decide_eligibility(
        earlier, outcome="eligible", reasons="", checklist=REG4_MET, repeat_finding="not_a_repeat"
    )
    return SuperComplaint.objects.get(pk=earlier.pk)


def _decide_repeat(complaint, repeat, related):
    return services.decide_eligibility(
        complaint,
        outcome="not_eligible",
        reasons="It merely repeats an earlier complaint.",
        checklist=REG4_MET,
        repeat_finding=repeat,
        related_complaint=related,
    )


def test_merely_repeating_a_complaint_being_investigated_points_at_one_being_investigated():
    earlier = _being_investigated()
    complaint = assessed(("not_eligible",) * 3)
    published = SuperComplaint.objects.get(reference="SC-2019-002")

    with pytest.raises(ComplaintError) as refused:
        _decide_repeat(complaint, RepeatFinding.REPEATS_UNDER_INVESTIGATION, published)
    assert str(refused.value) == (
        "SC-2019-002 is not being investigated (its stage is “Report published”), so this complaint "
        "cannot merely repeat a complaint being investigated (regulation 6(3)). Choose a complaint that "
        "is being investigated, or a different answer."
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSESSING

    decision = _decide_repeat(complaint, RepeatFinding.REPEATS_UNDER_INVESTIGATION, earlier)
    assert decision.related_complaint == earlier


def test_already_investigated_points_only_at_a_complaint_whose_report_is_published():
    earlier = _being_investigated()
    complaint = assessed(("not_eligible",) * 3)

    with pytest.raises(ComplaintError) as refused:
        _decide_repeat(complaint, RepeatFinding.REPEATS_INVESTIGATED, earlier)
    assert str(refused.value) == (
        f"{earlier.reference} has no published report, so it has not been investigated yet "
        "(regulation 6(3) and (4)). Choose a complaint whose report is published, or a different answer."
    )

    decision = _decide_repeat(
        complaint, RepeatFinding.REPEATS_INVESTIGATED, SuperComplaint.objects.get(reference="SC-2019-002")
    )
    assert decision.related_complaint.reference == "SC-2019-002"


def test_a_withdrawn_complaint_is_neither_being_investigated_nor_investigated():
    withdrawn = services.withdraw_complaint(_being_investigated(), reason="We withdraw it.")
    complaint = assessed(("not_eligible",) * 3)
    for repeat in (RepeatFinding.REPEATS_UNDER_INVESTIGATION, RepeatFinding.REPEATS_INVESTIGATED):
        with pytest.raises(ComplaintError, match=withdrawn.reference):
            _decide_repeat(complaint, repeat, withdrawn)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSESSING
    assert not events("complaint.eligibility_decided").filter(object_id=str(complaint.pk)).exists()
