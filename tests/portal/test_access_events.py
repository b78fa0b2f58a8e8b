"""The portal's letter page and its PDF name the contact: each view is an access event."""

import pytest

from audit.models import AuditEvent
from complaints import services
from tests.builders import london
from tests.portal.support import acknowledgement_letter, complete_draft

pytestmark = pytest.mark.django_db


def test_the_letter_page_and_its_pdf_are_each_an_access(hestia, hestia_user):
    complaint = services.submit_complaint(
        complete_draft("Hestia", hestia_user), at=london(2026, 11, 27, 16, 45)
    )
    letter = acknowledgement_letter(complaint)
    assert not AuditEvent.objects.filter(kind="access").exists()

    page = hestia.get(f"/portal/complaints/{complaint.reference}/letters/{letter.pk}/")
    assert page.status_code == 200
    assert "Pat" in page.content.decode()
    pdf = hestia.get(f"/portal/complaints/{complaint.reference}/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200

    assert list(
        AuditEvent.objects.filter(kind="access").values_list(
            "action", "object_type", "object_id", "actor_label"
        )
    ) == [
        ("letter.viewed", "complaints.letter", str(letter.pk), "policy@hestia.example"),
        ("letter.pdf_downloaded", "complaints.letter", str(letter.pk), "policy@hestia.example"),
    ]
