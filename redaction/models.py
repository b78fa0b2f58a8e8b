"""Redaction for publication: an extract of a call-for-evidence response, or of a stored document,
with the personal data in it taken out, published as a fresh PDF.

A ``Redaction`` works on a snapshot of its source's text (``source_text``), taken when it starts,
so the offsets of its spans never shift under it. A ``RedactionSpan`` is a stretch of that text:
found by a detector (``redaction.detect``) and proposed, or marked by staff. Nothing is published
while a span is still proposed; the published derivative is rebuilt from the text with every
confirmed span removed (``redaction.derivative``), never the original file with boxes drawn on it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deadlines.rules import to_london_date
from redaction import detect


class RedactionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The one map of allowed changes of state. A withdrawn extract stays withdrawn: to publish the
# material again, staff start a new redaction (the withdrawn one stays as the record).
TRANSITIONS: dict[str, frozenset[str]] = {
    RedactionState.DRAFT: frozenset({RedactionState.PUBLISHED}),
    RedactionState.PUBLISHED: frozenset({RedactionState.WITHDRAWN}),
    RedactionState.WITHDRAWN: frozenset(),
}


class SpanKind(models.TextChoices):
    EMAIL = detect.EMAIL, _("E-mail address")
    PHONE = detect.PHONE, _("Phone number")
    POSTCODE = detect.POSTCODE, _("Postcode")
    NI_NUMBER = detect.NI_NUMBER, _("National Insurance number")
    DATE_OF_BIRTH = detect.DATE_OF_BIRTH, _("Date of birth")
    CRIME_REFERENCE = detect.CRIME_REFERENCE, _("Crime reference number")
    CASE_REFERENCE = detect.CASE_REFERENCE, _("Case reference number")
    # What staff mark by hand.
    NAME = "name", _("Name")
    PLACE = "place", _("Place")
    OTHER = "other", _("Other identifying detail")

    @classmethod
    def staff_kinds(cls) -> list[tuple[str, str]]:
        return [(k.value, str(k.label)) for k in (cls.NAME, cls.PLACE, cls.OTHER, *cls.detected())]

    @classmethod
    def detected(cls) -> list[SpanKind]:
        return [cls(kind) for kind in detect.KINDS]


class SpanOrigin(models.TextChoices):
    DETECTED = "detected", _("Found automatically")
    STAFF = "staff", _("Added by staff")


class SpanDecision(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for a decision")
    CONFIRMED = "confirmed", _("Will be removed")
    REJECTED = "rejected", _("Kept in the extract")


class RedactionQuerySet(models.QuerySet["Redaction"]):
    def published(self) -> RedactionQuerySet:
        """Extracts the public may see: published, with their derivative stored, of a complaint on
        the register. The one selector every public page starts from."""
        from complaints.models import SuperComplaint

        return self.filter(
            state=RedactionState.PUBLISHED,
            derivative__isnull=False,
            complaint__in=SuperComplaint.objects.published(),
        )


class Redaction(models.Model):
    complaint = models.ForeignKey(
        "complaints.SuperComplaint", on_delete=models.PROTECT, related_name="redactions"
    )
    # What is redacted: exactly one of a response's answers or a stored document's text.
    call_response = models.ForeignKey(
        "calls.CallResponse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "evidence.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title of the extract"), max_length=200)
    source_text = models.TextField()
    state = models.CharField(max_length=20, choices=RedactionState.choices, default=RedactionState.DRAFT)
    # Bumped by every change to the redaction or its spans: publishing checks that the extract is
    # still the one its publisher previewed.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The published PDF, in the one document store; kept after withdrawal as the record.
    derivative = models.ForeignKey(
        "evidence.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RedactionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("redaction")
        constraints = [
            models.CheckConstraint(
                condition=(Q(call_response__isnull=False) & Q(document__isnull=True))
                | (Q(call_response__isnull=True) & Q(document__isnull=False)),
                name="redaction_one_source",
            ),
            models.CheckConstraint(
                condition=~Q(state=RedactionState.PUBLISHED)
                | (Q(derivative__isnull=False) & Q(published_at__isnull=False)),
                name="redaction_published_has_derivative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def published_on(self) -> datetime.date | None:
        """The London day the extract was published."""
        return to_london_date(self.published_at) if self.published_at else None

    @property
    def is_draft(self) -> bool:
        return self.state == RedactionState.DRAFT


class RedactionSpan(models.Model):
    redaction = models.ForeignKey(Redaction, on_delete=models.CASCADE, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=SpanKind.choices)
    origin = models.CharField(max_length=20, choices=SpanOrigin.choices)
    decision = models.CharField(max_length=20, choices=SpanDecision.choices, default=SpanDecision.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start", "end", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="redaction_span_not_empty"),
            models.UniqueConstraint(fields=["redaction", "start", "end"], name="redaction_span_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}-{self.end}"

    @property
    def length(self) -> int:
        return self.end - self.start
