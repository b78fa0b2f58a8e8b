import datetime

import pytest

from audit.models import AuditEvent
from complaints.services import NotDesignated, submit_complaint
from organisations.models import CriterionKind, Organisation, OrganisationKind
from organisations.services import DesignationError, record_assessment, record_designation, record_revocation
from tests.builders import london, make_draft, org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def test_revocation_ends_the_right_to_complain_from_the_day_it_is_in_force():
    designation = org("Liberty").designations.get()
    record_revocation(designation, instrument="SI 2026/999 reg 2", revoked_from=datetime.date(2026, 4, 1))
    liberty = org("Liberty")
    assert liberty.is_designated_on(datetime.date(2026, 3, 31))
    assert not liberty.is_designated_on(datetime.date(2026, 4, 1))
    assert liberty not in Organisation.objects.designated_on(datetime.date(2026, 4, 1))
    assert AuditEvent.objects.filter(action="designation.revoked").count() == 1

    before = make_draft("Liberty")
    submit_complaint(before, at=london(2026, 3, 31, 23, 59))
    after = make_draft("Liberty")
    with pytest.raises(NotDesignated, match="Liberty is not a designated body on 1 April 2026"):
        submit_complaint(after, at=london(2026, 4, 1, 0, 1))


def test_a_new_body_is_designated_from_its_date_in_force():
    body = Organisation.objects.create(
        kind=OrganisationKind.DESIGNATED_BODY, name="New Charity", slug="new-charity"
    )
    record_designation(body, instrument="SI 2027/12 reg 2", in_force_from=datetime.date(2027, 1, 1))
    assert not body.is_designated_on(datetime.date(2026, 12, 31))
    assert body.is_designated_on(datetime.date(2027, 1, 1))
    with pytest.raises(DesignationError, match="already designated"):
        record_designation(body, instrument="SI 2027/13 reg 2", in_force_from=datetime.date(2027, 2, 1))


def test_revocation_must_follow_designation_and_name_its_instrument():
    designation = org("Galop").designations.get()
    with pytest.raises(DesignationError):
        record_revocation(designation, instrument="SI 2018/1 reg 1", revoked_from=datetime.date(2018, 11, 1))
    with pytest.raises(DesignationError):
        record_revocation(designation, instrument=" ", revoked_from=datetime.date(2027, 1, 1))


def test_only_a_designated_body_kind_can_be_designated():
    with pytest.raises(DesignationError):
        record_designation(
            org("Gwent Police"), instrument="SI 2027/1", in_force_from=datetime.date(2027, 1, 1)
        )


def test_assessment_against_the_nine_criteria():
    findings = {n: (True, f"criterion {n} met") for n in range(1, 10)}
    assessment = record_assessment(
        org("Hestia"),
        kind=CriterionKind.DESIGNATION,
        assessed_on=datetime.date(2018, 5, 1),
        findings=findings,
    )
    assert assessment.findings.count() == 9
    assert assessment.findings.first().criterion.text.startswith(
        "competent in, and has considerable experience"
    )
    with pytest.raises(DesignationError):
        record_assessment(
            org("Hestia"),
            kind=CriterionKind.REVOCATION,
            assessed_on=datetime.date(2026, 5, 1),
            findings={9: (True, "")},
        )


def test_a_new_body_is_added_once():
    from organisations.services import add_designated_body

    body = add_designated_body("  A New Charity ")
    assert body.name == "A New Charity"
    assert body.kind == OrganisationKind.DESIGNATED_BODY
    assert not body.is_designated_on(datetime.date(2030, 1, 1))
    with pytest.raises(DesignationError, match="already on the register"):
        add_designated_body("A New Charity")
    with pytest.raises(DesignationError):
        add_designated_body(" ")


def test_a_new_body_and_its_designation_stand_or_fall_together():
    from organisations.models import Organisation
    from organisations.services import designate_new_body

    with pytest.raises(DesignationError, match="Enter the instrument"):
        designate_new_body("Victims First Alliance", instrument=" ", in_force_from=datetime.date(2026, 6, 1))
    assert not Organisation.objects.filter(name="Victims First Alliance").exists()

    designation = designate_new_body(
        "Victims First Alliance", instrument="SI 2026/123 reg 2", in_force_from=datetime.date(2026, 6, 1)
    )
    assert designation.body.name == "Victims First Alliance"
    assert designation.body.is_designated_on(datetime.date(2026, 6, 1))
