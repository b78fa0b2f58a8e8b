"""The deadlines ledger: one row per deadline, recomputed in one place when the holiday table
changes, and never moved once met."""

import datetime

import pytest

from audit.models import AuditEvent
from complaints import services
from complaints.models import SuperComplaint
from deadlines.calendar import WorkingCalendar
from deadlines.models import Deadline
from deadlines.rules import acknowledgement_due, progress_report_periods
from recommendations.services import add_recommendation, expand_addressees
from tests.accounts.support import force_verified_login, make_device
from tests.builders import eligible, london, org, received

D = datetime.date
pytestmark = pytest.mark.django_db

PROCLAIMED = D(2026, 12, 1)  # a Tuesday
WITH_PROCLAMATION = WorkingCalendar([(PROCLAIMED, "add", "Proclaimed day", "Royal proclamation")])


def snapshot(row):
    row.refresh_from_db()
    return (row.due, row.start, row.explanation_text, row.updated_at)


def staff_add_a_bank_holiday(client, django_user_model):
    """As staff do it: the admin's add form, behind two-factor sign-in."""
    admin_user = django_user_model(email="admin@example.org", is_staff=True, is_superuser=True)
    admin_user.set_unusable_password()
    admin_user.save()
    force_verified_login(client, admin_user, make_device(admin_user))
    response = client.post(
        "/admin/deadlines/holidayoverride/add/",
        {
            "date": PROCLAIMED.isoformat(),
            "action": "add",
            "name": "Proclaimed day",
            "reason": "Royal proclamation",
        },
    )
    assert response.status_code == 302


def test_a_holiday_added_by_staff_moves_every_open_deadline_it_affects_and_no_met_one(
    public_record, client, django_user_model
):
    # Received Friday 27 November 2026: due Thursday 3 December, counting Tuesday 1 December.
    open_ack = received("Open", at=london(2026, 11, 27, 10)).acknowledgement_deadline
    met_ack = services.acknowledge_complaint(
        received("Acknowledged", at=london(2026, 11, 27, 10))
    ).acknowledgement_deadline
    # Received Monday 7 December: its period lies after the proclaimed day.
    later_ack = received("Later", at=london(2026, 12, 7, 10)).acknowledgement_deadline
    # Told on Tuesday 1 December: period 1 would begin on the proclaimed day.
    investigating = eligible("Investigating", told=london(2026, 12, 1, 12))
    running_report = investigating.progress_reports.get(period=1).deadline
    reported = eligible("Reported", told=london(2026, 12, 1, 12))
    services.send_progress_report(
        reported.progress_reports.get(period=1), steps_taken="Fieldwork", steps_proposed="Analysis"
    )
    sent_report = reported.progress_reports.get(period=1).deadline
    next_report = reported.progress_reports.get(period=2).deadline
    # A response deadline the report names: a calendar date, whatever the holidays.
    stalking = SuperComplaint.objects.get(reference="SC-2022-001")
    recommendation = add_recommendation(
        stalking.report,
        label="R",
        text="Act.",
        organisations=[org("Home Office")],
        default_due=D(2026, 12, 2),
    )
    expand_addressees(recommendation)
    response_deadline = recommendation.obligations.get().deadline

    assert (open_ack.due, met_ack.due, later_ack.due) == (D(2026, 12, 3), D(2026, 12, 3), D(2026, 12, 11))
    assert sent_report.met_at is not None
    running_before, next_before = running_report.due, next_report.due
    unmoved = {
        "met acknowledgement": (met_ack, snapshot(met_ack)),
        "later acknowledgement": (later_ack, snapshot(later_ack)),
        "sent progress report": (sent_report, snapshot(sent_report)),
        "response": (response_deadline, snapshot(response_deadline)),
    }
    untouched_rows = set(Deadline.objects.exclude(stopped_at=None).values_list("pk", "due", "updated_at"))
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))

    staff_add_a_bank_holiday(client, django_user_model)

    # The open acknowledgement moves a day: Tuesday 1 December no longer counts.
    open_ack.refresh_from_db()
    assert open_ack.due == D(2026, 12, 4)
    assert open_ack.is_running
    assert (
        "- Tuesday 1 December 2026: Bank holiday added by staff: Proclaimed day" in open_ack.explanation_text
    )
    assert {"date": "2026-12-01", "reason": "Bank holiday added by staff: Proclaimed day"} in (
        open_ack.explanation["skipped"]
    )
    assert open_ack.explanation["result"] == "2026-12-04"
    assert (
        open_ack.explanation_text
        == acknowledgement_due(london(2026, 11, 27, 10), calendar=WITH_PROCLAMATION).explanation
    )
    # The running progress report's period now begins on Wednesday 2 December.
    expected = progress_report_periods(PROCLAIMED, 2, calendar=WITH_PROCLAMATION)
    running_report.refresh_from_db()
    assert (running_report.start, running_report.due) == (D(2026, 12, 2), expected[0].due)
    # After a sent report, the next period follows the rule; the sent one keeps its date.
    next_report.refresh_from_db()
    assert (next_report.start, next_report.due) == (expected[1].start, expected[1].due)
    for name, (row, before) in unmoved.items():
        assert snapshot(row) == before, name
    # Stopped deadlines (the public record's old acknowledgements) are not touched either.
    assert (
        set(Deadline.objects.exclude(stopped_at=None).values_list("pk", "due", "updated_at"))
        == untouched_rows
    )

    # One event per moved deadline, about the complaint it is shown under.
    moved = AuditEvent.objects.exclude(pk__in=events_before).filter(action="deadline.recomputed")
    assert sorted((e.object_id, e.before["due"], e.after["due"]) for e in moved) == sorted(
        [
            (str(open_ack.case_id), "2026-12-03", "2026-12-04"),
            (str(investigating.pk), running_before.isoformat(), expected[0].due.isoformat()),
            (str(reported.pk), next_before.isoformat(), expected[1].due.isoformat()),
        ]
    )
