"""The retention job: anonymise or delete what has passed the end of its retention period.

It sits above the domain apps because it reaches into the apps that own the records (calls,
complaints, evidence, outbox, alerts, accounts, django-axes's sign-in records); the schedule and
the legal holds are in ``retention``. Run daily by the deadline sweep, and by
``manage.py apply_retention``.

For each category of ``retention.schedule``: find the records whose period has ended by ``today``
(London days, ``retention.rules``) and that still hold personal data, then treat each in its own
short transaction, like the sweep's flags: lock the row with ``SELECT ... FOR UPDATE SKIP LOCKED``,
check again under the lock that it is due, not yet treated and not under a legal hold, change it,
and record one audit event (the category, the rule, the record's type and number; never the data).
A treated record no longer matches, so a second run changes nothing and writes no event, and two
runs at once treat each record once.

The public record is never touched, by construction:

- the fields the job overwrites are never read by a public page, feed, download or the API (a
  complaint's contact, a response's name and answers, a sent e-mail's addresses, an account's
  name); rows are kept, so counts do not change, and ``save(update_fields=...)`` leaves
  ``updated_at`` (which feeds show) alone;
- a document attached to a recommendation's response or to a progress update on an action, which
  the register may publish, is never an evidence file here, whatever else it is attached to;
- the only rows deleted are alert subscriptions and sign-in records, which nothing public shows,
  and what was made from a text the job removes (a redaction's spans, embeddings); a published
  extract is a file of its own, never an evidence file here, and stays.

``tests/operations/test_retention_public_record.py`` runs the job ten years on and compares every
public answer before and after, byte for byte.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Invitation, InvitationState, Membership, User
from alerts.models import Subscription
from audit.models import AuditEvent
from audit.services import record_event
from calls.models import CallResponse, ResponseAnswer
from complaints.models import ComplaintState, EvidenceItem, SuperComplaint
from evidence import search
from evidence.models import Document
from inquiries.models import ForceRequest, InformationRequest
from outbox.models import Message, MessageState
from redaction.models import Redaction, RedactionSpan
from reports.models import Report, ReportState
from retention.rules import due_before, is_due
from retention.schedule import REMOVED
from retention.selectors import Holds, Rule, active_holds, is_held, schedule
from themes.models import Embedding

ANONYMISED_DOMAIN = "anonymised.invalid"  # RFC 2606: a domain that can never receive mail


# --- When a complaint ended ------------------------------------------------------------------------


def complaint_ends() -> dict[int, datetime.datetime]:
    """The moment each finished complaint ended: its withdrawal; its eligibility decision (which
    put it on the register, ``public_since``) for one found not eligible; its closure, as the audit
    trail records the ``complaint.closed`` event, for one closed after monitoring."""
    ends: dict[int, datetime.datetime] = {}
    finished = SuperComplaint.objects.filter(state__in=ComplaintState.finished_states())
    for pk, state, withdrawn_at, public_since in finished.values_list(
        "pk", "state", "withdrawn_at", "public_since"
    ):
        if state == ComplaintState.WITHDRAWN and withdrawn_at:
            ends[pk] = withdrawn_at
        elif state == ComplaintState.NOT_ELIGIBLE and public_since:
            ends[pk] = public_since
    closed = [pk for pk, state, *_ in finished.values_list("pk", "state") if state == ComplaintState.CLOSED]
    if closed:
        events = AuditEvent.objects.filter(
            action="complaint.closed",
            object_type=SuperComplaint._meta.label_lower,
            object_id__in=[str(pk) for pk in closed],
        ).values_list("object_id", "occurred_at")
        for object_id, occurred_at in events:
            pk = int(object_id)
            ends[pk] = max(ends.get(pk, occurred_at), occurred_at)
    return ends


def report_publications() -> dict[int, datetime.datetime]:
    """The moment each complaint's report became public (its embargo's end, or its publication)."""
    found: dict[int, datetime.datetime] = {}
    for report in Report.objects.filter(state=ReportState.PUBLISHED).only(
        "complaint_id", "state", "embargo_until", "published_at"
    ):
        moment = report.public_from
        if moment is not None:
            found[report.complaint_id] = moment
    return found


@dataclass
class Context:
    """What one run reads once: today, the rules, the holds, and when complaints ended."""

    today: datetime.date
    holds: Holds
    ends: dict[int, datetime.datetime]
    publications: dict[int, datetime.datetime]

    def complaints_due(self, rule: Rule, *, or_report: bool = False) -> list[int]:
        starts = dict(self.ends)
        if or_report:
            for pk, moment in self.publications.items():
                starts[pk] = min(starts.get(pk, moment), moment)
        return sorted(pk for pk, start in starts.items() if is_due(start, rule.period, rule.unit, self.today))


# --- The categories --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handler:
    """One category: which records are due and untreated, which complaint each is under (for a
    hold on a complaint), and the change."""

    key: str
    model: type[models.Model]
    due: Callable[[Rule, Context], models.QuerySet[Any]]
    complaint_of: Callable[[Any], int | None]
    change: Callable[[Any], None]
    # Deleting the row (after recording the event) rather than changing it.
    deletes_row: bool = False
    # What the event calls the record, where its own description (``str``) names a person.
    describe: Callable[[Any], str] | None = None


def _responses_due(rule: Rule, ctx: Context, *, or_report: bool) -> models.QuerySet[CallResponse]:
    return CallResponse.objects.filter(call__complaint_id__in=ctx.complaints_due(rule, or_report=or_report))


def _identity_due(rule: Rule, ctx: Context) -> models.QuerySet[CallResponse]:
    return _responses_due(rule, ctx, or_report=True).filter(~Q(name="") | ~Q(email=""))


def _clear_identity(response: CallResponse) -> None:
    response.name = ""
    response.email = ""
    response.save(update_fields=["name", "email"])


def _answers_due(rule: Rule, ctx: Context) -> models.QuerySet[CallResponse]:
    untreated = ResponseAnswer.objects.exclude(text=REMOVED).values("response_id")
    return _responses_due(rule, ctx, or_report=False).filter(pk__in=untreated)


def _clear_answers(response: CallResponse) -> None:
    ResponseAnswer.objects.filter(response=response).exclude(text=REMOVED).update(text=REMOVED)
    _forget_copies(
        Redaction.objects.filter(call_response=response), Embedding.objects.filter(response=response)
    )


def _forget_copies(redactions: models.QuerySet[Redaction], embeddings: models.QuerySet[Embedding]) -> None:
    """What was made from a text the job removes goes with it: a redaction's snapshot of the text
    (and its spans, positions in a text that is gone; a published extract is a file of its own and
    stays) and the text's embeddings, a passage's copy of its words among them."""
    RedactionSpan.objects.filter(redaction__in=redactions).delete()
    redactions.exclude(source_text=REMOVED).update(source_text=REMOVED, version=F("version") + 1)
    embeddings.delete()


def _response_complaint(response: CallResponse) -> int | None:
    return int(response.call.complaint_id)


CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


def _contact_due(rule: Rule, ctx: Context) -> models.QuerySet[SuperComplaint]:
    has_contact = Q()
    for field in CONTACT_FIELDS:
        has_contact |= ~Q(**{field: ""})
    return SuperComplaint.objects.filter(pk__in=ctx.complaints_due(rule)).filter(has_contact)


def _clear_contact(complaint: SuperComplaint) -> None:
    for field in CONTACT_FIELDS:
        setattr(complaint, field, "")
    # Not ``updated_at``: the register's feeds show when a complaint last changed, and nothing the
    # public can see has. The version moves on, so a form opened before cannot write the contact back.
    complaint.version += 1
    complaint.save(update_fields=[*CONTACT_FIELDS, "version"])


def _documents_of(complaint_ids: Iterable[int]) -> Q:
    """Documents that are a complaint's evidence: relied on in it, sent in answer to its calls for
    evidence or its information requests (their answers and data-return templates)."""
    ids = list(complaint_ids)
    return (
        Q(pk__in=EvidenceItem.objects.filter(complaint_id__in=ids).values("document_id"))
        | Q(
            pk__in=CallResponse.documents.through.objects.filter(
                callresponse__call__complaint_id__in=ids
            ).values("document_id")
        )
        | Q(
            pk__in=ForceRequest.documents.through.objects.filter(
                forcerequest__request__complaint_id__in=ids
            ).values("document_id")
        )
        | Q(pk__in=InformationRequest.objects.filter(complaint_id__in=ids).values("template_id"))
    )


def _documents_due(rule: Rule, ctx: Context) -> models.QuerySet[Document]:
    return (
        Document.objects.filter(_documents_of(ctx.complaints_due(rule)))
        # Attached to a response or an action's update: the register may publish it.
        .filter(responses__isnull=True, action_updates__isnull=True)
        .exclude(original_name=REMOVED)
    )


def _document_complaint(document: Document) -> int | None:
    for complaint_id in (
        EvidenceItem.objects.filter(document=document).values_list("complaint_id", flat=True)[:1]
        or CallResponse.objects.filter(documents=document).values_list("call__complaint_id", flat=True)[:1]
        or ForceRequest.objects.filter(documents=document).values_list("request__complaint_id", flat=True)[:1]
        or InformationRequest.objects.filter(template=document).values_list("complaint_id", flat=True)[:1]
    ):
        return int(complaint_id)
    return None


def _remove_document(document: Document) -> None:
    """Delete the stored file (once the transaction commits, so a rollback keeps it) and what was
    read from it; the row stays, saying the file was removed, because the evidence list it belongs
    to is part of the complaint's record."""
    name, storage = document.file.name, document.file.storage
    document.file = ""  # type: ignore[assignment]
    document.original_name = REMOVED
    document.description = ""
    document.extracted_text = ""
    document.flags = []
    document.save(update_fields=["file", "original_name", "description", "extracted_text", "flags"])
    search.remove_from_index(document.pk)
    _forget_copies(Redaction.objects.filter(document=document), Embedding.objects.filter(document=document))
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _messages_due(rule: Rule, ctx: Context) -> models.QuerySet[Message]:
    before = due_before(ctx.today, rule.period, rule.unit)
    untreated = ~Q(to=[]) | ~Q(context={}) | ~Q(html_body="") | ~Q(headers={}) | ~Q(last_error="")
    return Message.objects.filter(
        Q(state=MessageState.SENT, sent_at__lt=before) | Q(state=MessageState.FAILED, created_at__lt=before)
    ).filter(untreated)


def _message_complaint(message: Message) -> int | None:
    if message.about_type_id == ContentType.objects.get_for_model(SuperComplaint).pk:
        return message.about_id
    return None


def _clear_message(message: Message) -> None:
    # The subject, template, dates and state stay: the record of what was sent, and when.
    message.to = []
    message.context = {}
    message.html_body = ""
    message.headers = {}
    message.last_error = ""
    message.save(update_fields=["to", "context", "html_body", "headers", "last_error"])


def _unconfirmed_due(rule: Rule, ctx: Context) -> models.QuerySet[Subscription]:
    before = due_before(ctx.today, rule.period, rule.unit)
    return Subscription.objects.filter(
        confirmed_at__isnull=True, unsubscribed_at__isnull=True, created_at__lt=before
    )


def _unsubscribed_due(rule: Rule, ctx: Context) -> models.QuerySet[Subscription]:
    before = due_before(ctx.today, rule.period, rule.unit)
    return Subscription.objects.filter(unsubscribed_at__lt=before)


def _subscription_complaint(subscription: Subscription) -> int | None:
    return subscription.complaint_id


def _accounts_due(rule: Rule, ctx: Context) -> models.QuerySet[User]:
    before = due_before(ctx.today, rule.period, rule.unit)
    return (
        User.objects.filter(is_superuser=False)
        .filter(Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before))
        .exclude(email__endswith="@" + ANONYMISED_DOMAIN)
    )


def _anonymise_account(user: User) -> None:
    user.email = f"account-{user.pk}@{ANONYMISED_DOMAIN}"
    user.username = user.email
    user.full_name = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(
        update_fields=["email", "username", "full_name", "first_name", "last_name", "is_active", "password"]
    )
    TOTPDevice.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()


def _no_complaint(_record: Any) -> int | None:
    return None


# Sign-in records (django-axes): ``AccessAttempt``, the failures counted together for one address
# typed, IP address and browser, which the lock-out reads (accounts.lockout); ``AccessFailureLog``,
# one row per failure, kept only if AXES_ENABLE_ACCESS_FAILURE_LOG is on; ``AccessLog``, one row per
# sign-in. One category with one rule for the three tables. A hold's record number in this category
# holds the row of that number in each table: the hold names one number, and holding too much is
# the safe side.


def _attempts_due(rule: Rule, ctx: Context) -> models.QuerySet[AccessAttempt]:
    cool_off = get_cool_off()
    if cool_off is None:
        # Without a cool-off a pause lasts until someone lifts it: removing its row would lift it.
        return AccessAttempt.objects.none()
    # A pause lasts AXES_COOLOFF_TIME from the latest failure counted (``attempt_time``). Axes
    # deletes a row once that has passed, at the next sign-in anyone makes; this takes the rest. The
    # shortest rule (one day, to the start of today) could reach a failure minutes before midnight,
    # so a row is never due while its pause could still be running.
    before = min(due_before(ctx.today, rule.period, rule.unit), timezone.now() - cool_off)
    return AccessAttempt.objects.filter(attempt_time__lt=before)


def _failure_log_due(rule: Rule, ctx: Context) -> models.QuerySet[AccessFailureLog]:
    return AccessFailureLog.objects.filter(attempt_time__lt=due_before(ctx.today, rule.period, rule.unit))


def _sign_in_log_due(rule: Rule, ctx: Context) -> models.QuerySet[AccessLog]:
    return AccessLog.objects.filter(attempt_time__lt=due_before(ctx.today, rule.period, rule.unit))


def _invitations_due(rule: Rule, ctx: Context) -> models.QuerySet[Invitation]:
    before = due_before(ctx.today, rule.period, rule.unit)
    ended = (
        Q(state=InvitationState.ACCEPTED, accepted_at__lt=before)
        # A replaced invitation records when it was replaced as ``revoked_at``.
        | Q(state__in=[InvitationState.REVOKED, InvitationState.REPLACED], revoked_at__lt=before)
        # Never answered: it ended when its link stopped working. Never one whose link still works,
        # whatever day the job is told it is: its e-mail address is the account the link would make.
        | Q(state=InvitationState.OPEN, expires_at__lt=min(before, timezone.now()))
    )
    return Invitation.objects.filter(ended).exclude(email__endswith="@" + ANONYMISED_DOMAIN)


def _anonymise_invitation(invitation: Invitation) -> None:
    # The organisation, role, dates, who invited and the account that accepted stay: the record of
    # who invited whom. The link's token was never stored, so nothing else on the row names anyone.
    invitation.email = f"invitation-{invitation.pk}@{ANONYMISED_DOMAIN}"
    invitation.save(update_fields=["email"])


def _described(name: str) -> Callable[[Any], str]:
    return lambda record: f"{name} {record.pk}"


_HANDLERS: tuple[Handler, ...] = (
    Handler("call_response_identity", CallResponse, _identity_due, _response_complaint, _clear_identity),
    Handler("call_response_answers", CallResponse, _answers_due, _response_complaint, _clear_answers),
    Handler("complaint_contact", SuperComplaint, _contact_due, lambda c: c.pk, _clear_contact),
    Handler("evidence_files", Document, _documents_due, _document_complaint, _remove_document),
    Handler("outbox_messages", Message, _messages_due, _message_complaint, _clear_message),
    Handler(
        "alert_unconfirmed", Subscription, _unconfirmed_due, _subscription_complaint, lambda s: None, True
    ),
    Handler(
        "alert_unsubscribed",
        Subscription,
        _unsubscribed_due,
        _subscription_complaint,
        lambda s: None,
        True,
    ),
    Handler("dormant_accounts", User, _accounts_due, _no_complaint, _anonymise_account),
    Handler(
        "sign_in_attempts",
        AccessAttempt,
        _attempts_due,
        _no_complaint,
        lambda r: None,
        deletes_row=True,
        describe=_described("Sign-in attempts"),
    ),
    Handler(
        "sign_in_attempts",
        AccessFailureLog,
        _failure_log_due,
        _no_complaint,
        lambda r: None,
        deletes_row=True,
        describe=_described("Failed sign-in"),
    ),
    Handler(
        "sign_in_attempts",
        AccessLog,
        _sign_in_log_due,
        _no_complaint,
        lambda r: None,
        deletes_row=True,
        describe=_described("Sign-in"),
    ),
    Handler("ended_invitations", Invitation, _invitations_due, _no_complaint, _anonymise_invitation),
)

# Each category's handlers: one, or one per table for a category kept in several.
HANDLERS: dict[str, tuple[Handler, ...]] = {
    key: tuple(handler for handler in _HANDLERS if handler.key == key)
    for key in dict.fromkeys(handler.key for handler in _HANDLERS)
}


# --- The run ---------------------------------------------------------------------------------------


def _context(today: datetime.date) -> Context:
    return Context(
        today=today, holds=active_holds(), ends=complaint_ends(), publications=report_publications()
    )


def treat(handler: Handler, rule: Rule, pk: int, ctx: Context) -> bool:
    """Treat one record, if it is still due and untreated and no hold or other run has it.

    Its own transaction. Side effects: the category's change (or the row's deletion); one
    ``retention.anonymised`` or ``retention.deleted`` event naming the category, the rule and the
    record, never its data. Returns whether the record was treated now.
    """
    with transaction.atomic():
        record = handler.model._default_manager.select_for_update(skip_locked=True).filter(pk=pk).first()
        if record is None or not handler.due(rule, ctx).filter(pk=pk).exists():
            return False
        if is_held(handler.key, pk, handler.complaint_of(record)):
            return False
        after = {
            "category": handler.key,
            "period": rule.period,
            "unit": rule.unit,
            "rule_version": rule.version,
            "applied_on": ctx.today,
        }
        action = "retention.deleted" if rule.action == "delete" else "retention.anonymised"
        name = handler.describe(record) if handler.describe else None
        if handler.deletes_row:
            # The event is written while the row exists, so it names it; the row goes after it.
            record_event(action=action, obj=record, after=after, object_repr=name)
            record.delete()
        else:
            handler.change(record)
            # After the change: the event's description of the record is then free of the data.
            record_event(action=action, obj=record, after=after, object_repr=name)
    return True


@dataclass(frozen=True)
class Planned:
    rule: Rule
    due: int  # records past their date and still holding the data
    held: int  # of which under a legal hold


def plan(today: datetime.date) -> list[Planned]:
    """What a run on ``today`` would do, category by category, changing nothing (a dry run)."""
    ctx = _context(today)
    planned = []
    for rule in schedule():
        due = held = 0
        for handler in HANDLERS[rule.key]:
            records = list(handler.due(rule, ctx))
            due += len(records)
            held += sum(
                1 for record in records if ctx.holds.holds(rule.key, record.pk, handler.complaint_of(record))
            )
        planned.append(Planned(rule, due, held))
    return planned


def apply_retention(today: datetime.date) -> Counter[str]:
    """Anonymise or delete every record past the end of its retention period on ``today``, except
    those under a legal hold. Safe to run twice, and twice at once.

    Returns how many records were treated, by category.
    """
    ctx = _context(today)
    counts: Counter[str] = Counter({rule.key: 0 for rule in schedule()})
    for rule in schedule():
        for handler in HANDLERS[rule.key]:
            candidates = handler.due(rule, ctx).order_by("pk").values_list("pk", flat=True)
            for pk in list(candidates):
                if ctx.holds.holds(rule.key, pk):
                    continue
                if treat(handler, rule, pk, ctx):
                    counts[rule.key] += 1
    return counts
