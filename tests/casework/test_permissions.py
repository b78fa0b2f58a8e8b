"""Who may reach the casework pages, and who may do what there."""

import pytest
from django.core import mail

from access import rules
from accounts.models import User
from complaints import letters, services
from complaints.models import AuthorityPosition, ComplaintState, SuperComplaint
from tests.accounts.support import sign_in
from tests.builders import authority, make_draft
from tests.casework.support import (
    FULL_CHECKLIST,
    PEOPLE,
    acknowledged,
    attach_document,
    received,
    with_positions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(public_record):
    """An acknowledged complaint with its letter and an uploaded document."""
    complaint = acknowledged()
    attach_document(complaint)
    letters.send_acknowledgement_letter(complaint)
    return complaint


def pages(complaint):
    ref = complaint.reference
    item = complaint.evidence_items.exclude(document=None).get()
    letter = complaint.letters.get()
    return [
        ("get", "/casework/"),
        ("get", f"/casework/complaints/{ref}/"),
        ("get", f"/casework/complaints/{ref}/acknowledge/"),
        ("post", f"/casework/complaints/{ref}/acknowledge/"),
        ("get", f"/casework/complaints/{ref}/eligibility/"),
        ("post", f"/casework/complaints/{ref}/eligibility/"),
        ("get", f"/casework/complaints/{ref}/evidence/{item.pk}/"),
        ("get", f"/casework/complaints/{ref}/letters/{letter.pk}/"),
        ("get", f"/casework/complaints/{ref}/letters/{letter.pk}/pdf/"),
        ("post", f"/casework/complaints/{ref}/letters/send/"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_casework_page(client, complaint):
    for method, url in pages(complaint):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/?next=/casework/"), url


def test_signing_in_takes_staff_to_the_dashboard(client, people):
    user, device = people["iopc"]
    response = sign_in(client, user, device)
    assert response.status_code == 302
    assert response["Location"] == "/casework/"
    assert client.get("/casework/").status_code == 200


def test_a_password_without_the_second_factor_opens_nothing(client, people, complaint):
    client.force_login(people["team"][0])
    for method, url in pages(complaint):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/?next="), url


@pytest.mark.parametrize("name", ["hestia", "liberty", "force"])
def test_bodies_and_forces_find_no_casework_page(client_for, name, complaint):
    # Hestia made this complaint, and still finds nothing here: its pages are in the portal.
    user_client = client_for(name)
    for method, url in pages(complaint):
        response = getattr(user_client, method)(url, {"form": "position", "position-position": "eligible"})
        assert response.status_code == 404, (name, url)
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ACKNOWLEDGED
    assert not AuthorityPosition.objects.filter(complaint=complaint).exists()


@pytest.mark.slow
def test_every_authority_can_open_every_page(client_for, complaint):
    for name in ("team", "iopc", "college", "chief"):
        user_client = client_for(name)
        for method, url in pages(complaint):
            if method == "get" and "/acknowledge/" not in url:
                assert user_client.get(url).status_code == 200, (name, url)


def test_a_draft_is_not_found_even_by_staff(client_for, public_record):
    draft = make_draft()
    SuperComplaint.objects.filter(pk=draft.pk).update(reference="SC-2026-999")
    assert client_for("team").get("/casework/complaints/SC-2026-999/").status_code == 404


def test_only_the_hmicfrs_team_acknowledges(client_for, public_record):
    complaint = received()
    for name in ("iopc", "college"):
        user_client = client_for(name)
        assert user_client.get(f"/casework/complaints/{complaint.reference}/acknowledge/").status_code == 403
        assert user_client.post(f"/casework/complaints/{complaint.reference}/acknowledge/").status_code == 403
        page = user_client.get(f"/casework/complaints/{complaint.reference}/").content.decode()
        assert "Acknowledge the complaint" not in page
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.RECEIVED
    assert (
        "Acknowledge the complaint"
        in client_for("team").get(f"/casework/complaints/{complaint.reference}/").content.decode()
    )


def position(version, value="not_eligible", reasons="Does not meet reg 4"):
    return {
        "form": "position",
        "position-version": version,
        "position-position": value,
        "position-reasons": reasons,
    }


def test_the_iopc_records_its_own_position_and_never_the_colleges(client_for, public_record):
    complaint = acknowledged()
    services.record_position(
        complaint, authority=authority("College"), position="eligible", reasons="College view"
    )
    complaint.refresh_from_db()
    response = client_for("iopc").post(
        f"/casework/complaints/{complaint.reference}/eligibility/",
        {**position(complaint.version), "authority": authority("College").pk},
    )
    assert response.status_code == 302
    assert dict(
        AuthorityPosition.objects.filter(complaint=complaint).values_list("authority__short_name", "position")
    ) == {"College": "eligible", "IOPC": "not_eligible"}
    assert AuthorityPosition.objects.get(complaint=complaint, authority=authority("College")).reasons == (
        "College view"
    )
    assert not rules.may_record_position(_user("iopc"), complaint, authority("College"))


def _user(name):
    return User.objects.get(email=PEOPLE[name][0])


def decision(version, outcome="not_eligible"):
    return {
        "form": "decision",
        "decision-version": version,
        **{f"decision-{name}": "on" for name in FULL_CHECKLIST},
        "decision-repeat_finding": "not_a_repeat",
        "decision-outcome": outcome,
        "decision-reasons": "The harm is not significant.",
    }


def test_the_team_cannot_decide_when_the_authorities_disagree(client_for, public_record):
    complaint = with_positions(("eligible", "not_eligible", "eligible"))
    team = client_for("team")
    page = team.get(f"/casework/complaints/{complaint.reference}/eligibility/").content.decode()
    assert "only the Chief Inspector can decide whether the complaint is eligible (regulation 11(1))" in page
    assert 'value="decision"' not in page
    response = team.post(
        f"/casework/complaints/{complaint.reference}/eligibility/", decision(complaint.version)
    )
    assert response.status_code == 403
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING


def test_the_chief_inspector_decides_when_the_authorities_disagree(
    client_for, public_record, django_capture_on_commit_callbacks
):
    complaint = with_positions(("eligible", "not_eligible", "eligible"))
    chief = client_for("chief")
    page = chief.get(f"/casework/complaints/{complaint.reference}/eligibility/").content.decode()
    assert 'value="decision"' in page
    assert "The authorities do not agree. Under regulation 11(1)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(
            f"/casework/complaints/{complaint.reference}/eligibility/", decision(complaint.version)
        )
    assert response.status_code == 302
    assert response["Location"] == f"/casework/complaints/{complaint.reference}/"
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.NOT_ELIGIBLE
    assert complaint.eligibility.decided_by == "chief_inspector"
    assert complaint.eligibility.decided_by_user == _user("chief")
    letter = complaint.letters.get()
    assert letter.kind == "not_eligible"
    assert letter.sent_at is not None
    # One e-mail for one decision: the service's notice; the letter waits in the portal.
    assert len(mail.outbox) == 1


def test_other_authorities_cannot_record_the_agreed_decision(client_for, public_record):
    complaint = with_positions()
    for name in ("iopc", "college"):
        user_client = client_for(name)
        page = user_client.get(f"/casework/complaints/{complaint.reference}/eligibility/").content.decode()
        assert "The HMICFRS super-complaints team records the decision the authorities agree on." in page
        response = user_client.post(
            f"/casework/complaints/{complaint.reference}/eligibility/",
            decision(complaint.version, "eligible"),
        )
        assert response.status_code == 403
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.ASSESSING


def test_only_the_team_sends_a_missing_letter(client_for, public_record):
    complaint = acknowledged()  # acknowledged through the service alone: no letter yet
    assert (
        client_for("iopc").post(f"/casework/complaints/{complaint.reference}/letters/send/").status_code
        == 403
    )
    assert not complaint.letters.exists()
    response = client_for("team").post(f"/casework/complaints/{complaint.reference}/letters/send/")
    assert response.status_code == 302
    assert complaint.letters.get().kind == "acknowledgement"
