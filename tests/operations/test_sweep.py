"""The deadline sweep: row by row, each row flagged once, safe to run twice or twice at once."""

import datetime

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from complaints import services
from complaints.models import SuperComplaint
from deadlines.models import Deadline, DeadlineRule
from deadlines.rules import progress_report_periods
from operations.sweep import sweep_deadlines
from tests.builders import eligible, london, received

ON = datetime.date(2026, 11, 28)


@pytest.mark.django_db
def test_sweep_flags_overdue_items_once_and_a_second_run_changes_nothing(public_record, capsys):
    late = received("Late", at=london(2026, 11, 2, 9))  # acknowledgement due Fri 6 Nov 2026
    on_time = received("On time", at=london(2026, 11, 27, 9))
    investigated = eligible("Investigated", told=london(2026, 1, 5, 9))
    call_command("sweep_deadlines", "--on", "2026-11-28")
    out = capsys.readouterr().out
    assert "newly overdue: 1 acknowledgements, 4 progress reports, 0 responses" in out
    assert late.acknowledgement_deadline.flagged_overdue_on == ON
    assert on_time.acknowledgement_deadline.flagged_overdue_on is None
    late_event = AuditEvent.objects.get(action="complaint.acknowledgement_overdue", object_id=str(late.pk))
    assert late_event.after == {"due": "2026-11-06", "flagged_on": "2026-11-28"}

    # The sweep stored every period up to the one running on the day, and flagged those past.
    periods = progress_report_periods(datetime.date(2026, 1, 5), 5)
    assert periods[3].due < ON < periods[4].due
    reports = list(investigated.progress_reports.prefetch_related("deadlines").order_by("period"))
    assert [(r.period, r.deadline.due) for r in reports] == [(p.period, p.due) for p in periods]
    assert [r.period for r in reports if r.deadline.flagged_overdue_on == ON] == [1, 2, 3, 4]
    assert reports[4].deadline.flagged_overdue_on is None
    assert [
        e.after["period"]
        for e in AuditEvent.objects.filter(
            action="complaint.progress_report_overdue", object_id=str(investigated.pk)
        ).order_by("pk")
    ] == [1, 2, 3, 4]

    snapshot = (
        AuditEvent.objects.count(),
        list(Deadline.objects.order_by("pk").values_list("pk", "due", "flagged_overdue_on", "updated_at")),
        list(SuperComplaint.objects.order_by("pk").values_list("version", "updated_at")),
    )
    call_command("sweep_deadlines", "--on", "2026-11-28")
    assert "newly overdue: 0 acknowledgements, 0 progress reports, 0 responses" in capsys.readouterr().out
    assert snapshot == (
        AuditEvent.objects.count(),
        list(Deadline.objects.order_by("pk").values_list("pk", "due", "flagged_overdue_on", "updated_at")),
        list(SuperComplaint.objects.order_by("pk").values_list("version", "updated_at")),
    )


@pytest.mark.django_db
def test_met_and_stopped_deadlines_are_never_flagged(public_record):
    acknowledged = services.acknowledge_complaint(received("Acknowledged", at=london(2026, 11, 2, 9)))
    withdrawn = services.withdraw_complaint(
        received("Withdrawn", at=london(2026, 11, 2, 9)), reason="The body withdrew it"
    )
    assert acknowledged.acknowledgement_deadline.met_at == acknowledged.acknowledged_at
    assert withdrawn.acknowledgement_deadline.stopped_at == withdrawn.withdrawn_at
    counts = sweep_deadlines(ON)
    assert counts[DeadlineRule.ACKNOWLEDGEMENT] == 0
    assert not AuditEvent.objects.filter(
        action="complaint.acknowledgement_overdue", object_id__in=[str(acknowledged.pk), str(withdrawn.pk)]
    ).exists()


def test_sweep_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("sweep_deadlines", "--on", "28/11/2026")


def test_the_sweep_command_lives_above_the_domain_apps():
    from django.core.management import get_commands

    assert get_commands()["sweep_deadlines"] == "operations"


@pytest.mark.django_db
def test_one_working_day_calendar_serves_the_whole_sweep(public_record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        eligible(f"Investigated {n}", told=london(2026, 1, 5 + n, 9))
    with CaptureQueriesContext(connection) as captured:
        counts = sweep_deadlines(ON)
    assert counts[DeadlineRule.PROGRESS_REPORT] == 12  # periods 1 to 4 of each
    holiday_reads = [q["sql"] for q in captured.captured_queries if "deadlines_holidayoverride" in q["sql"]]
    assert len(holiday_reads) == 1


@pytest.mark.django_db
def test_the_report_stops_the_progress_reports_still_to_come(public_record):
    from tests.public.seed import published_case

    complaint = published_case().complaint
    reports = list(complaint.progress_reports.prefetch_related("deadlines").order_by("period"))
    first, second = (r.deadline for r in reports)
    assert first.met_at == reports[0].sent_at  # sent before the report
    assert second.met_at is None and second.stopped_at is not None
    assert second.stop_reason == "The report was published, which ends the investigation."
    sweep_deadlines(datetime.date(2027, 12, 1))
    second.refresh_from_db()
    assert second.flagged_overdue_on is None
