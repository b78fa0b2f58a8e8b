"""People and signed-in clients for the portal tests."""

from __future__ import annotations

from django.test import Client

from accounts.models import Membership, Role, User
from organisations.models import Organisation
from tests.accounts.support import force_verified_login, make_device, make_user


def person(
    email: str, organisation: Organisation | None = None, role: str = Role.BODY_MEMBER, **extra
) -> User:
    user = make_user(email, **extra)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return User.objects.get(pk=user.pk)


def client_for(user: User) -> Client:
    """A client signed in with both factors as ``user``."""
    client = Client()
    force_verified_login(client, user, make_device(user))
    return client


def complete_draft(
    body_name: str, user: User, *, title: str = "Police response to victims of modern slavery"
):
    """A draft made through the draft services that meets SI 2018/748 reg 4, with one stored PDF."""
    from complaints import drafts
    from complaints.drafts import HarmText
    from complaints.models import ForcesScope
    from evidence.services import store_document
    from tests.builders import org
    from tests.evidence import files

    complaint = drafts.create_draft(org(body_name), user)
    complaint = drafts.update_about(
        complaint,
        title=title,
        subject="How the police respond to victims",
        harm_explanation="Victims are deterred from engaging with investigations.",
        expected_version=complaint.version,
    )
    drafts.add_feature(
        complaint,
        text="Officers fail to recognise the signs of exploitation",
        harms=[HarmText("Victims are not identified", "Continued exploitation", "National", "Migrants")],
    )
    complaint.refresh_from_db()
    drafts.set_forces(complaint, scope=ForcesScope.ALL, expected_version=complaint.version)
    document = store_document(files.upload("underground-lives.pdf", files.pdf_bytes()), user=user)
    drafts.add_evidence(complaint, document=document, description="Our report, March 2019")
    complaint.refresh_from_db()
    drafts.update_contact(
        complaint,
        name="Pat Example",
        role="Policy lead",
        email="pat@hestia.example",
        phone="020 7946 0000",
        expected_version=complaint.version,
    )
    complaint.refresh_from_db()
    return complaint


def acknowledgement_letter(complaint, *, sent=True, pdf=True):
    """A real acknowledgement letter for ``complaint``, generated from the record, sent on
    Tuesday 1 December 2026 unless ``sent`` is false; ``pdf=False`` leaves it without its PDF."""
    import datetime

    from complaints.letters import generate_letter, send_letter
    from complaints.models import LetterKind
    from tests.builders import london

    letter = generate_letter(complaint, LetterKind.ACKNOWLEDGEMENT, today=datetime.date(2026, 12, 1))
    if not pdf:
        letter.pdf.delete(save=True)
    if sent:
        letter = send_letter(letter, email=False, at=london(2026, 12, 1, 9, 0))
    return letter
