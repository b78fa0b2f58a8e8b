"""Reads of the outbox."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from outbox.models import Message


def messages_about(obj: models.Model) -> QuerySet[Message]:
    """Every message written about ``obj`` (a complaint, say), oldest first."""
    return Message.objects.filter(
        about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk
    ).order_by("created_at", "pk")
