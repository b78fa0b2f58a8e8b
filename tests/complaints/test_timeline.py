"""One timeline for every audience: in true order, each audience seeing what it may."""

import datetime

import pytest
from django.utils import translation

from common.partial_dates import PartialDate
from complaints import letters, services
from complaints.models import SuperComplaint
from complaints.timeline import (
    DECISION,
    LETTER,
    POSITION,
    PROGRESS,
    RECEIVED,
    REPORT,
    WITHDRAWN,
    Audience,
    TimelineEntry,
    complaint_timeline,
    in_true_order,
)
from tests.builders import REG4_MET, london
from tests.casework.support import with_positions


@pytest.fixture(autouse=True)
def _english():
    # Labels are written in the active language; another test in the same process may leave Welsh on.
    with translation.override("en-gb"):
        yield


def titles(entries):
    return [entry.title for entry in entries]


# --- The order --------------------------------------------------------------------------------------


def test_moments_on_one_day_are_ordered_by_their_time():
    entries = in_true_order(
        [
            TimelineEntry(london(2026, 12, 1, 16, 0), "Progress report", step=PROGRESS),
            TimelineEntry(london(2026, 12, 1, 9, 30), "Letter", step=LETTER),
            TimelineEntry(london(2026, 11, 27, 10, 0), "Received", step=RECEIVED),
        ]
    )
    assert titles(entries) == ["Received", "Letter", "Progress report"]


def test_a_decision_known_to_the_month_never_comes_before_a_receipt_in_that_month():
    # Sorted by date alone, "March 2020" (no day) would come before 15 March 2020.
    entries = in_true_order(
        [
            TimelineEntry(PartialDate(2020, 3), "Eligibility decided", step=DECISION),
            TimelineEntry(PartialDate(2020, 3, 15), "Received", step=RECEIVED),
        ]
    )
    assert titles(entries) == ["Received", "Eligibility decided"]
    assert [e.label for e in entries] == ["Sunday 15 March 2020", "March 2020"]


def test_a_decision_known_to_the_day_follows_the_positions_recorded_that_day():
    entries = in_true_order(
        [
            TimelineEntry(datetime.date(2026, 12, 1), "Eligibility decided", step=DECISION),
            TimelineEntry(london(2026, 12, 1, 14, 5), "IOPC recorded its position", step=POSITION),
            TimelineEntry(london(2026, 11, 27, 10, 0), "Received", step=RECEIVED),
        ]
    )
    assert titles(entries) == ["Received", "IOPC recorded its position", "Eligibility decided"]
    assert entries[-1].label == "Tuesday 1 December 2026"  # shown with its own date, not moved


def test_an_unknown_date_goes_after_the_steps_before_it():
    entries = in_true_order(
        [
            TimelineEntry(PartialDate(2021, 5, 26), "Report published", step=REPORT),
            TimelineEntry(None, "Eligibility decided", step=DECISION),
            TimelineEntry(PartialDate(2019, 5, 31), "Received", step=RECEIVED),
        ]
    )
    assert titles(entries) == ["Received", "Eligibility decided", "Report published"]
    assert entries[1].label == "Date not known"
    assert entries[1].day is None


def test_a_letter_or_a_withdrawal_holds_back_nothing_after_it():
    # A letter sent again late must not push later steps after it; nor does a withdrawal.
    entries = in_true_order(
        [
            TimelineEntry(london(2027, 1, 20, 9, 0), "Letter sent again", step=LETTER),
            TimelineEntry(london(2027, 1, 10, 9, 0), "Progress report 1 sent", step=PROGRESS),
            TimelineEntry(london(2027, 1, 5, 9, 0), "Withdrawn", step=WITHDRAWN),
            TimelineEntry(london(2026, 12, 1, 9, 0), "Received", step=RECEIVED),
        ]
    )
    assert titles(entries) == ["Received", "Withdrawn", "Progress report 1 sent", "Letter sent again"]


# --- What each audience sees --------------------------------------------------------------------


@pytest.fixture
def investigated(public_record):
    complaint = with_positions()
    letters.send_acknowledgement_letter(complaint)
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets every requirement.",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
    )
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    report = complaint.progress_reports.get(period=1)
    services.send_progress_report(report, steps_taken="Fieldwork", steps_proposed="Analysis")
    return SuperComplaint.objects.get(pk=complaint.pk)


@pytest.mark.django_db
def test_staff_see_every_step_in_the_order_it_happened(investigated):
    entries = complaint_timeline(investigated, audience=Audience.STAFF)
    assert titles(entries) == [
        "Received by the Chief Inspector",
        "Acknowledged",
        "HMICFRS recorded its position: Eligible",
        "IOPC recorded its position: Eligible",
        "College recorded its position: Eligible",
        # The decision is known to the day only: it goes after the positions of that day, and
        # before the letters and reports sent that day, since its time is not known.
        "Eligibility decided: Eligible",
        "The body was told the complaint will be investigated (regulation 6(5))",
        f"Letter sent: Acknowledgement of super-complaint {investigated.reference}",
        "Progress report 1 sent",
    ]


@pytest.mark.django_db
def test_the_body_sees_no_positions_and_no_letters_in_its_timeline(investigated):
    entries = complaint_timeline(investigated, audience=Audience.BODY)
    assert titles(entries) == [
        "Received by the Chief Inspector",
        "Acknowledged",
        "Eligibility decided: Eligible",
        "Progress report 1 sent",
    ]
    assert entries[2].detail == "The complaint will be investigated, with progress reports (regulation 6(5))."


@pytest.mark.django_db
def test_the_public_sees_only_published_facts(investigated):
    entries = complaint_timeline(investigated, audience=Audience.PUBLIC)
    assert titles(entries) == ["Received by the Chief Inspector", "Eligibility decided: Eligible"]
    assert [e.detail for e in entries] == ["", ""]


@pytest.mark.django_db
def test_a_withdrawal_is_the_last_entry_with_its_reason_for_staff_and_body(investigated):
    services.withdraw_complaint(investigated, reason="Resolved with the force", at=london(2027, 6, 1, 12, 0))
    complaint = SuperComplaint.objects.get(pk=investigated.pk)
    staff = complaint_timeline(complaint, audience=Audience.STAFF)[-1]
    public = complaint_timeline(complaint, audience=Audience.PUBLIC)[-1]
    assert (staff.title, staff.detail, staff.label) == (
        "Withdrawn by the body (non-statutory)",
        "Resolved with the force",
        "Tuesday 1 June 2027",
    )
    assert (public.title, public.detail) == ("Withdrawn by the complainant", "")
