import datetime

import pytest

from audit.models import AuditEvent
from complaints import services as complaint_services
from complaints.models import ComplaintState, SuperComplaint
from reports.models import Report
from reports.publication import publish_report, release_report
from reports.services import ReportError, create_report, exclude_passage
from tests.builders import REG4_MET, authority, london, make_draft, sign_off_all

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


def test_a_report_is_private_until_published_and_its_embargo_passes(investigated):
    report = create_report(investigated, title="Report on the super-complaint", conclusions="Harm found")
    assert not Report.objects.published().filter(pk=report.pk).exists()
    embargo = london(2026, 12, 10, 0, 1)
    publish_report(sign_off_all(report), at=london(2026, 12, 9, 17), embargo_until=embargo)
    assert not Report.objects.published(at=london(2026, 12, 10, 0, 0)).filter(pk=report.pk).exists()
    assert Report.objects.published(at=embargo).filter(pk=report.pk).exists()
    report.refresh_from_db()
    assert report.published_on.isoformat() == "2026-12-10"
    assert (
        AuditEvent.objects.filter(action="report.publication_scheduled").get().after["state"] == "published"
    )
    # The complaint moves on at the public moment, when the report is released.
    investigated.refresh_from_db()
    assert investigated.state == ComplaintState.INVESTIGATING
    assert release_report(report, now=london(2026, 12, 10, 0, 0)) is None
    assert release_report(report, now=embargo) is not None
    investigated.refresh_from_db()
    assert investigated.state == ComplaintState.REPORT_PUBLISHED


def test_publishing_twice_does_nothing_more(investigated):
    report = create_report(investigated, title="Report")
    publish_report(sign_off_all(report), at=london(2026, 12, 9, 17))
    publish_report(report, at=london(2026, 12, 19, 17))
    report.refresh_from_db()
    assert report.published_on.isoformat() == "2026-12-09"
    assert AuditEvent.objects.filter(action="report.published").count() == 1


def test_exclusions_name_their_ground_but_the_trail_does_not_repeat_the_passage(investigated):
    report = create_report(investigated, title="Report")
    exclude_passage(report, ground="safety", passage="The address of the refuge is ...")
    event = AuditEvent.objects.get(action="report.passage_excluded")
    assert event.after["ground"] == "safety"
    assert "refuge" not in str(event.after)


def test_a_report_needs_a_title(investigated):
    with pytest.raises(ReportError):
        create_report(investigated, title=" ")


def test_historical_reports_are_published_with_their_dates():
    assert Report.objects.published().count() == 7
    assert Report.objects.published().get(
        complaint__reference="SC-2019-002"
    ).published_on.as_date == datetime.date(2021, 5, 26)


def test_recommendations_of_an_embargoed_report_stay_private(investigated):
    from recommendations.models import Obligation, Recommendation
    from recommendations.services import add_recommendation, expand_addressees
    from tests.builders import org

    report = create_report(investigated, title="Report")
    recommendation = add_recommendation(
        report, label="R1", text="Do this", organisations=[org("Home Office")]
    )
    expand_addressees(recommendation)
    assert not Recommendation.objects.published().filter(pk=recommendation.pk).exists()
    publish_report(sign_off_all(report), embargo_until=london(2999, 1, 1, 0, 0))
    assert not Recommendation.objects.published().filter(pk=recommendation.pk).exists()
    assert not Obligation.objects.published().filter(recommendation=recommendation).exists()
    Report.objects.filter(pk=report.pk).update(embargo_until=None)
    assert Recommendation.objects.published().filter(pk=recommendation.pk).exists()
