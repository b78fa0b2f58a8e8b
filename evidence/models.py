"""Documents: stored files with what was checked about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.storage import document_storage, random_key


def document_path(instance: Document, filename: str) -> str:
    # A random key: the original name is kept in the row, never trusted as a path, and the digest
    # (a column) is not the key, so identical files from two organisations never share an object.
    return random_key()


class ScanStatus(models.TextChoices):
    # No virus scanner is configured: released on the other checks alone.
    NOT_SCANNED = "not_scanned", _("Not scanned")
    CLEAN = "clean", _("No virus found")
    # A scanner is configured but could not be reached: kept, not released, scanned again later.
    PENDING = "pending", _("Waiting for a virus scan")
    # Found infected on a later scan: the file is destroyed, the row kept as the record.
    INFECTED = "infected", _("Virus found: removed")


class ExtractionStatus(models.TextChoices):
    """Where text extraction for search got to (evidence.extraction, evidence.services)."""

    PENDING = "pending", _("Text not extracted yet")
    EXTRACTED = "extracted", _("Text extracted")
    # The character cap was reached: the text up to it is kept and searched.
    TRUNCATED = "truncated", _("Text extracted up to the limit")
    UNSUPPORTED = "unsupported", _("No text to extract")
    FAILED = "failed", _("Text could not be extracted")
    TIMED_OUT = "timed_out", _("Text extraction took too long")


# What a flag on a document means, shown to staff beside it (evidence.checks.pdf_active_content).
FLAG_LABELS = {
    "javascript": _("Contains active content: JavaScript"),
    "open_action": _("Contains active content: an action when opened"),
    "launch": _("Contains active content: launches a program"),
    "embedded_file": _("Contains active content: embedded files"),
    "additional_actions": _("Contains active content: automatic actions"),
}


class Document(models.Model):
    file = models.FileField(upload_to=document_path, storage=document_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    description = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extracted_text = models.TextField(blank=True)
    # Why the text is what it is; ``extraction_note`` says more when it failed or was cut (never
    # any of the document's own text).
    extraction_status = models.CharField(
        max_length=20, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_note = models.CharField(max_length=200, blank=True)
    text_extracted_at = models.DateTimeField(null=True, blank=True)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    # Codes from FLAG_LABELS: accepted, but staff are told before they open it.
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_released(self) -> bool:
        """Whether anyone may download it: not while a virus scan is owed, never once infected."""
        return self.scan_status in (ScanStatus.NOT_SCANNED, ScanStatus.CLEAN) and bool(self.file)

    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS.get(code, code)) for code in self.flags]
