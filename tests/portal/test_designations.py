"""The Home Office's designations pages, and their effect on who may submit."""

import datetime

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from accounts.models import Role
from audit.models import AuditEvent
from complaints.models import ComplaintState
from deadlines.rules import to_london_date
from organisations.models import CriterionKind, DesignationAssessment, Organisation
from tests.builders import org
from tests.portal.support import client_for, complete_draft, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(public_record):
    return client_for(person("officer@homeoffice.example", org("Home Office"), Role.DESIGNATIONS))


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_only_a_designations_officer_gets_in(hestia, public_record):
    liberty = org("Liberty")
    designation = liberty.designations.get()
    for url in (
        "/portal/designations/",
        "/portal/designations/new/",
        f"/portal/designations/{liberty.slug}/",
        f"/portal/designations/{liberty.slug}/designations/{designation.pk}/revoke/",
        f"/portal/designations/{liberty.slug}/assess/designation/",
    ):
        assert hestia.get(url).status_code == 404, url


def test_the_list_shows_every_body_and_its_designation_history(officer):
    response = officer.get("/portal/designations/")
    assert (
        response.content.decode().count('<strong class="govuk-tag govuk-tag--green">Designated</strong>')
        == 16
    )
    assertContains(response, "SI 2018/748 reg 3(h), in force from 1 November 2018")
    hestia = org("Hestia")
    assertContains(
        response, f'<a class="govuk-link" href="/portal/designations/{hestia.slug}/">Hestia</a>', html=True
    )


def test_recording_a_designation_for_a_new_body(officer):
    response = officer.post(
        "/portal/designations/new/",
        {
            "body": "new",
            "new_body_name": "Victims First Alliance",
            "instrument": "SI 2027/12 reg 2",
            **date_fields("laid_on", datetime.date(2027, 2, 1)),
            **date_fields("in_force_from", datetime.date(2027, 3, 1)),
            "made_on_0": "",
            "made_on_1": "",
            "made_on_2": "",
            "notes": "",
        },
    )
    body = Organisation.objects.get(name="Victims First Alliance")
    assertRedirects(response, f"/portal/designations/{body.slug}/", fetch_redirect_response=False)
    designation = body.designations.get()
    assert (designation.instrument, designation.in_force_from, designation.laid_on, designation.made_on) == (
        "SI 2027/12 reg 2",
        datetime.date(2027, 3, 1),
        datetime.date(2027, 2, 1),
        None,
    )
    assert body.is_designated_on(datetime.date(2027, 3, 1))
    assert not body.is_designated_on(datetime.date(2027, 2, 28))
    assert AuditEvent.objects.filter(action="organisation.created", object_id=str(body.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(action="designation.recorded", object_id=str(designation.pk)).count() == 1
    )
    assertContains(
        officer.get(response["Location"]), "The designation of Victims First Alliance has been recorded."
    )


def test_designation_errors_are_shown_against_their_fields(officer):
    response = officer.post(
        "/portal/designations/new/",
        {
            "body": "new",
            "instrument": "",
            "in_force_from_0": "31",
            "in_force_from_1": "2",
            "in_force_from_2": "2027",
        },
    )
    assertContains(response, '<a href="#id_new_body_name">Enter the name of the new body</a>', html=True)
    assertContains(
        response, '<a href="#id_instrument">Enter the instrument that makes the designation</a>', html=True
    )
    assertContains(
        response,
        '<a href="#id_in_force_from_0">The date the designation comes into force must be a real date, '
        "for example 1 11 2018</a>",
        html=True,
    )
    assert 'value="31"' in response.content.decode()  # what was typed stays
    response = officer.post(
        "/portal/designations/new/", {"body": "", "in_force_from_0": "1", "in_force_from_2": "2027"}
    )
    assertContains(response, '<a href="#id_body">Select the body being designated</a>', html=True)
    assertContains(
        response,
        '<a href="#id_in_force_from_0">The date the designation comes into force must include a month</a>',
        html=True,
    )


def test_a_second_designation_while_one_is_in_force_is_refused_in_plain_words(officer):
    hestia = org("Hestia")
    response = officer.post(
        "/portal/designations/new/",
        {
            "body": str(hestia.pk),
            "instrument": "SI 2027/12 reg 2",
            **date_fields("in_force_from", datetime.date(2027, 1, 1)),
        },
    )
    assertContains(response, "Hestia is already designated on that date.")
    assert hestia.designations.count() == 1


def test_a_revocation_recorded_today_stops_liberty_submitting(officer, liberty, liberty_user):
    complaint = complete_draft("Liberty", liberty_user, title="Stop and search")
    body = org("Liberty")
    designation = body.designations.get()
    today = to_london_date(timezone.now())
    response = officer.post(
        f"/portal/designations/{body.slug}/designations/{designation.pk}/revoke/",
        {"instrument": "SI 2026/999 reg 2", **date_fields("revoked_from", today)},
    )
    assertRedirects(response, f"/portal/designations/{body.slug}/", fetch_redirect_response=False)
    designation.refresh_from_db()
    assert (designation.revocation_instrument, designation.revoked_from) == ("SI 2026/999 reg 2", today)
    assertContains(
        officer.get("/portal/designations/"),
        '<strong class="govuk-tag govuk-tag--grey">Not designated</strong>',
        html=True,
    )

    refused = liberty.post(
        f"/portal/drafts/{complaint.pk}/declaration/", {"version": complaint.version, "declaration": "on"}
    )
    assertContains(refused, "Liberty is not a designated body on")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DRAFT

    # The revocation page of a revoked designation leads back to the body.
    again = officer.get(f"/portal/designations/{body.slug}/designations/{designation.pk}/revoke/")
    assertRedirects(again, f"/portal/designations/{body.slug}/", fetch_redirect_response=False)


def test_a_designation_in_force_today_lets_a_new_body_submit(officer, public_record):
    today = to_london_date(timezone.now())
    officer.post(
        "/portal/designations/new/",
        {
            "body": "new",
            "new_body_name": "Victims First Alliance",
            "instrument": "SI 2026/50 reg 2",
            **date_fields("in_force_from", today),
        },
    )
    body = Organisation.objects.get(name="Victims First Alliance")
    member = person("lead@victimsfirst.example", body)
    client = client_for(member)
    complaint = complete_draft("Victims First Alliance", member)
    response = client.post(
        f"/portal/drafts/{complaint.pk}/declaration/", {"version": complaint.version, "declaration": "on"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_a_revocation_before_the_designation_is_refused(officer):
    body = org("Galop")
    designation = body.designations.get()
    response = officer.post(
        f"/portal/designations/{body.slug}/designations/{designation.pk}/revoke/",
        {"instrument": "SI 2018/1 reg 2", **date_fields("revoked_from", datetime.date(2018, 1, 1))},
    )
    assertContains(response, "A revocation must come into force after the designation did.")


def test_an_assessment_against_the_nine_criteria(officer):
    body = org("Galop")
    page = officer.get(f"/portal/designations/{body.slug}/assess/designation/")
    assert (
        page.content.decode().count('class="govuk-radios__input"') == 27
    )  # nine criteria, three answers each
    assertContains(
        page,
        "Criterion 1: competent in, and has considerable experience of, representing the interests of the public",
    )

    data = {**date_fields("assessed_on", datetime.date(2027, 2, 14)), "conclusion": "Meets the criteria"}
    for n in range(1, 10):
        data[f"finding_{n}"] = "yes"
        data[f"notes_{n}"] = ""
    data["finding_5"], data["notes_5"] = "not_assessed", "Data handling review pending"
    data["finding_8"] = "no"
    response = officer.post(f"/portal/designations/{body.slug}/assess/designation/", data)
    assertRedirects(response, f"/portal/designations/{body.slug}/", fetch_redirect_response=False)
    assessment = DesignationAssessment.objects.get(body=body)
    assert (assessment.kind, assessment.assessed_on, assessment.conclusion) == (
        CriterionKind.DESIGNATION,
        datetime.date(2027, 2, 14),
        "Meets the criteria",
    )
    findings = {f.criterion.number: (f.met, f.notes) for f in assessment.findings.select_related("criterion")}
    assert findings[1] == (True, "")
    assert findings[5] == (None, "Data handling review pending")
    assert findings[8] == (False, "")
    assert len(findings) == 9
    detail = officer.get(response["Location"])
    assertContains(detail, "Data handling review pending")


def test_an_assessment_needs_an_answer_for_every_criterion(officer):
    body = org("Galop")
    response = officer.post(f"/portal/designations/{body.slug}/assess/revocation/", {})
    assertContains(response, '<a href="#id_assessed_on_0">Enter the date of the assessment</a>', html=True)
    assertContains(
        response, '<a href="#id_finding_1">Select whether ground 1 applies, or not assessed</a>', html=True
    )
    assert officer.get(f"/portal/designations/{body.slug}/assess/nonsense/").status_code == 404


def test_a_revocation_assessment_is_linked_to_the_designation_in_force(officer):
    body = org("Galop")
    data = {**date_fields("assessed_on", datetime.date(2027, 2, 14))}
    for n in range(1, 9):
        data[f"finding_{n}"] = "no"
    officer.post(f"/portal/designations/{body.slug}/assess/revocation/", data)
    assessment = DesignationAssessment.objects.get(body=body)
    assert assessment.kind == CriterionKind.REVOCATION
    assert assessment.designation == body.designations.get()
    assert assessment.findings.count() == 8


def test_the_designations_landing_page_is_titled_for_what_it_is(officer):
    page = officer.get("/portal/").content.decode()
    assert "<title>Designations – Police super-complaints</title>" in page
    assert '<h1 class="govuk-heading-l">Designations</h1>' in page
    assert "Your super-complaints" not in page
