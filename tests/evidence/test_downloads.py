"""Downloads go through views that check permission, record the access and send safe headers; a
force never downloads another force's information return."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from common.downloads import content_disposition
from evidence.models import ScanStatus
from evidence.services import store_document
from inquiries.services import submit_force_answer
from tests.accounts.support import make_device
from tests.casework.support import make_person, signed_in
from tests.evidence.files import upload
from tests.inquiries.scenario import force_user, send_to_five

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """The forces come from the shipped public record."""


def _force_client(force_name: str, email: str):
    user = force_user(force_name, email)
    return signed_in(user, make_device(user))


def assert_safe_headers(response, *, content_type: str, filename: str) -> None:
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == content_disposition(filename)
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_file_name_is_sent_exactly_in_utf8_with_an_ascii_fallback():
    assert content_disposition("Adroddiad – Heddlu Gwent.pdf") == (
        'attachment; filename="Adroddiad  Heddlu Gwent.pdf"; '
        "filename*=UTF-8''Adroddiad%20%E2%80%93%20Heddlu%20Gwent.pdf"
    )
    assert content_disposition('a"b;c.txt').startswith('attachment; filename="a_b_c.txt"; ')


def test_a_force_downloads_its_own_return_and_another_forces_is_a_404():
    request = send_to_five()
    kent = _force_client("Kent Police", "kent@example.police.uk")
    suffolk = _force_client("Suffolk Constabulary", "suffolk@example.police.uk")
    mine = request.force_requests.get(force__name="Kent Police")
    theirs = request.force_requests.get(force__name="Suffolk Constabulary")
    questions = list(request.questions.all())
    kent.post(
        reverse("portal:information_request", args=[mine.pk]),
        {
            f"q{questions[0].pk}": "412",
            f"q{questions[1].pk}": "The single point of contact",
            "file": SimpleUploadedFile(
                "Kent return.csv", b"force,referrals\nKent,412\n", content_type="text/csv"
            ),
        },
    )
    document = mine.documents.get()
    url = reverse("portal:information_request_document", args=[mine.pk, document.pk])
    page = kent.get(reverse("portal:information_request", args=[mine.pk]))
    assert url in page.content.decode()

    response = kent.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"force,referrals\nKent,412\n"
    assert_safe_headers(response, content_type="text/csv", filename="Kent return.csv")
    assert AuditEvent.objects.filter(action="document.viewed", object_id=str(document.pk)).count() == 1

    # Suffolk, by Kent's address or by its own request with Kent's document: 404, nothing recorded.
    assert suffolk.get(url).status_code == 404
    assert (
        suffolk.get(reverse("portal:information_request_document", args=[theirs.pk, document.pk])).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="document.viewed", object_id=str(document.pk)).count() == 1

    # The super-complaints team sees every force's return on the request's page.
    team = signed_in(*make_person("team"))
    staff_url = reverse("casework:information_request_document", args=[request.pk, document.pk])
    assert staff_url in team.get(reverse("casework:information_request", args=[request.pk])).content.decode()
    staff = team.get(staff_url)
    assert staff.status_code == 200
    assert_safe_headers(staff, content_type="text/csv", filename="Kent return.csv")
    # A document that belongs to no file of this request is a 404 there.
    stray = store_document(upload("other.csv", b"a,b\n"))
    assert (
        team.get(reverse("casework:information_request_document", args=[request.pk, stray.pk])).status_code
        == 404
    )


def test_a_document_waiting_for_its_virus_scan_is_not_downloadable():
    request = send_to_five()
    kent = _force_client("Kent Police", "kent@example.police.uk")
    mine = request.force_requests.get(force__name="Kent Police")
    document = store_document(upload("return.csv", b"force,referrals\n"))
    document.scan_status = ScanStatus.PENDING
    document.save(update_fields=["scan_status"])
    submit_force_answer(mine, answers={q.pk: "x" for q in request.questions.all()}, documents=[document])
    page = kent.get(reverse("portal:information_request", args=[mine.pk]))
    assert "Being checked for viruses" in page.content.decode()
    assert (
        kent.get(reverse("portal:information_request_document", args=[mine.pk, document.pk])).status_code
        == 404
    )
    team = signed_in(*make_person("team"))
    listing = team.get(reverse("casework:information_request", args=[request.pk])).content.decode()
    assert "return.csv: waiting for a virus scan, not yet available" in listing
    assert (
        team.get(reverse("casework:information_request_document", args=[request.pk, document.pk])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="document.viewed").exists()
