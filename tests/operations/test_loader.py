import datetime

import pytest
from django.conf import settings
from django.core.management import call_command

from audit.models import AuditEvent
from complaints.models import ComplaintState, SuperComplaint
from organisations.models import Criterion, CriterionKind, Designation, Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Recommendation
from reports.models import Report
from tests.builders import org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def count(kind):
    return Organisation.objects.filter(kind=kind).count()


def test_the_public_record_has_every_organisation():
    assert count(OrganisationKind.DESIGNATED_BODY) == 16
    assert count(OrganisationKind.FORCE) == 47
    # Every force but the National Crime Agency has a body holding it to account.
    assert count(OrganisationKind.LOCAL_POLICING_BODY) == 46
    assert (
        Organisation.objects.forces().filter(local_policing_body__isnull=True).get().name
        == "National Crime Agency"
    )
    assert set(
        Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).values_list("short_name", flat=True)
    ) == {
        "HMICFRS",
        "IOPC",
        "College",
    }
    assert set(
        Organisation.objects.filter(kind=OrganisationKind.NATIONAL_BODY).values_list("short_name", flat=True)
    ) == {
        "Home Office",
        "NPCC",
        "APCC",
        "MoJ",
        "CPS",
    }
    assert Criterion.objects.filter(kind=CriterionKind.DESIGNATION).count() == 9
    assert Criterion.objects.filter(kind=CriterionKind.REVOCATION).count() == 8


def test_forces_carry_their_local_policing_body_and_country():
    force = org("Gwent Police")
    assert force.country == "Wales"
    assert force.local_policing_body.name == "Gwent Police and Crime Commissioner"
    assert force.local_policing_body.lpb_kind == "pcc"


def test_unverified_facts_stay_flagged():
    assert org("Cambridgeshire Constabulary").verified is False
    assert org("Cambridgeshire and Peterborough Police and Crime Commissioner").verified is False
    assert org("Avon and Somerset Constabulary").verified is True
    # The eighth complaint is known from press reports only (tests/operations/test_record_facts.py).
    assert SuperComplaint.objects.get(reference="SC-2025-001").title_verified is False


def test_each_body_is_designated_by_si_2018_748_from_1_november_2018():
    hestia = Designation.objects.get(body__name="Hestia")
    assert hestia.instrument == "SI 2018/748 reg 3(h)"
    assert hestia.in_force_from == datetime.date(2018, 11, 1)
    assert org("Hestia").is_designated_on(datetime.date(2018, 11, 1))
    assert not org("Hestia").is_designated_on(datetime.date(2018, 10, 31))
    assert Organisation.objects.designated_on(datetime.date(2019, 5, 31)).count() == 16


def test_the_eight_super_complaints_with_their_dates():
    rows = list(SuperComplaint.objects.order_by("received_on").values_list("reference", "received_on"))
    assert [(ref, value.isoformat()) for ref, value in rows] == [
        ("SC-2018-001", "2018-12-18"),
        ("SC-2019-001", "2019-03-19"),
        ("SC-2019-002", "2019-05-31"),
        ("SC-2020-001", "2020-03"),
        ("SC-2020-002", "2020-08-07"),
        ("SC-2021-001", "2021-05"),
        ("SC-2022-001", "2022-11"),
        ("SC-2025-001", "2025-12"),
    ]
    assert set(SuperComplaint.objects.exclude(reference="SC-2025-001").values_list("state", flat=True)) == {
        ComplaintState.REPORT_PUBLISHED
    }
    assert str(Report.objects.get(complaint__reference="SC-2019-001").published_on) == "August 2021"


def test_hestia_complaint_in_full():
    hestia = SuperComplaint.objects.get(reference="SC-2019-002")
    assert [b.name for b in hestia.complainants.all()] == ["Hestia"]
    # Reg 5's date follows from the day of receipt; the clock stopped long ago, before the service.
    acknowledgement = hestia.acknowledgement_deadline
    assert acknowledgement.due == datetime.date(2019, 6, 6)
    assert acknowledgement.stopped_at is not None and acknowledgement.met_at is None
    assert acknowledgement.stop_reason == "Acknowledged before this service kept records."
    assert hestia.forces_scope == "all"
    features = list(hestia.features.values_list("text", flat=True))
    assert len(features) == 6
    assert features[0].startswith("non-specialist police officers fail to recognise")
    assert features[5] == "the adequacy of training provided to frontline officers"
    assert "Underground lives" in hestia.evidence_items.get().description
    report = hestia.report
    assert report.title.startswith("The hidden victims")
    assert report.published_on.isoformat() == "2021-05-26"
    assert report.findings_summary.startswith("The police response to modern slavery has improved since 2017")
    assert list(report.actions.values_list("reference", "authority__short_name")) == [
        ("Action 1", "College"),
        ("Action 2", "HMICFRS"),
    ]
    recommendations = list(Recommendation.objects.filter(report=report).order_by("position"))
    assert [r.reference for r in recommendations] == ["SC-2019-002-R1", "SC-2019-002-R2"]
    assert [o.organisation.name for o in recommendations[0].obligations.all()] == ["Home Office"]
    chief_constables = AddresseeGroup.objects.get(slug="chief-constables")
    assert recommendations[1].obligations.count() == 43 == chief_constables.members.count()
    assert all(not r.text_verified for r in recommendations)
    assert hestia.eligibility.outcome == "eligible"
    assert hestia.eligibility.decided_on is None  # not in the public record: no date invented


def test_stalking_eligibility_date_and_lead():
    stalking = SuperComplaint.objects.get(reference="SC-2022-001")
    assert stalking.eligibility.decided_on.isoformat() == "2023-01-26"
    assert stalking.lead_authority.short_name == "IOPC"
    assert stalking.report.recommendation_count == 29
    assert stalking.report.public_record_notes["response_deadlines"][0]["due"] == "2024-11-22"


def test_loading_twice_creates_nothing_and_keeps_staff_corrections(capsys):
    report = Report.objects.get(complaint__reference="SC-2020-001")
    report.title = "Corrected title"
    report.title_verified = True
    report.save()
    events = AuditEvent.objects.count()
    before = {
        model: model.objects.count()
        for model in (Organisation, Designation, SuperComplaint, Report, Recommendation)
    }
    call_command("load_public_record")
    assert "nothing (already loaded)" in capsys.readouterr().out
    assert {model: model.objects.count() for model in before} == before
    assert Report.objects.get(complaint__reference="SC-2020-001").title == "Corrected title"
    # The second run still records that it ran.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-sequence").first().action == "public_record.loaded"


def test_loading_writes_a_verifiable_audit_trail_with_the_system_as_actor(capsys):
    events = AuditEvent.objects.all()
    assert events.filter(action="organisation.created").count() == 16 + 47 + 46 + 3 + 5
    assert events.filter(action="complaint.loaded_from_public_record").count() == 8
    assert set(events.values_list("actor_label", flat=True)) == {"system"}
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_loaded_from_the_copy_shipped_with_the_product():
    assert (settings.PUBLIC_RECORD_DIR / "super_complaints.json").is_file()
    assert "shared" not in settings.PUBLIC_RECORD_DIR.parts


def test_a_first_load_writes_the_record_as_it_is_and_corrects_nothing():
    """Welsh names arrive with the organisations they belong to, so a new database records no
    correction of them: a correction is a change to something loaded before."""
    assert not AuditEvent.objects.filter(action="public_record.corrected").exists()
    assert org("Dyfed-Powys Police").name_cy == "Heddlu Dyfed-Powys"
    assert org("Welsh Women's Aid").name_cy == "Cymorth i Ferched Cymru"
