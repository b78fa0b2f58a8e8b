"""Sign-offs and publication (SI 2018/748 reg 8(2)): the gate, publishing now, an embargo, and
release run once whichever of the task worker and the sweep comes first."""

import datetime

import pytest

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from complaints import services as complaint_services
from complaints.models import ComplaintState, SuperComplaint
from deadlines.models import Deadline, DeadlineRule
from operations.sweep import sweep_deadlines
from outbox.models import Message
from recommendations.models import AddresseeGroup, Obligation
from recommendations.services import add_recommendation, ensure_standard_groups
from reports.models import PublicationNotice, Report, ReportState
from reports.publication import (
    cancel_scheduled_publication,
    publish_report,
    release_due_reports,
    release_report,
    sign_off_report,
    withdraw_sign_off,
)
from reports.services import ReportError, create_report
from tests.builders import REG4_MET, authority, london, make_draft, org, sign_off_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


@pytest.fixture
def investigated():
    complaint = complaint_services.submit_complaint(make_draft(), at=london(2026, 1, 5, 9))
    complaint_services.acknowledge_complaint(complaint)
    for short in ("HMICFRS", "IOPC", "College"):
        complaint_services.record_position(
            complaint, authority=authority(short), position="eligible", reasons="ok"
        )
    complaint_services.decide_eligibility(
        complaint, outcome="eligible", reasons="ok", checklist=REG4_MET, repeat_finding="not_a_repeat"
    )
    return complaint_services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("HMICFRS")
    )


@pytest.fixture
def report(investigated):
    ensure_standard_groups()
    report = create_report(investigated, title="The police response to victims", conclusions="Harm found")
    add_recommendation(
        report,
        label="Recommendation 1",
        text="Chief constables should refer every victim to support.",
        groups=[AddresseeGroup.objects.get(slug="chief-constables")],
    )
    add_recommendation(
        report,
        label="Recommendation 2",
        text="The Home Office should publish guidance.",
        organisations=[org("Home Office")],
    )
    return report


def _responder(email: str, organisation_name: str, role: str = Role.RESPONDER) -> User:
    user = User.objects.create_user(email, password="x" * 20, full_name=email)
    Membership.objects.create(user=user, organisation=org(organisation_name), role=role)
    return user


# --- Sign-offs -----------------------------------------------------------------------------------


def test_publication_is_refused_until_all_three_authorities_have_signed_off_naming_who_is_missing(report):
    with pytest.raises(ReportError) as refused:
        publish_report(report, at=london(2026, 12, 9, 17))
    assert "College of Policing" in str(refused.value)
    sign_off_report(report, authority=authority("HMICFRS"))
    sign_off_report(report, authority=authority("College"))
    with pytest.raises(ReportError) as refused:
        publish_report(report, at=london(2026, 12, 9, 17))
    assert str(refused.value) == (
        "The report cannot be published until every authority has signed it off. Missing: Independent "
        "Office for Police Conduct."
    )
    assert Report.objects.get(pk=report.pk).state == ReportState.DRAFT
    sign_off_report(report, authority=authority("IOPC"))
    assert publish_report(report, at=london(2026, 12, 9, 17)).state == ReportState.PUBLISHED


def test_a_withdrawn_sign_off_no_longer_counts_and_signing_twice_records_once(report):
    sign_off_all(report)
    sign_off_report(report, authority=authority("IOPC"))
    assert AuditEvent.objects.filter(action="report.signed_off").count() == 3
    withdraw_sign_off(report, authority=authority("IOPC"))
    assert AuditEvent.objects.get(action="report.sign_off_withdrawn").before == {
        "authority": "Independent Office for Police Conduct",
        "report_version": Report.objects.get(pk=report.pk).version,  # the version it approved
    }
    with pytest.raises(ReportError, match="Missing: Independent Office for Police Conduct"):
        publish_report(report)


def test_an_embargo_moment_in_the_past_is_refused(report):
    with pytest.raises(ReportError, match="must be in the future"):
        publish_report(
            sign_off_all(report), at=london(2026, 12, 9, 17), embargo_until=london(2026, 12, 9, 16)
        )


# --- Publishing now ------------------------------------------------------------------------------


def test_publishing_now_creates_43_plus_1_obligations_each_due_56_days_after_publication(report):
    _responder("kent@kent.example", "Kent Police")
    _responder("signatory@homeoffice.example", "Home Office", Role.SIGNATORY)
    published_at = datetime.datetime(2024, 9, 27, 9, 0, tzinfo=datetime.UTC)  # 10am BST, Friday

    publish_report(sign_off_all(report), at=published_at)

    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    assert report.released_at == published_at and not report.release_pending
    assert SuperComplaint.objects.get(pk=report.complaint_id).state == ComplaintState.REPORT_PUBLISHED
    chief_constables = Obligation.objects.filter(
        recommendation__label="Recommendation 1", recommendation__report=report
    )
    home_office = Obligation.objects.filter(
        recommendation__label="Recommendation 2", recommendation__report=report
    )
    assert chief_constables.count() == 43
    assert list(home_office.values_list("organisation__name", flat=True)) == ["Home Office"]
    rows = Deadline.objects.filter(rule=DeadlineRule.RESPONSE, case_id=report.complaint_id)
    assert rows.count() == 44
    assert set(rows.values_list("due", flat=True)) == {datetime.date(2024, 11, 22)}
    assert set(rows.values_list("counted_from", flat=True)) == {datetime.date(2024, 9, 27)}

    body = Message.objects.get(dedupe_key=f"report:{report.pk}:body")
    assert body.to == ["pat@example.org"]
    assert body.context["report_url"].endswith(f"/super-complaints/{report.complaint.reference}/report/")
    assert body.context["pdf_url"].endswith(f"/super-complaints/{report.complaint.reference}/report.pdf")
    addressed = Message.objects.filter(dedupe_key__startswith=f"report:{report.pk}:addressee:")
    assert sorted(m.to[0] for m in addressed) == ["kent@kent.example", "signatory@homeoffice.example"]
    kent = addressed.get(to=["kent@kent.example"])
    assert [(r["reference"], r["due"]) for r in kent.context["recommendations"]] == [
        (f"{report.complaint.reference}-R1", "Friday 22 November 2024")
    ]
    # Nobody could be told at the 42 other forces: recorded, not dropped.
    assert PublicationNotice.objects.filter(report=report).count() == 44
    assert PublicationNotice.objects.filter(report=report, recipients=[]).count() == 42
    team = Message.objects.get(dedupe_key=f"report:{report.pk}:team")
    assert len(team.context["without_recipient"]) == 42

    # Running the release again, or the sweep, sends and creates nothing more.
    messages, events = Message.objects.count(), AuditEvent.objects.count()
    assert release_report(report, now=published_at + datetime.timedelta(days=1)) is None
    assert release_due_reports(now=published_at + datetime.timedelta(days=1)) == 0
    assert publish_report(report) == Report.objects.get(pk=report.pk)
    assert (Message.objects.count(), AuditEvent.objects.count()) == (messages, events)
    assert Obligation.objects.filter(recommendation__report=report).count() == 44


def test_a_date_the_recommendation_sets_is_the_deadline(report):
    recommendation = report.recommendations.get(label="Recommendation 2")
    recommendation.default_due = datetime.date(2027, 3, 31)
    recommendation.save(update_fields=["default_due"])
    publish_report(sign_off_all(report), at=london(2026, 12, 9, 17))
    row = Obligation.objects.get(recommendation=recommendation).deadline
    assert (row.due, row.counted_from) == (datetime.date(2027, 3, 31), None)


# --- An embargo ----------------------------------------------------------------------------------


def test_an_embargoed_report_is_released_once_at_its_moment_by_whichever_runs_first(report):
    decided, moment = london(2026, 6, 30, 17), london(2026, 7, 1, 0, 30)  # 23:30 UTC on 30 June
    publish_report(sign_off_all(report), at=decided, embargo_until=moment)

    report.refresh_from_db()
    assert report.release_pending and report.published_on.isoformat() == "2026-07-01"
    assert not Obligation.objects.filter(recommendation__report=report).exists()
    assert not Message.objects.filter(dedupe_key__startswith=f"report:{report.pk}:").exists()
    assert SuperComplaint.objects.get(pk=report.complaint_id).state == ComplaintState.INVESTIGATING
    # A minute before the moment, nothing happens.
    assert release_report(report, now=moment - datetime.timedelta(minutes=1)) is None
    counts = sweep_deadlines(datetime.date(2026, 6, 30), now=moment - datetime.timedelta(minutes=1))
    assert counts["reports_released"] == 0

    counts = sweep_deadlines(datetime.date(2026, 7, 1), now=moment + datetime.timedelta(minutes=5))
    assert counts["reports_released"] == 1
    # The task worker, arriving second, finds nothing to do.
    assert release_report(report, now=moment + datetime.timedelta(minutes=6)) is None
    rows = Deadline.objects.filter(rule=DeadlineRule.RESPONSE, case_id=report.complaint_id)
    # Counted from the London day it became public (1 July), not the day it was decided.
    assert rows.count() == 44
    assert set(rows.values_list("due", flat=True)) == {datetime.date(2026, 8, 26)}
    assert Message.objects.filter(dedupe_key=f"report:{report.pk}:body").count() == 1
    assert SuperComplaint.objects.get(pk=report.complaint_id).state == ComplaintState.REPORT_PUBLISHED


def test_a_scheduled_publication_can_be_cancelled_before_its_moment_only(report):
    decided, moment = london(2026, 6, 30, 17), london(2026, 7, 1, 9)
    publish_report(sign_off_all(report), at=decided, embargo_until=moment)
    cancel_scheduled_publication(report, at=decided + datetime.timedelta(hours=1))
    report.refresh_from_db()
    assert (report.state, report.embargo_until, report.published_on, report.release_pending) == (
        ReportState.DRAFT,
        None,
        None,
        False,
    )
    assert release_due_reports(now=moment + datetime.timedelta(hours=1)) == 0
    # The sign-offs stand: it can be scheduled again, and once public it cannot be cancelled.
    publish_report(report, at=decided, embargo_until=moment)
    with pytest.raises(ReportError, match="already public"):
        cancel_scheduled_publication(report, at=moment)


def test_sign_offs_cannot_change_once_publication_is_decided(report):
    publish_report(sign_off_all(report), at=london(2026, 6, 30, 17), embargo_until=london(2026, 7, 1, 9))
    with pytest.raises(ReportError):
        withdraw_sign_off(report, authority=authority("IOPC"))
    with pytest.raises(ReportError):
        sign_off_report(report, authority=authority("IOPC"))


def test_a_change_after_the_sign_offs_makes_them_lapse(report):
    from reports.models import ReportSection
    from reports.services import add_passage

    sign_off_all(report)
    add_passage(Report.objects.get(pk=report.pk), section=ReportSection.CONCLUSIONS, text="A late addition")
    with pytest.raises(ReportError) as refused:
        publish_report(Report.objects.get(pk=report.pk), at=london(2026, 12, 9, 17))
    assert str(refused.value).endswith(
        "Missing: College of Policing, His Majesty's Inspectorate of Constabulary and Fire & Rescue "
        "Services, Independent Office for Police Conduct."
    )


def test_publication_waits_for_every_exclusion_to_be_approved(report):
    from reports.models import ReportSection
    from reports.services import add_passage, approve_exclusion, propose_exclusion

    proposer, approver = (
        User.objects.create_user(f"{n}@hmicfrs.example", password="x" * 20, full_name=n) for n in "ab"
    )
    for person in (proposer, approver):
        Membership.objects.create(user=person, organisation=authority("HMICFRS"), role=Role.CASEWORKER)
    passage = add_passage(report, section=ReportSection.CONCLUSIONS, text="The safe house is at …")
    exclusion = propose_exclusion(passage, ground="safety", reason="It would locate a refuge", by=proposer)
    sign_off_all(Report.objects.get(pk=report.pk))
    with pytest.raises(ReportError, match="while an exclusion waits for approval"):
        publish_report(Report.objects.get(pk=report.pk), at=london(2026, 12, 9, 17))
    approve_exclusion(exclusion, by=approver)
    sign_off_all(Report.objects.get(pk=report.pk))  # the approval changed the report: sign again
    assert publish_report(Report.objects.get(pk=report.pk), at=london(2026, 12, 9, 17)).state == "published"
