"""The audit trail: one append-only, hash-chained row per change or access to sensitive material.

Rows are written only by ``audit.services`` and never changed: the database refuses UPDATE, DELETE
and TRUNCATE on this table (migration 0002), and each row's ``hash`` is keyed with a secret held outside the database and covers its contents
and the previous row's hash, so ``manage.py verify_audit`` can show that nothing was edited, removed,
inserted or reordered since. See docs/decisions/0003-audit-trail.md.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "audit events are append-only"


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    # The database refuses these as well; refusing here gives a clear error before a round trip.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        CHANGE = "change", _("Change")
        ACCESS = "access", _("Access to sensitive material")

    # The chain position is the key: no second counter to drift from it.
    sequence = models.PositiveBigIntegerField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    action = models.CharField(_("action"), max_length=100)
    # Plain integers, not foreign keys: events outlive users and organisations, and a cascade
    # would try to UPDATE or DELETE a row the database will not let go.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    organisation_label = models.CharField(_("organisation"), max_length=255, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    # Which secret of AUDIT_HMAC_KEYS keyed the hash. Null only for events written before the chain
    # was keyed, whose hash is plain SHA-256 (see audit.chain). Null, not blank, so that adding the
    # column is a plain ALTER TABLE ADD COLUMN on SQLite too and the table keeps its triggers.
    key_id = models.CharField(_("key id"), max_length=32, null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"], name="audit_event_object_idx"),
            models.Index(fields=["action"], name="audit_event_action_idx"),
            models.Index(fields=["request_id"], name="audit_event_request_idx"),
            models.Index(fields=["actor_id"], name="audit_event_actor_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="audit_event_sequence_positive"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["change", "access"]), name="audit_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        target = f" {self.object_type}:{self.object_id}" if self.object_type else ""
        return f"#{self.sequence} {self.action}{target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(APPEND_ONLY)
