"""People and complaints for the casework tests."""

from __future__ import annotations

from django.test import Client

from accounts.models import Membership, Role, User
from complaints import services
from complaints.models import SuperComplaint
from tests.accounts.support import PASSWORD, force_verified_login, make_device
from tests.builders import authority, london, make_draft, org

# (e-mail, organisation, role) for everyone the casework tests need.
PEOPLE = {
    "team": ("team@hmicfrs.example", lambda: authority("HMICFRS"), Role.CASEWORKER),
    "chief": ("chief@hmicfrs.example", lambda: authority("HMICFRS"), Role.CHIEF_INSPECTOR),
    "iopc": ("caseworker@iopc.example", lambda: authority("IOPC"), Role.CASEWORKER),
    "college": ("caseworker@college.example", lambda: authority("College"), Role.CASEWORKER),
    "hestia": ("lead@hestia.example", lambda: org("Hestia"), Role.BODY_MEMBER),
    "liberty": ("lead@liberty.example", lambda: org("Liberty"), Role.BODY_MEMBER),
    "force": ("responder@gwent.example", lambda: org("Gwent Police"), Role.RESPONDER),
}
AUTHORITY_OF = {"team": "HMICFRS", "iopc": "IOPC", "college": "College"}
FULL_CHECKLIST = ["in_writing", "sets_out_features", "explains_harm", "includes_evidence", "names_contact"]


def make_person(name: str):
    email, organisation, role = PEOPLE[name]
    user = User.objects.create_user(email, password=PASSWORD, full_name=f"{name.title()} Person")
    Membership.objects.create(user=user, organisation=organisation(), role=role)
    return user, make_device(user)


def signed_in(user, device) -> Client:
    client = Client()
    force_verified_login(client, user, device)
    return client


def received(body: str = "Hestia", *, at=None, title: str = "Police response to victims") -> SuperComplaint:
    return services.submit_complaint(make_draft(body, title=title), at=at or london(2026, 11, 27, 10, 0))


def acknowledged(**kwargs) -> SuperComplaint:
    return services.acknowledge_complaint(received(**kwargs), at=london(2026, 11, 30, 9, 0))


def with_positions(positions=("eligible", "eligible", "eligible"), **kwargs) -> SuperComplaint:
    complaint = acknowledged(**kwargs)
    for short, position in zip(["HMICFRS", "IOPC", "College"], positions, strict=True):
        services.record_position(
            complaint, authority=authority(short), position=position, reasons=f"{short} reasons"
        )
    return SuperComplaint.objects.get(pk=complaint.pk)


def attach_document(
    complaint: SuperComplaint, content: bytes = b"%PDF-1.7 research", name: str = "Research.pdf"
):
    """Evidence with an uploaded document, as the portal stores it."""
    import hashlib

    from django.core.files.base import ContentFile

    from evidence.models import Document

    digest = hashlib.sha256(content).hexdigest()
    document = Document(original_name=name, content_type="application/pdf", size=len(content), sha256=digest)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return complaint.evidence_items.create(description="Research report", document=document, position=2)
