"""What the retention tests share: records holding personal data, each made through the services
a person's action calls, with the moment its retention clock starts under the test's control."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth.models import update_last_login
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
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
]


DECIDED = london(2026, 2, 2, 10)


@contextmanager
def clock(moment: datetime.datetime):
    """``timezone.now()`` is ``moment`` (for the services that take no ``at``)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
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
