"""The data migration that carried the due-date columns into the deadlines ledger: every value
arrives, on whichever database the suite runs (SQLite by default, PostgreSQL in `make test`), in a
database of its own migrated forward from nothing to the state before it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.helpers import a_database_of_its_own

D = datetime.date
UTC = datetime.UTC

BEFORE = [
    ("complaints", "0005_publication_url_and_made_with"),
    ("recommendations", "0001_initial"),
    ("deadlines", "0001_holiday_override"),
    # Not reversed by the targets above, so named to keep the old models in step with the tables.
    ("organisations", "0003_mark_hmicfrs_as_the_inspectorate"),
    ("reports", "0002_report_publication_url"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db
def test_every_due_date_and_flag_is_carried_into_a_row():
    with a_database_of_its_own():
        _every_due_date_and_flag_is_carried_into_a_row()


def _every_due_date_and_flag_is_carried_into_a_row():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    Complaint = old.get_model("complaints", "SuperComplaint")
    ProgressReport = old.get_model("complaints", "ProgressReport")
    Organisation = old.get_model("organisations", "Organisation")
    Report = old.get_model("reports", "Report")
    Recommendation = old.get_model("recommendations", "Recommendation")
    Obligation = old.get_model("recommendations", "Obligation")

    received_at = datetime.datetime(2026, 11, 27, 10, tzinfo=UTC)
    waiting = Complaint.objects.create(
        reference="SC-2026-101",
        state="received",
        title="Waiting",
        received_at=received_at,
        received_on="2026-11-27",
        acknowledgement_due=D(2026, 12, 3),
        acknowledgement_overdue_flagged_on=D(2026, 12, 4),
    )
    acknowledged_at = datetime.datetime(2026, 12, 1, 9, tzinfo=UTC)
    investigating = Complaint.objects.create(
        reference="SC-2026-102",
        state="investigating",
        title="Investigating",
        received_at=received_at,
        received_on="2026-11-27",
        acknowledgement_due=D(2026, 12, 3),
        acknowledged_at=acknowledged_at,
        told_investigation_on=D(2026, 12, 1),
    )
    sent_at = datetime.datetime(2027, 2, 10, 9, tzinfo=UTC)
    sent = ProgressReport.objects.create(
        complaint=investigating,
        period=1,
        period_start=D(2026, 12, 1),
        due=D(2027, 2, 19),
        explanation="Stored explanation of period 1",
        sent_at=sent_at,
    )
    unsent = ProgressReport.objects.create(
        complaint=investigating,
        period=2,
        period_start=D(2027, 2, 22),
        # Not what the rule gives (13 May): as if computed under a since-withdrawn override.
        due=D(2027, 5, 20),
        explanation="Stored explanation of period 2",
        overdue_flagged_on=D(2027, 5, 21),
    )
    force = Organisation.objects.create(kind="force", name="Test Police", slug="test-police")
    report = Report.objects.create(complaint=investigating, title="Report")
    recommendation = Recommendation.objects.create(report=report, reference="SC-2026-102-R1", label="R1")
    obligation = Obligation.objects.create(
        recommendation=recommendation,
        organisation=force,
        due=D(2027, 8, 1),
        due_explanation="Agreed extension",
        overdue_flagged_on=D(2027, 8, 2),
    )
    Obligation.objects.create(
        recommendation=recommendation,
        organisation=Organisation.objects.create(kind="force", name="Other Police", slug="other-police"),
    )

    new = migrate(latest)
    Deadline = new.get_model("deadlines", "Deadline")
    ContentType = new.get_model("contenttypes", "ContentType")
    complaint_type = ContentType.objects.get(app_label="complaints", model="supercomplaint")
    report_type = ContentType.objects.get(app_label="complaints", model="progressreport")
    obligation_type = ContentType.objects.get(app_label="recommendations", model="obligation")

    assert Deadline.objects.count() == 5  # the obligation without a deadline has no row
    ack = Deadline.objects.get(subject_type=complaint_type, subject_id=waiting.pk)
    assert (ack.rule, ack.due, ack.flagged_overdue_on, ack.met_at, ack.stopped_at) == (
        "reg5",
        D(2026, 12, 3),
        D(2026, 12, 4),
        None,
        None,
    )
    assert (ack.case_type_id, ack.case_id) == (complaint_type.pk, waiting.pk)
    assert ack.counted_from_moment == received_at
    # The rule gives the same date, so its structured explanation is stored.
    assert (ack.start, ack.explanation["result"], ack.explanation["rule"]) == (
        D(2026, 11, 27),
        "2026-12-03",
        "reg5",
    )
    assert ack.explanation_text.startswith("Acknowledgement (SI 2018/748 reg 5)")

    met = Deadline.objects.get(subject_type=complaint_type, subject_id=investigating.pk)
    assert (met.due, met.met_at) == (D(2026, 12, 3), acknowledged_at)

    first = Deadline.objects.get(subject_type=report_type, subject_id=sent.pk)
    assert (first.rule, first.sequence, first.start, first.due, first.met_at) == (
        "reg7",
        1,
        D(2026, 12, 1),
        D(2027, 2, 19),
        sent_at,
    )
    assert (first.case_id, first.counted_from, first.explanation_text) == (
        investigating.pk,
        D(2026, 12, 1),
        "Stored explanation of period 1",
    )
    second = Deadline.objects.get(subject_type=report_type, subject_id=unsent.pk)
    assert (second.sequence, second.start, second.due, second.flagged_overdue_on, second.met_at) == (
        2,
        D(2027, 2, 22),
        D(2027, 5, 20),
        D(2027, 5, 21),
        None,
    )
    # Not what the rule gives today, so it says it was carried across as recorded.
    assert (second.explanation["carried"], second.explanation["result"]) == (True, "2027-05-20")
    assert second.explanation_text == "Stored explanation of period 2"
    assert first.explanation["result"] == "2027-02-19" and "carried" not in first.explanation

    response = Deadline.objects.get(subject_type=obligation_type, subject_id=obligation.pk)
    assert (response.rule, response.due, response.flagged_overdue_on, response.case_id) == (
        "response",
        D(2027, 8, 1),
        D(2027, 8, 2),
        investigating.pk,
    )
    assert (response.explanation_text, response.explanation["note"]) == (
        "Agreed extension",
        "Agreed extension",
    )
