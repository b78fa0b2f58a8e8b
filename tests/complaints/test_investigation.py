"""The investigation's services: starting it, its working file, ownership, and progress reports
(SI 2018/748 reg 7), with exact dates."""

from __future__ import annotations

import datetime

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from complaints import letters, services
from complaints.models import ComplaintState, ProgressReport, SuperComplaint
from deadlines.models import Deadline, DeadlineRule
from operations.sweep import sweep_deadlines
from outbox.models import Message
from tests.builders import authority, eligible, london
from tests.casework.support import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    return public_record


D = datetime.date


def _actions(complaint: SuperComplaint) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="complaints.supercomplaint", object_id=str(complaint.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _deadline(report: ProgressReport) -> Deadline:
    return Deadline.objects.get(
        rule=DeadlineRule.PROGRESS_REPORT, subject_id=report.pk, sequence=report.period
    )


def test_told_on_the_friday_before_the_spring_bank_holiday():
    # Told on Friday 22 May 2026; Monday 25 May 2026 is the spring bank holiday.
    # Period 1 is 56 working days beginning with Fri 22 May (a working day, so it is day 1):
    #   Fri 22 May = 1; Sat 23, Sun 24 and Mon 25 (bank holiday) are skipped; Tue 26-Fri 29 May = 2-5;
    #   1-5 Jun = 10, 8-12 Jun = 15, 15-19 Jun = 20, 22-26 Jun = 25, 29 Jun-3 Jul = 30, 6-10 Jul = 35,
    #   13-17 Jul = 40, 20-24 Jul = 45, 27-31 Jul = 50, 3-7 Aug = 55, Mon 10 Aug = 56.
    #   So report 1 is due by the end of Monday 10 August 2026.
    # Period 2 begins on the first working day after 10 Aug, Tue 11 Aug:
    #   11-14 Aug = 4, 17-21 Aug = 9, 24-28 Aug = 14, Mon 31 Aug (summer bank holiday) skipped,
    #   Tue 1-Fri 4 Sep = 18, 7-11 Sep = 23, 14-18 Sep = 28, 21-25 Sep = 33, 28 Sep-2 Oct = 38,
    #   5-9 Oct = 43, 12-16 Oct = 48, 19-23 Oct = 53, Mon 26 = 54, Tue 27 = 55, Wed 28 Oct = 56.
    #   So report 2 is due by the end of Wednesday 28 October 2026.
    complaint = eligible("Friday before a bank holiday", told=london(2026, 5, 22, 15))
    assert complaint.told_investigation_on == D(2026, 5, 22)
    first = complaint.progress_reports.get(period=1)
    row = _deadline(first)
    assert (row.start, row.due) == (D(2026, 5, 22), D(2026, 8, 10))
    assert "25 May 2026" in row.explanation_text

    letters.send_progress_report_letter(
        first, steps_taken="We read files.", steps_proposed="We will visit forces.", at=london(2026, 8, 3, 11)
    )
    second = complaint.progress_reports.get(period=2)
    row2 = _deadline(second)
    assert (row2.start, row2.due) == (D(2026, 8, 11), D(2026, 10, 28))
    assert _deadline(first).met_at == london(2026, 8, 3, 11)


def test_told_on_good_friday_the_period_begins_after_easter_monday():
    # Told on Good Friday 3 April 2026, not a working day (reg 2); reg 7 is silent, so reg 5's rule
    # applies: the period begins on the first working day after it. Easter Monday 6 April is a bank
    # holiday, so it begins on Tuesday 7 April 2026:
    #   7-10 Apr = 4, 13-17 Apr = 9, 20-24 Apr = 14, 27 Apr-1 May = 19, Mon 4 May (early May bank
    #   holiday) skipped, Tue 5-Fri 8 May = 23, 11-15 May = 28, 18-22 May = 33, Mon 25 May (spring
    #   bank holiday) skipped, Tue 26-Fri 29 May = 37, 1-5 Jun = 42, 8-12 Jun = 47, 15-19 Jun = 52,
    #   Mon 22 = 53, Tue 23 = 54, Wed 24 = 55, Thu 25 Jun = 56.
    complaint = eligible("Good Friday", told=london(2026, 4, 3, 12))
    row = _deadline(complaint.progress_reports.get(period=1))
    assert (row.start, row.due) == (D(2026, 4, 7), D(2026, 6, 25))


def test_starting_the_investigation_records_the_lead_and_the_moment():
    complaint = eligible("To investigate", told=london(2026, 12, 1, 10))
    started = services.start_investigation(
        complaint,
        lead_authority=authority("IOPC"),
        at=london(2026, 12, 2, 9),
        expected_version=complaint.version,
    )
    assert started.state == ComplaintState.INVESTIGATING
    assert started.lead_authority == authority("IOPC")
    assert started.investigation_started_at == london(2026, 12, 2, 9)
    assert _actions(complaint)[-1] == "complaint.investigation_started"
    # The reg 7 clock runs from the day the body was told, not from the start of the investigation.
    assert _deadline(started.progress_reports.get(period=1)).start == D(2026, 12, 1)


def test_a_stale_form_cannot_start_the_investigation():
    complaint = eligible("Stale", told=london(2026, 12, 1, 10))
    with pytest.raises(services.StaleEdit):
        services.start_investigation(
            complaint, lead_authority=authority("IOPC"), expected_version=complaint.version - 1
        )
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ELIGIBLE


def test_the_lead_must_be_an_authority():
    complaint = eligible("Lead", told=london(2026, 12, 1, 10))
    from tests.builders import org

    with pytest.raises(services.ComplaintError):
        services.start_investigation(complaint, lead_authority=org("Kent Police"))


def test_plan_milestones_fieldwork_and_notes_are_kept_and_audited():
    complaint = eligible("File", told=london(2026, 12, 1, 10))
    plan = services.save_plan(complaint, terms_of_reference="Whether forces record X.", methods="File review")
    assert (plan.terms_of_reference, plan.methods, plan.version) == (
        "Whether forces record X.",
        "File review",
        2,
    )
    # Saving the same text again changes nothing.
    assert (
        services.save_plan(
            complaint, terms_of_reference="Whether forces record X.", methods="File review"
        ).version
        == 2
    )
    with pytest.raises(services.StaleEdit):
        services.save_plan(complaint, terms_of_reference="Other", methods="", expected_version=1)

    rows = Deadline.objects.count()
    milestone = services.add_milestone(complaint, title="Fieldwork done", target_date=D(2027, 3, 31))
    assert milestone.target_date == D(2027, 3, 31)
    # A milestone is a plan entry, not a statutory clock: no ledger row.
    assert Deadline.objects.count() == rows
    assert Deadline.objects.of(complaint).count() == 2  # reg 5 (met) and progress report 1

    entry = services.record_fieldwork(
        complaint,
        occurred_on=D(2026, 12, 10),
        kind="visit",
        place="Force control room",
        summary="Call handling observed.",
        at=london(2026, 12, 11, 9),
    )
    assert entry.kind == "visit"
    with pytest.raises(services.ComplaintError, match="future"):
        services.record_fieldwork(
            complaint,
            occurred_on=D(2026, 12, 12),
            kind="visit",
            place="X",
            summary="Y",
            at=london(2026, 12, 11, 9),
        )
    with pytest.raises(services.ComplaintError):
        services.record_fieldwork(
            complaint, occurred_on=D(2026, 12, 10), kind="phone", place="X", summary="Y"
        )

    services.add_internal_note(complaint, text="Chase Kent for the data.")
    assert _actions(complaint)[-4:] == [
        "complaint.plan_updated",
        "complaint.milestone_added",
        "complaint.fieldwork_recorded",
        "complaint.note_added",
    ]


def test_the_file_is_closed_once_the_complaint_is_withdrawn():
    complaint = eligible("Withdrawn", told=london(2026, 12, 1, 10))
    services.withdraw_complaint(complaint, reason="No longer needed")
    with pytest.raises(services.InvalidTransition):
        services.add_milestone(complaint, title="Too late", target_date=D(2027, 1, 1))


def test_a_caseworker_of_the_authorities_owns_the_case():
    complaint = eligible("Owned", told=london(2026, 12, 1, 10))
    caseworker, _device = make_person("iopc")
    body_member, _device = make_person("hestia")
    owned = services.assign_caseworker(complaint, caseworker=caseworker, expected_version=complaint.version)
    assert owned.assigned_to == caseworker
    with pytest.raises(services.ComplaintError):
        services.assign_caseworker(owned, caseworker=body_member)
    with pytest.raises(services.StaleEdit):
        services.assign_caseworker(owned, caseworker=None, expected_version=complaint.version)
    event = AuditEvent.objects.filter(action="complaint.caseworker_assigned").get()
    assert event.after == {"assigned_to": str(caseworker)}


def test_a_draft_keeps_its_parts_and_a_sent_report_never_changes():
    complaint = eligible("Drafts", told=london(2026, 12, 1, 10))
    report = complaint.progress_reports.get(period=1)
    draft = services.save_progress_report_draft(
        report, steps_taken="Read files", steps_proposed="", expected_version=1
    )
    assert (draft.steps_taken, draft.steps_proposed, draft.version, draft.sent_at) == (
        "Read files",
        "",
        2,
        None,
    )
    with pytest.raises(services.StaleEdit):
        services.save_progress_report_draft(report, steps_taken="x", steps_proposed="y", expected_version=1)
    with pytest.raises(services.ComplaintError, match="reason"):
        services.save_progress_report_draft(
            draft, steps_taken="x", steps_proposed="y", excluded_text="Secret", exclusion_ground="safety"
        )
    letters.send_progress_report_letter(draft, steps_taken="Read files", steps_proposed="Visit forces")
    with pytest.raises(services.InvalidTransition):
        services.save_progress_report_draft(draft, steps_taken="Changed", steps_proposed="Changed")


def test_a_send_from_a_stale_page_is_refused_and_nothing_is_written_or_sent():
    complaint = eligible("Stale send", told=london(2026, 12, 1, 10))
    report = complaint.progress_reports.get(period=1)
    services.save_progress_report_draft(
        report, steps_taken="Read files", steps_proposed="", expected_version=1
    )
    letters_before = complaint.letters.count()
    with pytest.raises(services.StaleEdit, match="It has not been sent"):
        letters.send_progress_report_letter(
            report, steps_taken="Read files", steps_proposed="Visit forces", expected_version=1
        )
    report.refresh_from_db()
    assert (report.sent_at, report.version, complaint.letters.count()) == (None, 2, letters_before)
    with pytest.raises(services.StaleEdit):
        services.send_progress_report(
            report, steps_taken="Read files", steps_proposed="Visit forces", expected_version=1
        )
    sent = letters.send_progress_report_letter(
        report, steps_taken="Read files", steps_proposed="Visit forces", expected_version=2
    )
    assert sent.sent_at is not None


def test_sending_writes_the_letter_without_the_excluded_passage_and_emails_it():
    complaint = eligible("Send", told=london(2026, 12, 1, 10))
    report = complaint.progress_reports.get(period=1)
    sent = letters.send_progress_report_letter(
        report,
        steps_taken="We read 300 case files.",
        steps_proposed="We will visit four forces.",
        excluded_text="SECRET-PASSAGE about a witness in Leeds",
        exclusion_ground="safety",
        exclusion_note="Naming the place could identify the witness.",
        at=london(2027, 2, 1, 11),
    )
    letter = sent.letter
    assert sent.sent_at == letter.sent_at == london(2027, 2, 1, 11)
    assert letter.subject == f"Progress report 1 on super-complaint {complaint.reference}"
    assert letter.sent_to == "pat@example.org"
    assert "We read 300 case files." in letter.body_html
    assert "SECRET-PASSAGE" not in letter.body_html
    text = "".join(page.extract_text() for page in PdfReader(letter.pdf.open("rb")).pages)
    assert "We will visit four forces." in " ".join(text.split())
    assert "SECRET-PASSAGE" not in text
    # The excluded information stays in the authorities' record, with its ground and reason.
    assert (sent.excluded_text, sent.exclusion_ground) == (
        "SECRET-PASSAGE about a witness in Leeds",
        "safety",
    )
    message = Message.objects.get(dedupe_key=f"letter:{letter.pk}")
    assert message.to == ["pat@example.org"]
    assert "SECRET-PASSAGE" not in str(message.context) + message.html_body
    # The period's ledger row is met; the next period is stored.
    assert _deadline(sent).met_at == london(2027, 2, 1, 11)
    assert complaint.progress_reports.filter(period=2).exists()
    # Sending again does nothing.
    again = letters.send_progress_report_letter(report, steps_taken="Other", steps_proposed="Other")
    assert again.letter_id == letter.pk and again.steps_taken == "We read 300 case files."
    assert complaint.letters.filter(kind="progress_report").count() == 1


def test_sending_needs_both_parts_and_a_reasoned_exclusion():
    complaint = eligible("Incomplete", told=london(2026, 12, 1, 10))
    report = complaint.progress_reports.get(period=1)
    with pytest.raises(services.ComplaintError):
        letters.send_progress_report_letter(report, steps_taken="Only this", steps_proposed=" ")
    with pytest.raises(services.ComplaintError, match="ground"):
        letters.send_progress_report_letter(
            report, steps_taken="a", steps_proposed="b", excluded_text="x", exclusion_note="why"
        )
    assert not complaint.letters.exists()
    assert ProgressReport.objects.get(pk=report.pk).sent_at is None


def test_an_unsent_report_past_its_period_is_flagged_by_the_sweep_once():
    complaint = eligible("Late", told=london(2026, 12, 1, 10))
    row = _deadline(complaint.progress_reports.get(period=1))
    day_after = row.due + datetime.timedelta(days=1)
    assert sweep_deadlines(row.due)[DeadlineRule.PROGRESS_REPORT] == 0
    assert sweep_deadlines(day_after)[DeadlineRule.PROGRESS_REPORT] == 1
    assert sweep_deadlines(day_after)[DeadlineRule.PROGRESS_REPORT] == 0
    row.refresh_from_db()
    assert row.flagged_overdue_on == day_after
    assert _actions(complaint).count("complaint.progress_report_overdue") == 1
