"""Themes in the responses to a call for evidence, found with a local sentence-embedding model.

An ``Embedding`` is one text's vector (384 float32 numbers, stored as bytes), kept with the model's
name and a hash of the text, so a text that has not changed is never embedded again. It belongs to
a call response, a passage of an evidence document, or a complaint (for the similarity check).

A ``ThemeAnalysis`` is the grouping of one call's responses: its state while the task worker embeds
them (with progress), then ``Theme`` rows and one ``ThemeAssignment`` per response. The machine's
assignments are candidates until a person confirms them; counts shown to others use confirmed
assignments, or say that they do not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Embedding(models.Model):
    class Kind(models.TextChoices):
        RESPONSE = "response", _("response to a call for evidence")
        PASSAGE = "passage", _("passage of an evidence document")
        COMPLAINT = "complaint", _("super-complaint")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    model_name = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=64)  # sha256 of the embedded text
    vector = models.BinaryField()  # float32, little-endian, normalised to length 1
    response = models.ForeignKey(
        "calls.CallResponse", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "evidence.Document", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    passage = models.PositiveIntegerField(null=True, blank=True)  # 0-based, within the document
    passage_text = models.TextField(blank=True)
    # For a passage: the document's ``text_extracted_at`` when the text it was cut from was read.
    # Every passage of a document carries the same value once its text is embedded; a document
    # whose own value differs (extracted again since) is waiting to be embedded again.
    text_extracted_at = models.DateTimeField(null=True, blank=True)
    complaint = models.ForeignKey(
        "complaints.SuperComplaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="response", response__isnull=False, document__isnull=True, complaint__isnull=True)
                    | Q(
                        kind="passage",
                        document__isnull=False,
                        passage__isnull=False,
                        response__isnull=True,
                        complaint__isnull=True,
                    )
                    | Q(
                        kind="complaint",
                        complaint__isnull=False,
                        response__isnull=True,
                        document__isnull=True,
                    )
                ),
                name="themes_embedding_one_subject",
            ),
            models.UniqueConstraint(
                fields=["model_name", "response"],
                condition=Q(kind="response"),
                name="themes_embedding_one_per_response",
            ),
            models.UniqueConstraint(
                fields=["model_name", "document", "passage"],
                condition=Q(kind="passage"),
                name="themes_embedding_one_per_passage",
            ),
            models.UniqueConstraint(
                fields=["model_name", "complaint"],
                condition=Q(kind="complaint"),
                name="themes_embedding_one_per_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} embedding ({self.model_name})"


class AnalysisState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    EMBEDDING = "embedding", _("Reading the responses")
    GROUPED = "grouped", _("Grouped into themes")
    FAILED = "failed", _("Failed")

    @classmethod
    def running_states(cls) -> frozenset[str]:
        return frozenset({cls.QUEUED, cls.EMBEDDING})


class ThemeAnalysis(models.Model):
    call = models.OneToOneField(
        "calls.CallForEvidence", on_delete=models.CASCADE, related_name="theme_analysis"
    )
    state = models.CharField(max_length=10, choices=AnalysisState.choices, default=AnalysisState.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    model_name = models.CharField(max_length=100, blank=True)
    distance_threshold = models.FloatField(default=0.0)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("theme analysis")
        verbose_name_plural = _("theme analyses")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="themes_analysis_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"Themes of call {self.call_id} ({self.state})"

    @property
    def running(self) -> bool:
        return self.state in AnalysisState.running_states()

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class Theme(models.Model):
    class Origin(models.TextChoices):
        MACHINE = "machine", _("grouped by the model")
        PERSON = "person", _("made by a person")

    analysis = models.ForeignKey(ThemeAnalysis, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=120)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ThemeAssignment(models.Model):
    """One response's place in one theme. Moving a response changes this one row."""

    class Origin(models.TextChoices):
        MACHINE = "machine", _("the model")
        PERSON = "person", _("a person")

    analysis = models.ForeignKey(ThemeAnalysis, on_delete=models.CASCADE, related_name="assignments")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    response = models.ForeignKey("calls.CallResponse", on_delete=models.CASCADE, related_name="+")
    # Cosine distance to the theme's centroid (0 is at the centre); the smallest are its quotes.
    distance = models.FloatField(default=0.0)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    confirmed = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["distance", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "response"], name="themes_one_theme_per_response"),
            models.CheckConstraint(
                condition=Q(confirmed=False) | Q(confirmed_at__isnull=False),
                name="themes_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} in {self.theme_id}"
