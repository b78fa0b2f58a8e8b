"""Calls for evidence during an investigation, and the public's responses to them.

A ``CallForEvidence`` belongs to one complaint: a title and introduction in English and Welsh,
ordered questions, the support services it signposts, and the London dates it opens and closes on.
It closes at the end of ``closes_on`` (a row in the deadlines ledger), or earlier if staff close
it. A ``CallResponse`` is one person's answers. Responses can hold survivors' accounts of modern
slavery and abuse, so a response keeps the minimum: no address, no account, no IP address; a name
and e-mail address only if the person chose to give them. Nothing here is ever shown publicly
except the call itself (``CallQuerySet.published``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import SuperComplaint
from deadlines.rules import end_of_london_day, start_of_london_day, to_london_date


class Signpost(models.Model):
    """A support service a call can point people to (the Modern Slavery & Exploitation Helpline,
    999...). Rows, not code, so the team can add one. ``always`` ones are on every call."""

    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(_("name (Welsh)"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=40)
    description = models.CharField(_("what it is for"), max_length=300)
    description_cy = models.CharField(_("what it is for (Welsh)"), max_length=300, blank=True)
    always = models.BooleanField(_("on every call"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("support service")
        verbose_name_plural = _("support services")

    def __str__(self) -> str:
        return f"{self.name} ({self.phone})"

    @property
    def phone_unbroken(self) -> str:
        """The number as shown: never split across lines (non-breaking spaces)."""
        return self.phone.replace(" ", "\u00a0")

    @property
    def tel(self) -> str:
        """The number as a ``tel:`` link takes it."""
        return "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")


class CallQuerySet(models.QuerySet["CallForEvidence"]):
    def published(self, at: datetime.datetime | None = None) -> CallQuerySet:
        """Calls the public may see at ``at``: their complaint is on the register and the call has
        opened (it may have closed since). A call that opens in the future is absent. The one
        selector every public page starts from."""
        moment = at or timezone.now()
        today = to_london_date(moment)
        return self.filter(complaint__in=SuperComplaint.objects.published(moment), opens_on__lte=today)

    def open_at(self, at: datetime.datetime) -> CallQuerySet:
        """Calls taking responses at ``at``: opened, not past the end of ``closes_on`` in London,
        not closed early."""
        today = to_london_date(at)
        return self.filter(opens_on__lte=today, closes_on__gte=today).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gt=at)
        )


class CallForEvidence(models.Model):
    complaint = models.ForeignKey(
        "complaints.SuperComplaint", on_delete=models.PROTECT, related_name="calls_for_evidence"
    )
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"))
    introduction_cy = models.TextField(_("introduction (Welsh)"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes at the end of"))
    signposts = models.ManyToManyField(Signpost, blank=True, related_name="calls")
    # Set when staff close the call before the end of closes_on (only once it has opened).
    closed_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    deadlines = GenericRelation(
        "deadlines.Deadline", content_type_field="subject_type", object_id_field="subject_id"
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("call for evidence")
        verbose_name_plural = _("calls for evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="calls_call_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closes_at(self) -> datetime.datetime:
        """The moment the call stops taking responses: the end of ``closes_on`` in London, or the
        moment staff closed it early."""
        end = end_of_london_day(self.closes_on)
        if self.closed_at is not None and self.closed_at < end:
            return self.closed_at
        return end

    @property
    def closed_on(self) -> datetime.date:
        """The London day the call closed (or will close) on."""
        if self.closed_at is not None and self.closed_at < end_of_london_day(self.closes_on):
            return to_london_date(self.closed_at)
        return self.closes_on

    def has_opened(self, at: datetime.datetime) -> bool:
        return at >= start_of_london_day(self.opens_on)

    def is_open(self, at: datetime.datetime) -> bool:
        return self.has_opened(at) and at < self.closes_at

    def has_closed(self, at: datetime.datetime) -> bool:
        return at >= self.closes_at


class CallQuestion(models.Model):
    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("question"))
    text_cy = models.TextField(_("question (Welsh)"), blank=True)
    required = models.BooleanField(_("an answer is needed"), default=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="calls_question_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class ResponseTag(models.Model):
    """A label staff put on responses while reviewing them (a theme, "follow up")."""

    name = models.CharField(_("tag"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CallResponse(models.Model):
    """One person's response. ``receipt_code`` is random and says nothing about them."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.PROTECT, related_name="responses")
    submitted_at = models.DateTimeField(_("submitted at"))
    receipt_code = models.CharField(_("receipt code"), max_length=20, unique=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    consent_given = models.BooleanField(_("consent given"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(ResponseTag, blank=True, related_name="responses")
    # Files the person attached, kept in the one document store (evidence.services.store_document).
    documents = models.ManyToManyField("evidence.Document", blank=True, related_name="+")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("response to a call for evidence")
        verbose_name_plural = _("responses to calls for evidence")
        constraints = [
            models.CheckConstraint(condition=Q(consent_given=True), name="calls_response_consent_given"),
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(name="") & Q(email="")),
                name="calls_response_anonymous_has_no_name",
            ),
        ]
        indexes = [models.Index(fields=["call", "submitted_at"], name="calls_response_call_time")]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None


class ResponseAnswer(models.Model):
    response = models.ForeignKey(CallResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CallQuestion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"))

    class Meta:
        ordering = ["question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="calls_one_answer_per_question")
        ]
