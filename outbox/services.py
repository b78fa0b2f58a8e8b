"""Writing messages to the outbox and delivering them (docs/decisions/0012-outbox.md).

A service that must tell someone calls ``enqueue_message`` inside its own transaction, so the
message exists exactly when the change that causes it does. After commit the task worker is asked
to deliver it; ``send_due_messages`` (``manage.py send_outbox``) picks up anything the worker was
not asked about or could not finish, so a message is never lost.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation

from outbox.models import ALLOWED_TRANSITIONS, Message, MessageState

logger = logging.getLogger(__name__)

# The longest wait between two attempts.
MAX_BACKOFF = datetime.timedelta(hours=6)


# The headers a message may add to those Django writes. A fixed list, so no caller can set From,
# To or a header that would change where the message goes.
ALLOWED_HEADERS = frozenset({"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"})


class OutboxError(Exception):
    """A change to a message that its state does not allow."""


@dataclass(frozen=True)
class Attachment:
    """A file in the default storage to attach, by reference (the file is read when sending)."""

    name: str
    filename: str
    content_type: str = "application/octet-stream"


def max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from ``OUTBOX_RETRY_SECONDS``
    (1, 2, 4, 8... minutes by default), never more than six hours."""
    base = settings.OUTBOX_RETRY_SECONDS
    delay = datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _check(message: Message, target: MessageState) -> None:
    if target not in ALLOWED_TRANSITIONS[MessageState(message.state)]:
        raise OutboxError(f"A message that is {message.state} cannot become {target.value}.")


def enqueue_message(
    *,
    to: Iterable[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    about: models.Model | None = None,
    html_body: str = "",
    attachment: Attachment | None = None,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> Message | None:
    """Write one message, to be sent once the caller's transaction commits.

    Call it inside the transaction of the change that causes the message. ``context`` must be
    JSON (only what ``template`` needs); ``template`` is rendered when the message is sent, in
    ``language`` (the active language by default). A message with the same ``dedupe_key`` as an
    existing one is not written again and is never sent twice: the existing row is returned.
    Nothing is written when there is nobody to send to. ``headers`` adds mail headers, only those
    in ``ALLOWED_HEADERS`` (any other raises ``ValueError``).

    Side effects: creates the ``Message``; after commit, asks the task worker to deliver it.
    """
    recipients = [address.strip() for address in to if address and address.strip()]
    headers = dict(headers or {})
    refused = set(headers) - ALLOWED_HEADERS
    if refused:
        raise ValueError(f"The outbox does not set the headers {', '.join(sorted(refused))}.")
    if any("\n" in value or "\r" in value for value in headers.values()):
        raise ValueError("A header value cannot span lines.")
    if not recipients:
        return None
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "to": recipients,
                "subject": subject,
                "template": template,
                "context": context,
                "language": language or translation.get_language() or settings.LANGUAGE_CODE,
                "html_body": html_body,
                "headers": headers,
                "attachment_name": attachment.name if attachment else "",
                "attachment_filename": attachment.filename if attachment else "",
                "attachment_type": attachment.content_type if attachment else "",
                "about_type": ContentType.objects.get_for_model(about) if about is not None else None,
                "about_id": about.pk if about is not None else None,
                "state": MessageState.QUEUED,
            },
        )
        if created:
            message_id = message.pk
            # robust: the row is safe whatever happens here; the sweep sends it if the worker
            # cannot be asked now.
            transaction.on_commit(lambda: _dispatch(message_id), robust=True)
    return message


def _dispatch(message_id: int, run_after: datetime.datetime | None = None) -> None:
    from outbox.tasks import deliver_message

    task = deliver_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # this backend cannot wait; ``send_due_messages`` retries when it is due
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


def _due(now: datetime.datetime) -> Q:
    return Q(state__in=MessageState.pending_states()) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(message_id: int, now: datetime.datetime) -> Message | None:
    """Take a due message for this worker, or None if it is not due or another worker has it."""
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).filter(_due(now), pk=message_id).first()
        if message is None:
            return None
        _check(message, MessageState.SENDING)
        # Compare-and-set as well as the row lock: SQLite has no row locks, and this update only
        # succeeds for the one worker that saw the row in its pending state.
        won = Message.objects.filter(pk=message.pk, state=message.state, attempts=message.attempts).update(
            state=MessageState.SENDING, attempts=message.attempts + 1, claimed_at=now
        )
        if not won:
            return None
    message.refresh_from_db()
    return message


def render_body(message: Message) -> str:
    """The message's text, rendered in its language. Plain text is never HTML-escaped: an
    apostrophe in a complaint's title reaches the reader as an apostrophe."""
    template = get_template(message.template)
    with translation.override(message.language):
        # The Django backend's own template, so the context can switch autoescaping off.
        return template.template.render(Context(message.context, autoescape=False))  # type: ignore[attr-defined]


def build_email(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=render_body(message),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        headers={name: value for name, value in (message.headers or {}).items() if name in ALLOWED_HEADERS},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    if message.attachment_name:
        # Attachments (letters' PDFs) are kept in the private documents store.
        with storages["documents"].open(message.attachment_name, "rb") as handle:
            email.attach(message.attachment_filename, handle.read(), message.attachment_type)
    return email


def deliver(message_id: int, *, now: datetime.datetime | None = None) -> Message | None:
    """Send one message if it is due and nobody else is sending it.

    Side effects: claims the row (``sending``, one more attempt); sends it through Django's mail
    backend; then records ``sent_at``, or keeps the error and schedules the next attempt with
    backoff, or after ``OUTBOX_MAX_ATTEMPTS`` leaves it ``failed`` for staff to see. Returns the
    message as it ended, or None if it was not taken.
    """
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return None
    try:
        build_email(message).send()
    except Exception as error:  # any failure is kept on the row and retried, never raised away
        logger.warning("Message %s not sent (attempt %s): %s", message.pk, message.attempts, error)
        return _record_failure(message.pk, f"{type(error).__name__}: {error}", now)
    return _record_sent(message.pk, timezone.now())


def _record_sent(message_id: int, at: datetime.datetime) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        _check(message, MessageState.SENT)
        message.state = MessageState.SENT
        message.sent_at = at
        message.next_attempt_at = None
        message.save(update_fields=["state", "sent_at", "next_attempt_at"])
    logger.info("Message %s sent", message.pk)
    return message


def _record_failure(message_id: int, error: str, now: datetime.datetime) -> Message:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.state == MessageState.SENDING:  # else the sweep already took it back
            _fail(message, error, now)
    return message


def _fail(message: Message, error: str, now: datetime.datetime) -> None:
    """Keep the error and schedule the next attempt, or give up; the caller holds the row lock."""
    message.last_error = error[:2000]
    if message.attempts >= max_attempts():
        _check(message, MessageState.FAILED)
        message.state = MessageState.FAILED
        message.next_attempt_at = None
    else:
        _check(message, MessageState.RETRYING)
        message.state = MessageState.RETRYING
        message.next_attempt_at = now + retry_delay(message.attempts)
    message.save(update_fields=["state", "last_error", "next_attempt_at"])
    if message.state == MessageState.RETRYING:
        message_id, when = message.pk, message.next_attempt_at
        transaction.on_commit(lambda: _dispatch(message_id, run_after=when), robust=True)


def requeue_message(message: Message) -> Message:
    """Staff ask for a failed message to be tried again, from the first attempt.

    Side effects: the message goes back to ``queued`` with its attempts reset (its last error is
    kept until it is sent); after commit the worker is asked to deliver it. A message that is not
    failed is left as it is.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.state != MessageState.FAILED:
            return message
        _check(message, MessageState.QUEUED)
        message.state = MessageState.QUEUED
        message.attempts = 0
        message.next_attempt_at = None
        message.save(update_fields=["state", "attempts", "next_attempt_at"])
        message_id = message.pk
        transaction.on_commit(lambda: _dispatch(message_id), robust=True)
    return message


def _reclaim_stale(now: datetime.datetime) -> int:
    """Take back messages whose worker stopped mid-send: each counts as a failed attempt."""
    # How long a claimed message may stay "sending" before the sweep takes it back
    # (OUTBOX_SENDING_LEASE_SECONDS): far longer than an SMTP conversation, so a live worker is
    # never overtaken.
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    count = 0
    stale = Message.objects.filter(state=MessageState.SENDING, claimed_at__lt=cutoff)
    for message_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, state=MessageState.SENDING, claimed_at__lt=cutoff)
                .first()
            )
            if message is None:
                continue
            _fail(message, "The worker stopped before it recorded the sending; it may have been sent.", now)
            count += 1
    return count


@dataclass
class SweepResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    reclaimed: int = 0


def send_due_messages(*, now: datetime.datetime | None = None, limit: int = 500) -> SweepResult:
    """Deliver every message that is due: new ones the worker was never asked about, and retries
    whose time has come. Safe to run twice, or twice at once: each message is claimed once."""
    now = now or timezone.now()
    result = SweepResult(reclaimed=_reclaim_stale(now))
    due = Message.objects.filter(_due(now)).order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    for message_id in list(due[:limit]):
        message = deliver(message_id, now=now)
        if message is None:
            continue
        if message.state == MessageState.SENT:
            result.sent += 1
        elif message.state == MessageState.RETRYING:
            result.retrying += 1
        elif message.state == MessageState.FAILED:
            result.failed += 1
    return result
