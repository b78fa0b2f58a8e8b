"""The team acknowledges a received complaint (SI 2018/748 reg 5) and the letter goes out."""

import pytest
from django.core import mail

from complaints.models import ComplaintState, SuperComplaint
from tests.casework.support import received
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_says_what_will_happen(client_for, public_record):
    complaint = received()
    page = client_for("team").get(f"/casework/complaints/{complaint.reference}/acknowledge/").content.decode()
    assert '<h1 class="govuk-heading-l">Acknowledge the super-complaint</h1>' in page
    assert "Friday 27 November 2026" in page
    assert "Pat Example, pat@example.org" in page
    assert "Acknowledge and send the letter" in page
    assert_valid_html(page, name="acknowledge.html")
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED


def test_acknowledging_sends_the_letter_by_email_and_shows_it(
    client_for, public_record, django_capture_on_commit_callbacks
):
    complaint = received()
    team = client_for("team")
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(f"/casework/complaints/{complaint.reference}/acknowledge/")
    assert response.status_code == 302
    assert response["Location"] == f"/casework/complaints/{complaint.reference}/"

    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ACKNOWLEDGED
    letter = complaint.letters.get()
    assert letter.kind == "acknowledgement"
    assert letter.sent_to == "pat@example.org"
    assert letter.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    assert message.attachments[0][0] == f"{complaint.reference}-acknowledgement.pdf"

    page = team.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert (
        f"Complaint {complaint.reference} acknowledged. The acknowledgement letter was e-mailed to "
        "pat@example.org, with its PDF."
    ) in page
    assert f'href="/casework/complaints/{complaint.reference}/letters/{letter.pk}/"' in page
    assert "Acknowledge the complaint" not in page


def test_acknowledging_twice_changes_nothing(client_for, public_record, django_capture_on_commit_callbacks):
    complaint = received()
    team = client_for("team")
    with django_capture_on_commit_callbacks(execute=True):
        team.post(f"/casework/complaints/{complaint.reference}/acknowledge/")
        response = team.post(f"/casework/complaints/{complaint.reference}/acknowledge/", follow=True)
    assert "This complaint has already been acknowledged." in response.content.decode()
    assert complaint.letters.count() == 1
    assert len(mail.outbox) == 1


def test_a_failed_letter_leaves_the_acknowledgement_and_offers_to_send_again(
    client_for, public_record, django_capture_on_commit_callbacks, monkeypatch
):
    from complaints import letters

    complaint = received()
    team = client_for("team")

    def broken(document):
        raise OSError("no fonts")

    monkeypatch.setattr(letters, "render_pdf", broken)
    response = team.post(f"/casework/complaints/{complaint.reference}/acknowledge/", follow=True)
    page = response.content.decode()
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ACKNOWLEDGED
    assert "The letter could not be sent. Try again from this page." in page
    assert "A letter for this complaint has not been sent yet." in page
    assert not complaint.letters.exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(f"/casework/complaints/{complaint.reference}/letters/send/", follow=True)
    assert complaint.letters.get().sent_at is not None
    assert len(mail.outbox) == 1
    assert "A letter for this complaint has not been sent yet." not in response.content.decode()
