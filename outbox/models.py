"""The outbox: every message the service sends is a row, written in the transaction of the change
that causes it, then delivered (and retried) by the task worker (docs/decisions/0012-outbox.md)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")

    @classmethod
    def pending_states(cls) -> tuple[MessageState, ...]:
        """States in which the worker still owes a delivery attempt."""
        return (cls.QUEUED, cls.RETRYING)

    @classmethod
    def final_states(cls) -> tuple[MessageState, ...]:
        return (cls.SENT, cls.FAILED)


# The one map of the moves a message may make. A failed message goes back to the queue only when
# someone asks for it to be sent again; a sent one never moves.
ALLOWED_TRANSITIONS: dict[MessageState, frozenset[MessageState]] = {
    MessageState.QUEUED: frozenset({MessageState.SENDING}),
    MessageState.RETRYING: frozenset({MessageState.SENDING}),
    # A worker that died mid-send leaves the row in "sending"; the sweep takes it back as a failed
    # attempt once its lease has run out.
    MessageState.SENDING: frozenset({MessageState.SENT, MessageState.RETRYING, MessageState.FAILED}),
    MessageState.FAILED: frozenset({MessageState.QUEUED}),
    MessageState.SENT: frozenset(),
}


class Message(models.Model):
    """One e-mail the service owes someone.

    The body is rendered from ``template`` and ``context`` when it is sent, in ``language``; the
    subject is fixed when the message is written. ``attachment_name`` names a file in the default
    storage (a letter's PDF), never a copy of it. ``html_body`` is a frozen HTML rendition (a sent
    letter never changes, so its e-mail carries exactly the document the body can read).
    """

    to = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    template = models.CharField(_("template"), max_length=200)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    html_body = models.TextField(_("HTML rendition"), blank=True)
    attachment_name = models.CharField(_("attachment (stored file)"), max_length=200, blank=True)
    attachment_filename = models.CharField(_("attachment file name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    # Extra mail headers, name to value: the public alerts' List-Unsubscribe (RFC 2369) and
    # List-Unsubscribe-Post (RFC 8058). Only names in ``outbox.services.ALLOWED_HEADERS``.
    headers = models.JSONField(_("headers"), default=dict, blank=True)

    # What the message is about, so a complaint (or later an obligation) can list its messages.
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")

    state = models.CharField(
        _("state"), max_length=20, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outbox_message_about"),
            models.Index(fields=["state", "next_attempt_at"], name="outbox_message_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=MessageState.SENT, sent_at__isnull=False) | ~Q(state=MessageState.SENT),
                name="outbox_message_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(state__in=MessageState.values), name="outbox_message_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
