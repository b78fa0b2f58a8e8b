"""What the retention tests share: records holding personal data, each made through the services
a person's action calls, with the moment its retention clock starts under the test's control."""

from __future__ import annotations

import datetime
from contextlib import contextmanager, nullcontext
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.invitations import accept_invitation, invite_colleague, revoke_invitation
from accounts.models import Invitation, Role, User
from alerts.models import Subscription
from alerts.services import confirm_subscription, subscribe, unsubscribe, unsubscribe_token
from calls.models import CallForEvidence, CallResponse
from calls.services import open_call, submit_response
from complaints import drafts
from complaints import services as complaints
from complaints.models import SuperComplaint
from evidence.models import Document
from evidence.services import store_document
from outbox.models import Message
from outbox.services import deliver, enqueue_message
from reports.publication import publish_report
from reports.services import create_report
from tests.accounts.support import make_device, make_user, sign_in, sign_in_with_password
from tests.alerts.support import confirm_token_of
from tests.builders import REG4_MET, authority, london, make_draft, sign_off_all
from tests.calls.support import QUESTIONS, ensure_signposts

# The personal data the records below hold: none of it may reach the audit trail.
RESPONDENT_NAME = "Jo Respondent"
RESPONDENT_EMAIL = "jo.respondent@example.net"
ANSWER = "I was turned away at the front desk by Sergeant Smith."
CONTACT_NAME = "Pat Example"  # make_draft's contact individual
CONTACT_EMAIL = "pat@example.org"
EVIDENCE_NAME = "Statement of Alex Witness.txt"
SUBSCRIBER = "sam.subscriber@example.net"
ACCOUNT_NAME = "Robin Dormant"
ACCOUNT_EMAIL = "robin.dormant@example.net"
TYPED_EMAIL = "nobody.here@example.net"  # typed at sign-in; no account has it
SIGN_IN_ADDRESS = "203.0.113.9"
INVITEE = "kim.invitee@example.net"
PERSONAL = [
    RESPONDENT_NAME,
    RESPONDENT_EMAIL,
    ANSWER,
    CONTACT_NAME,
    CONTACT_EMAIL,
    EVIDENCE_NAME,
    SUBSCRIBER,
    ACCOUNT_NAME,
    ACCOUNT_EMAIL,
    TYPED_EMAIL,
    SIGN_IN_ADDRESS,
    INVITEE,
]


DECIDED = london(2026, 2, 2, 10)


@contextmanager
def clock(moment: datetime.datetime):
    """``timezone.now()`` is ``moment`` (for the services that take no ``at``), and so is django-axes's
    own copy of it, which dates each sign-in attempt."""
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch("axes.handlers.proxy.now", return_value=moment),
    ):
        yield


def with_evidence(
    title: str, *, outcome: str = "eligible", decided_at: datetime.datetime = DECIDED
) -> SuperComplaint:
    """A complaint on the register (received 5 January 2026, decided eligible 2 February) whose
    evidence includes a stored file with a person's name for its name."""
    draft = make_draft(title=title)
    document = store_document(SimpleUploadedFile(EVIDENCE_NAME, b"What I saw that night.", "text/plain"))
    drafts.add_evidence(draft, document=document, description="A witness statement")
    complaint = complaints.acknowledge_complaint(complaints.submit_complaint(draft, at=london(2026, 1, 5, 9)))
    for short in ("HMICFRS", "IOPC", "College"):
        complaints.record_position(complaint, authority=authority(short), position=outcome, reasons="Reasons")
    complaints.decide_eligibility(
        complaint,
        outcome=outcome,
        reasons="It meets regulation 4 and repeats no other complaint.",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=decided_at,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def a_call(complaint: SuperComplaint) -> CallForEvidence:
    """A call for evidence on the complaint, open through March 2026."""
    ensure_signposts()
    return open_call(
        complaint,
        title="Your experience",
        introduction="Tell us what happened.",
        opens_on=datetime.date(2026, 3, 2),
        closes_on=datetime.date(2026, 3, 31),
        questions=QUESTIONS,
        at=london(2026, 3, 1, 9),
    )


def a_named_response(call: CallForEvidence, *, document: Document | None = None) -> CallResponse:
    first = call.questions.get(position=1)
    return submit_response(
        call,
        answers={first.pk: ANSWER},
        consent_given=True,
        anonymous=False,
        name=RESPONDENT_NAME,
        email=RESPONDENT_EMAIL,
        documents=[document] if document else (),
        at=london(2026, 3, 10, 12),
    )


def publish_a_report(complaint: SuperComplaint, *, at: datetime.datetime) -> None:
    complaint = complaints.start_investigation(complaint, lead_authority=authority("HMICFRS"))
    report = create_report(complaint, title="The report", findings_summary="What we found.")
    publish_report(sign_off_all(report), at=at)


def withdrawn(title: str, *, at: datetime.datetime) -> SuperComplaint:
    return complaints.withdraw_complaint(with_evidence(title), reason="The body withdrew it", at=at)


def sent_message(
    *, at: datetime.datetime, to: str = CONTACT_EMAIL, complaint: SuperComplaint | None = None
) -> Message:
    """An e-mail written to the outbox and delivered at ``at``."""
    message = enqueue_message(
        to=[to],
        subject="Your super-complaint",
        template="complaints/letters/email.txt",
        context={"reference": "SC-2026-001", "text": f"Dear {CONTACT_NAME}"},
        dedupe_key=f"retention-test:{to}:{at.isoformat()}",
        about=complaint,
    )
    with clock(at):
        delivered = deliver(message.pk, now=at)
    assert delivered is not None and delivered.sent_at == at
    return delivered


def unconfirmed(complaint: SuperComplaint, *, at: datetime.datetime, email: str = SUBSCRIBER) -> Subscription:
    return subscribe(email=email, complaint=complaint, at=at)


def unsubscribed(
    complaint: SuperComplaint, *, at: datetime.datetime, email: str = SUBSCRIBER
) -> Subscription:
    subscription = subscribe(email=email, complaint=complaint, at=at - datetime.timedelta(days=30))
    subscription = confirm_subscription(confirm_token_of(subscription), at=at - datetime.timedelta(days=29))
    return unsubscribe(unsubscribe_token(subscription), at=at)


def signed_in_last(user: User, at: datetime.datetime) -> User:
    """The account's last sign-in (Django's ``user_logged_in`` receiver) at ``at``."""
    with clock(at):
        update_last_login(None, user)
    user.refresh_from_db()
    return user


def an_account(organisation_name: str = "Hestia", *, email: str = ACCOUNT_EMAIL) -> User:
    from organisations.models import Organisation
    from tests.portal.support import person

    user = person(email, Organisation.objects.get(name=organisation_name), Role.BODY_MEMBER)
    user.full_name = ACCOUNT_NAME
    user.save(update_fields=["full_name"])
    return user


def failed_sign_ins(email: str = TYPED_EMAIL, *, at: datetime.datetime | None = None, times: int = 1) -> int:
    """``times`` wrong passwords for ``email`` through the sign-in page, from ``SIGN_IN_ADDRESS``,
    at ``at`` (or now); returns the last answer's status (429 once sign-in is paused)."""
    client = Client(REMOTE_ADDR=SIGN_IN_ADDRESS)
    status = 0
    with clock(at) if at else nullcontext():
        for _ in range(times):
            status = sign_in_with_password(client, email, "not the password").status_code
    return status


def signed_in_through_the_pages(user: User, *, at: datetime.datetime) -> None:
    """Both steps of signing in, from ``SIGN_IN_ADDRESS``, at ``at`` (django-axes logs the sign-in)."""
    device = make_device(user)
    with clock(at):
        response = sign_in(Client(REMOTE_ADDR=SIGN_IN_ADDRESS), user, device)
    assert response.status_code == 302, response.content


def an_organisation_admin(organisation_short_name: str = "IOPC") -> User:
    from tests.builders import authority
    from tests.portal.support import person

    return person("admin@iopc.example", authority(organisation_short_name), Role.ORGANISATION_ADMIN)


def invited(admin: User, email: str, *, at: datetime.datetime | None = None) -> Invitation:
    organisation = admin.memberships.get(role=Role.ORGANISATION_ADMIN).organisation
    return invite_colleague(
        organisation=organisation, email=email, role=Role.RESPONDER, invited_by=admin, at=at
    ).invitation


def accepted(admin: User, *, at: datetime.datetime, email: str = INVITEE) -> Invitation:
    """An invitation accepted at ``at`` by someone who already has an account."""
    invitee = make_user(email)
    make_device(invitee)
    invitation = invited(admin, email, at=at - datetime.timedelta(days=1))
    accept_invitation(invitation, user=invitee, at=at)
    return Invitation.objects.get(pk=invitation.pk)


def revoked(admin: User, email: str, *, at: datetime.datetime) -> Invitation:
    invitation = invited(admin, email, at=at - datetime.timedelta(days=1))
    return revoke_invitation(invitation, by=admin, at=at)


def expiring(admin: User, email: str, *, at: datetime.datetime) -> Invitation:
    """An invitation never answered, whose link stops working at ``at``."""
    return invited(admin, email, at=at - datetime.timedelta(days=settings.INVITATION_VALID_DAYS))
