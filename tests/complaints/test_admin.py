"""The admin is for staff, behind the second factor; state moves only through the services."""

import pytest

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from complaints import services
from complaints.models import ComplaintState, SuperComplaint
from tests.accounts.support import force_verified_login, make_device
from tests.builders import authority, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, public_record):
    """An administrator of the service who is also on the HMICFRS super-complaints team."""
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    Membership.objects.create(user=admin, organisation=authority("HMICFRS"), role=Role.CASEWORKER)
    force_verified_login(client, admin, make_device(admin))
    return client


def test_the_state_cannot_be_edited_raw(admin_client):
    complaint = services.submit_complaint(make_draft())
    response = admin_client.get(f"/admin/complaints/supercomplaint/{complaint.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "state" not in form.fields
    assert "reference" not in form.fields
    assert "acknowledgement_due" not in form.fields
    assert "title" in form.fields


def test_an_admin_action_moves_the_state_through_the_service(admin_client):
    complaint = services.submit_complaint(make_draft())
    published = SuperComplaint.objects.get(reference="SC-2019-002")
    response = admin_client.post(
        "/admin/complaints/supercomplaint/",
        {"action": "acknowledge", "_selected_action": [complaint.pk, published.pk]},
        follow=True,
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ACKNOWLEDGED
    assert (
        AuditEvent.objects.filter(action="complaint.acknowledged", object_id=str(complaint.pk)).count() == 1
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("cannot become “Acknowledged”" in m for m in messages)  # the published one was refused
    published.refresh_from_db()
    assert published.state == ComplaintState.REPORT_PUBLISHED


def test_an_admin_action_asks_access_rules_as_the_pages_do(client, public_record):
    # A superuser who is not on the team may not acknowledge from the admin any more than from casework.
    outsider = User.objects.create_superuser("root@example.org", "a-long-admin-password")
    Membership.objects.create(user=outsider, organisation=authority("IOPC"), role=Role.CASEWORKER)
    force_verified_login(client, outsider, make_device(outsider))
    complaint = services.submit_complaint(make_draft())
    response = client.post(
        "/admin/complaints/supercomplaint/",
        {"action": "acknowledge", "_selected_action": [complaint.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [f"{complaint}: you may not do this."]
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED
    assert not AuditEvent.objects.filter(action="complaint.acknowledged").exists()


def test_the_inspectorate_flag_cannot_be_ticked_in_the_admin(admin_client):
    hmicfrs = authority("HMICFRS")
    assert hmicfrs.is_inspectorate is True
    response = admin_client.get(f"/admin/organisations/organisation/{hmicfrs.pk}/change/")
    assert "is_inspectorate" not in response.context["adminform"].form.fields


def test_an_edit_in_the_admin_is_audited(admin_client):
    complaint = services.submit_complaint(make_draft())
    page = admin_client.get(f"/admin/complaints/supercomplaint/{complaint.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"title": "A corrected title"})
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for i, inline_form in enumerate(inline.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    data[f"{inline.formset.prefix}-{i}-{name}"] = value
    response = admin_client.post(f"/admin/complaints/supercomplaint/{complaint.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    event = AuditEvent.objects.filter(action="complaints.supercomplaint.edited_in_admin").get()
    assert event.before == {"title": "Police response to victims"}
    assert event.after == {"title": "A corrected title"}


def test_the_admin_needs_the_second_factor(client):
    admin = User.objects.create_superuser("admin2@example.org", "a-long-admin-password")
    client.force_login(admin)  # password only, no verified device
    response = client.get("/admin/complaints/supercomplaint/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_acknowledging_in_the_admin_sends_the_letter_the_casework_page_sends(
    admin_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from outbox.selectors import messages_about

    complaint = services.submit_complaint(make_draft())
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/complaints/supercomplaint/",
            {"action": "acknowledge", "_selected_action": [complaint.pk]},
        )
    letter = complaint.letters.get()
    assert (letter.kind, letter.sent_to) == ("acknowledgement", "pat@example.org")
    assert [m.dedupe_key for m in messages_about(complaint)][-1] == f"letter:{letter.pk}"
    [message] = mail.outbox
    assert message.attachments[0][0] == f"{complaint.reference}-acknowledgement.pdf"


def test_the_admin_sends_a_letter_that_failed(admin_client, monkeypatch):
    from complaints import letters

    complaint = services.submit_complaint(make_draft())

    def broken(document):
        raise OSError("no fonts")

    monkeypatch.setattr(letters, "render_pdf", broken)
    response = admin_client.post(
        "/admin/complaints/supercomplaint/",
        {"action": "acknowledge", "_selected_action": [complaint.pk]},
        follow=True,
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ACKNOWLEDGED  # the step stands
    messages = [str(m) for m in response.context["messages"]]
    assert any("The letter could not be written (no fonts)" in m for m in messages), messages
    monkeypatch.undo()
    admin_client.post(
        "/admin/complaints/supercomplaint/",
        {"action": "send_letters_due", "_selected_action": [complaint.pk]},
    )
    assert complaint.letters.get().sent_at is not None


def test_viewing_a_complaint_in_the_admin_is_an_access(admin_client):
    complaint = services.submit_complaint(make_draft())
    assert not AuditEvent.objects.filter(kind="access").exists()

    response = admin_client.get(f"/admin/complaints/supercomplaint/{complaint.pk}/change/")

    assert response.status_code == 200
    assert list(
        AuditEvent.objects.filter(kind="access").values_list(
            "action", "object_type", "object_id", "actor_label"
        )
    ) == [
        (
            "complaints.supercomplaint.viewed_in_admin",
            "complaints.supercomplaint",
            str(complaint.pk),
            "admin@example.org",
        )
    ]
