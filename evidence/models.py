"""Documents: stored files with what was checked about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def document_path(instance: Document, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted as a path.
    return f"documents/{instance.sha256[:2]}/{instance.sha256}"


class Document(models.Model):
    file = models.FileField(upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extracted_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.original_name
