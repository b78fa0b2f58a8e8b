"""/portal/: who gets in, and what a body member sees there."""

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Role
from complaints.services import submit_complaint
from tests.builders import london, org
from tests.portal.support import client_for, complete_draft, person

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(public_record):
    response = Client().get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/portal/"


def test_a_password_alone_is_not_enough(hestia_user):
    client = Client()
    client.force_login(hestia_user)
    response = client.get("/portal/drafts/1/")
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/portal/drafts/1/"


def test_someone_with_no_role_anywhere_is_told_there_is_nothing_here(public_record):
    nobody = client_for(person("nobody@example.org"))
    response = nobody.get("/portal/")
    assertContains(
        response, '<h1 class="govuk-heading-l">There is nothing here for your account</h1>', html=True
    )
    assertNotContains(response, "Start a new super-complaint")
    assert nobody.get("/portal/new/").status_code == 404


def test_a_national_bodys_responder_gets_the_recommendations_to_answer_not_nothing_here(public_record):
    # Issue 11: an addressee's responder answers its recommendations here (tests/portal/test_responses.py).
    responder = client_for(person("responder@home-office.example", org("Home Office"), Role.RESPONDER))
    response = responder.get("/portal/")
    assertContains(response, '<h1 class="govuk-heading-l">Recommendations to answer</h1>', html=True)
    assertNotContains(response, "There is nothing here for your account")
    assertNotContains(response, "Start a new super-complaint")
    assert responder.get("/portal/new/").status_code == 404


def test_a_national_body_responder_finds_the_calendar_of_its_deadlines(public_record):
    responder = client_for(person("responder@home-office.example", org("Home Office"), Role.RESPONDER))
    response = responder.get("/portal/")
    # Its first page is the recommendations it answers; the calendar is linked from it.
    assertContains(response, '<h1 class="govuk-heading-l">Recommendations to answer</h1>', html=True)
    assertContains(
        response, '<a class="govuk-link" href="/portal/calendar/">Calendar of your deadlines</a>', html=True
    )
    assertNotContains(response, "Start a new super-complaint")
    assert responder.get("/portal/new/").status_code == 404


def test_a_force_user_finds_the_requests_it_has_to_answer_on_its_first_page(public_record):
    from tests.inquiries.scenario import send_to_five

    request = send_to_five()
    kent = client_for(person("responder@kent.example", org("Kent Police"), Role.RESPONDER))
    response = kent.get("/portal/")
    assertContains(response, '<h1 class="govuk-heading-l">Your force\'s work</h1>', html=True)
    own = request.force_requests.get(force__name="Kent Police")
    assertContains(response, f'href="/portal/information-requests/{own.pk}/"')
    assertContains(response, "due by the end of 27 February 2026")
    assertNotContains(response, "Start a new super-complaint")
    gwent = client_for(person("responder@gwent.example", org("Gwent Police"), Role.RESPONDER))
    assertContains(gwent.get("/portal/"), "Your force has no information requests waiting for an answer.")


def test_a_body_member_sees_drafts_and_submitted_complaints_with_their_stage(hestia, hestia_user):
    draft = complete_draft("Hestia", hestia_user, title="A draft in progress")
    submitted = submit_complaint(
        complete_draft("Hestia", hestia_user, title="Already sent"), at=london(2026, 11, 27, 10, 0)
    )
    complete_draft("Liberty", hestia_user, title="Liberty's own draft")

    response = hestia.get("/portal/")

    assertContains(response, "Start a new super-complaint")
    assertContains(
        response,
        f'<a class="govuk-link" href="/portal/drafts/{draft.pk}/">A draft in progress'
        '<span class="govuk-visually-hidden"> (continue the draft)</span></a>',
        html=True,
    )
    assertContains(
        response,
        f'<a class="govuk-link" href="/portal/complaints/{submitted.reference}/">{submitted.reference}</a>',
        html=True,
    )
    assertContains(response, '<strong class="govuk-tag govuk-tag--blue">Received</strong>', html=True)
    assertContains(response, "27 November 2026")
    assertNotContains(response, "Liberty&#x27;s own draft")
    assertNotContains(response, "Designated bodies")


def test_a_designations_officer_is_offered_the_designations_pages(public_record):
    officer = client_for(person("officer@homeoffice.example", org("Home Office"), Role.DESIGNATIONS))
    response = officer.get("/portal/")
    assertContains(
        response, '<a class="govuk-link" href="/portal/designations/">Designated bodies</a>', html=True
    )
    assertNotContains(response, "Start a new super-complaint")
