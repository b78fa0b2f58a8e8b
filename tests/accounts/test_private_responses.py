"""Every response to a signed-in person is ``Cache-Control: private, no-store``, in every area;
public pages to anonymous visitors keep their own caching."""

import pytest

from accounts.models import User
from complaints import drafts, letters, services
from complaints.models import LetterKind
from tests.accounts.support import force_verified_login, make_device
from tests.builders import london, org
from tests.casework.support import acknowledged, attach_document, make_person, signed_in
from tests.evidence import files
from tests.evidence.files import upload
from tests.portal.support import acknowledgement_letter, client_for, complete_draft, person

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


@pytest.fixture
def team(public_record):
    return signed_in(*make_person("team"))


@pytest.fixture
def hestia_user(public_record):
    return person("policy@hestia.example", org("Hestia"), full_name="Pat Hestia")


def test_portal_pages_letters_and_evidence_downloads(hestia_user):
    hestia = client_for(hestia_user)
    complaint = services.submit_complaint(
        complete_draft("Hestia", hestia_user), at=london(2026, 11, 27, 16, 45)
    )
    letter = acknowledgement_letter(complaint)
    draft = drafts.create_draft(org("Hestia"), hestia_user)
    hestia.post(
        f"/portal/drafts/{draft.pk}/evidence/",
        {"file": upload("figures.csv", files.csv_bytes()), "description": "Figures"},
    )
    item = draft.evidence_items.get()

    for url in [
        "/portal/",
        f"/portal/complaints/{complaint.reference}/",
        f"/portal/complaints/{complaint.reference}/letters/{letter.pk}/",
        f"/portal/complaints/{complaint.reference}/letters/{letter.pk}.pdf",
        f"/portal/evidence/{item.pk}/download/",
        f"/portal/drafts/{draft.pk}/",
    ]:
        response = hestia.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url


def test_casework_pages_letters_and_evidence_documents(team):
    complaint = acknowledged()
    letter = letters.generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT, today=london(2026, 11, 30).date())
    item = attach_document(complaint)

    for url in [
        "/casework/",
        f"/casework/complaints/{complaint.reference}/",
        f"/casework/complaints/{complaint.reference}/letters/{letter.pk}/",
        f"/casework/complaints/{complaint.reference}/letters/{letter.pk}/pdf/",
        f"/casework/complaints/{complaint.reference}/evidence/{item.pk}/",
    ]:
        response = team.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url


def test_admin_pages(client, public_record):
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    force_verified_login(client, admin, make_device(admin))
    for url in ["/admin/", "/admin/complaints/supercomplaint/", "/admin/audit/auditevent/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url


def test_not_found_and_redirects_for_a_signed_in_person_are_private_too(team):
    assert team.get("/casework/complaints/SC-2099-001/")["Cache-Control"] == PRIVATE
    # A public page seen while signed in may show the person's navigation: never shared.
    assert team.get("/")["Cache-Control"] == PRIVATE


def test_public_pages_for_anonymous_visitors_are_not_marked_private(client, public_record):
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Cookie" not in response.get("Vary", "")
