"""The declaration and submission: once only, by a designated body, with the reg 5 date shown."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from audit.models import AuditEvent
from complaints import drafts
from complaints.models import ComplaintState, SuperComplaint
from deadlines.calendar import long_date
from deadlines.rules import acknowledgement_due, to_london_date
from organisations.services import record_revocation
from tests.builders import org
from tests.portal.support import complete_draft

pytestmark = pytest.mark.django_db


def submit(client, complaint, **extra):
    return client.post(
        f"/portal/drafts/{complaint.pk}/declaration/",
        {"version": complaint.version, "declaration": "on", **extra},
    )


def test_the_declaration_must_be_ticked(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    page = hestia.get(f"/portal/drafts/{complaint.pk}/declaration/")
    assertContains(
        page,
        "I confirm that the information in this super-complaint is accurate to the best of my knowledge, "
        "and that Hestia is making a super-complaint under section 29A of the Police Reform Act 2002.",
    )
    response = hestia.post(f"/portal/drafts/{complaint.pk}/declaration/", {"version": complaint.version})
    assertContains(
        response,
        '<a href="#id_declaration">Confirm that the information is accurate and that the body is making a '
        "super-complaint</a>",
        html=True,
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DRAFT


def test_submitting_stamps_receipt_reference_and_due_date_and_emails_the_contact(
    hestia, hestia_user, django_capture_on_commit_callbacks
):
    complaint = complete_draft("Hestia", hestia_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(hestia, complaint)
    complaint.refresh_from_db()
    year = to_london_date(complaint.received_at).year
    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.reference == f"SC-{year}-001"
    assertRedirects(
        response, f"/portal/complaints/{complaint.reference}/submitted/", fetch_redirect_response=False
    )
    deadline = complaint.acknowledgement_deadline
    assert deadline.due == acknowledgement_due(complaint.received_at).due
    # The contact, then the super-complaints team (issue 7).
    assert [m.to for m in mail.outbox] == [["pat@hestia.example"], ["team@super-complaints.test"]]
    assert mail.outbox[0].subject == f"Super-complaint {complaint.reference} received"

    page = hestia.get(response["Location"])
    assertContains(
        page,
        f'<div class="govuk-panel__body">Your reference is<br><strong>{complaint.reference}</strong></div>',
        html=True,
    )
    assertContains(
        page, f"received the super-complaint on {long_date(to_london_date(complaint.received_at))}."
    )
    assertContains(
        page,
        f"The Chief Inspector must acknowledge the super-complaint by the end of {long_date(deadline.due)}.",
    )
    assertContains(page, "the complaint must be acknowledged before the end of the period of 5 working days")
    assertContains(page, "We have sent a confirmation to pat@hestia.example.")


def test_a_double_submit_makes_one_complaint_and_one_event(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    first = submit(hestia, complaint)
    second = submit(hestia, complaint)
    complaint.refresh_from_db()
    expected = f"/portal/complaints/{complaint.reference}/submitted/"
    assert (first.status_code, first["Location"]) == (302, expected)
    assert (second.status_code, second["Location"]) == (302, expected)
    assert AuditEvent.objects.filter(action="complaint.submitted", object_id=str(complaint.pk)).count() == 1
    assert SuperComplaint.objects.filter(reference__startswith="SC-", is_historical=False).count() == 1
    assert hestia.get(expected).status_code == 200
    # Every page of the draft now leads to the submitted complaint.
    assertRedirects(
        hestia.get(f"/portal/drafts/{complaint.pk}/about/"),
        f"/portal/complaints/{complaint.reference}/",
        fetch_redirect_response=False,
    )


def test_submit_draft_twice_returns_the_same_complaint():
    # The service itself, for a resubmitted form that carries the version the person saw.
    from tests.builders import ensure_public_record
    from tests.portal.support import person

    ensure_public_record()
    user = person("someone@hestia.example", org("Hestia"))
    complaint = complete_draft("Hestia", user)
    version = complaint.version
    one = drafts.submit_draft(complaint, expected_version=version)
    two = drafts.submit_draft(complaint, expected_version=version)
    assert one.reference == two.reference
    assert AuditEvent.objects.filter(action="complaint.submitted", object_id=str(complaint.pk)).count() == 1


def test_a_body_whose_designation_was_revoked_cannot_submit_and_is_told_why(liberty, liberty_user):
    complaint = complete_draft("Liberty", liberty_user, title="Stop and search")
    today = to_london_date(timezone.now())
    designation = org("Liberty").designations.get()
    record_revocation(designation, instrument="SI 2026/999 reg 2", revoked_from=today)

    page = liberty.get(f"/portal/drafts/{complaint.pk}/")
    assertContains(page, "Liberty is not a designated body today, so it cannot submit a super-complaint.")
    response = submit(liberty, complaint)
    assert response.status_code == 200
    assertContains(
        response,
        f"Liberty is not a designated body on {today.strftime('%-d %B %Y')}, so it cannot make a super-complaint. "
        "Only bodies designated by regulations may do so (Police Reform Act 2002, section 29A).",
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DRAFT
    assert not AuditEvent.objects.filter(action="complaint.submitted", object_id=str(complaint.pk)).exists()


def test_a_revocation_from_tomorrow_does_not_stop_a_submission_today(liberty, liberty_user):
    complaint = complete_draft("Liberty", liberty_user, title="Stop and search")
    tomorrow = to_london_date(timezone.now()) + datetime.timedelta(days=1)
    record_revocation(
        org("Liberty").designations.get(), instrument="SI 2026/999 reg 2", revoked_from=tomorrow
    )
    response = submit(liberty, complaint)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_an_incomplete_draft_is_not_submitted_and_says_what_is_missing(hestia, hestia_user):
    complaint = drafts.create_draft(org("Hestia"), hestia_user)
    response = submit(hestia, complaint)
    assert response.status_code == 200
    assertContains(response, "The super-complaint is not complete yet, so it has not been submitted.")
    assertContains(response, "<li>Add at least one feature of policing.</li>", html=True)
    assertContains(response, "<li>Include the evidence you rely on.</li>", html=True)


def test_a_draft_changed_after_the_answers_were_checked_is_not_submitted(hestia, hestia_user):
    complaint = complete_draft("Hestia", hestia_user)
    checked_at = complaint.version
    drafts.update_about(
        complaint,
        title="Changed by a colleague",
        subject="s",
        harm_explanation="h",
        expected_version=checked_at,
    )
    response = hestia.post(
        f"/portal/drafts/{complaint.pk}/declaration/", {"version": checked_at, "declaration": "on"}
    )
    assert response.status_code == 200
    assertContains(
        response,
        "Someone else changed this super-complaint after you checked your answers, so it has not been "
        "submitted. Check your answers again, then submit.",
    )
    # The ticked declaration is kept.
    assertContains(response, 'id="id_declaration" name="declaration" type="checkbox" value="on" checked')
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.DRAFT
