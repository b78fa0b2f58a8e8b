"""Casework pages that show a contact's name, e-mail or phone each write one access event."""

import pytest

from audit.models import AuditEvent
from complaints import letters
from complaints.models import LetterKind
from tests.builders import london
from tests.casework.support import acknowledged, received

pytestmark = pytest.mark.django_db


def access_events():
    return list(
        AuditEvent.objects.filter(kind="access").values_list(
            "action", "object_type", "object_id", "actor_label"
        )
    )


def test_the_acknowledge_page_is_an_access(client_for, public_record):
    complaint = received()
    team = client_for("team")
    assert access_events() == []

    page = team.get(f"/casework/complaints/{complaint.reference}/acknowledge/")

    assert page.status_code == 200
    assert "pat@example.org" in page.content.decode()
    assert access_events() == [
        (
            "complaint.viewed_to_acknowledge",
            "complaints.supercomplaint",
            str(complaint.pk),
            "team@hmicfrs.example",
        )
    ]


def test_the_letter_page_and_its_pdf_are_each_an_access(client_for, public_record):
    complaint = acknowledged()
    letter = letters.generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT, today=london(2026, 11, 30).date())
    team = client_for("team")

    page = team.get(f"/casework/complaints/{complaint.reference}/letters/{letter.pk}/")
    assert page.status_code == 200
    assert "Pat Example" in page.content.decode()
    pdf = team.get(f"/casework/complaints/{complaint.reference}/letters/{letter.pk}/pdf/")
    assert pdf.status_code == 200

    assert access_events() == [
        ("letter.viewed", "complaints.letter", str(letter.pk), "team@hmicfrs.example"),
        ("letter.pdf_downloaded", "complaints.letter", str(letter.pk), "team@hmicfrs.example"),
    ]
