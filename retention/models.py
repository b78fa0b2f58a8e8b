"""The retention schedule (one rule per category of record) and legal holds.

The categories and what the job does to each are in ``retention.schedule``; the job itself is in
``operations.retention`` because it reaches into the apps that own the records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retention.schedule import ANONYMISE, BY_KEY, DAYS, DELETE, MONTHS


class Action(models.TextChoices):
    ANONYMISE = ANONYMISE, _("Anonymise")
    DELETE = DELETE, _("Delete")


class Unit(models.TextChoices):
    DAYS = DAYS, _("days")
    MONTHS = MONTHS, _("months")


class RetentionRule(models.Model):
    """How long one category of record keeps its personal data, and what happens then."""

    category = models.CharField(_("category"), max_length=40, unique=True)
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    action = models.CharField(_("at the end"), max_length=10, choices=Action.choices)
    updated_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.CheckConstraint(condition=Q(period__gte=1), name="retention_rule_period_positive"),
            models.CheckConstraint(condition=Q(unit__in=[DAYS, MONTHS]), name="retention_rule_unit_valid"),
            models.CheckConstraint(
                condition=Q(action__in=[ANONYMISE, DELETE]), name="retention_rule_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Retention of {self.category}"

    @property
    def label(self) -> str:
        category = BY_KEY.get(self.category)
        return str(category.label) if category else self.category


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Stops the retention job for one record, or for a whole complaint and everything under it
    (its contact, evidence, calls' responses, e-mails and alert subscriptions), until it is lifted.

    Placed for litigation, a regulator's or the police's inquiry, or a subject access request being
    answered: the reason says which.
    """

    complaint = models.ForeignKey(
        "complaints.SuperComplaint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    category = models.CharField(_("category"), max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(_("record number"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    placed_at = models.DateTimeField(_("placed at"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, category="", object_id__isnull=True)
                | (Q(complaint__isnull=True, object_id__isnull=False) & ~Q(category="")),
                name="retention_hold_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="retention_hold_has_reason"),
        ]

    def __str__(self) -> str:
        # Never the reason, which may name a person: this is what the audit trail shows.
        if self.complaint_id:
            return f"Legal hold {self.pk} on super-complaint {self.complaint_id}"
        return f"Legal hold {self.pk} on {self.category} {self.object_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
