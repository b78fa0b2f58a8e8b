"""What the public record loader last wrote, so that a corrected record can be applied without
overwriting what staff have changed since (docs/public-record.md)."""

from __future__ import annotations

from django.db import models


class LoadedValue(models.Model):
    """The value ``load_public_record`` last wrote to one field of one row.

    A later load replaces the field only while it still holds this value: a different value means
    staff changed it, and their change stands.
    """

    model = models.CharField(max_length=100)  # app_label.model_name
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=100)
    value = models.JSONField(null=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id", "field"], name="loaded_value_one_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}.{self.field}"
