"""The factual-accuracy check of a draft report.

Before a report is published, the authorities send its draft recommendations to the organisations
they are addressed to, so each can point out errors of fact by a closing date. One
``AccuracyCheck`` is opened on a draft report; each organisation it went to has one
``CheckAddressee`` (what that organisation sees, and where its e-mail went); each comment is an
``AccuracyComment`` on one recommendation; each decision on a comment (accepted or rejected, with a
reason) is a ``CommentDecision`` row, so a changed decision keeps the earlier one.

The closing date is a row in the deadlines ledger (``DeadlineRule.ACCURACY_CHECK``), never a
column here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deadlines.models import Deadline, DeadlineRule

COMMENT_LIMIT = 10_000


class CheckState(models.TextChoices):
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Closed")


class CloseReason(models.TextChoices):
    EARLY = "closed_early", _("Closed early by the authorities")
    DATE_PASSED = "date_passed", _("The closing date passed")


# The one map of allowed moves: a closed check never opens again (a new check is opened instead).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CheckState.OPEN: frozenset({CheckState.CLOSED}),
    CheckState.CLOSED: frozenset(),
}


class AccuracyCheck(models.Model):
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="accuracy_checks")
    state = models.CharField(_("state"), max_length=20, choices=CheckState.choices, default=CheckState.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.CharField(
        _("why it closed"), max_length=20, choices=CloseReason.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    # The closing date: one row in the deadlines ledger.
    deadlines = GenericRelation(Deadline, content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("factual-accuracy check")
        verbose_name_plural = _("factual-accuracy checks")
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(state="open"), name="accuracy_one_open_check_per_report"
            ),
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True, close_reason="")
                | Q(state="closed", closed_at__isnull=False) & ~Q(close_reason=""),
                name="accuracy_closed_has_moment_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Factual-accuracy check {self.pk} of {self.report}"

    @property
    def deadline(self) -> Deadline | None:
        """Its closing-date row (read through ``deadlines``, so a prefetch serves it)."""
        return next((d for d in self.deadlines.all() if d.rule == DeadlineRule.ACCURACY_CHECK), None)

    @property
    def closes_on(self) -> datetime.date | None:
        """The London day at whose end the check closes."""
        deadline = self.deadline
        return deadline.due if deadline else None

    def is_open_on(self, day: datetime.date) -> bool:
        """Open for comments on ``day``: not closed, and the closing day not yet ended. A check whose
        date has passed is closed even before the sweep records it."""
        closes_on = self.closes_on
        return self.state == CheckState.OPEN and closes_on is not None and day <= closes_on


class CheckAddressee(models.Model):
    """One organisation a check went to: it sees the draft recommendations addressed to it, and
    comments on them."""

    accuracy_check = models.ForeignKey(AccuracyCheck, on_delete=models.CASCADE, related_name="addressees")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="accuracy_checks"
    )

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("organisation asked to check")
        verbose_name_plural = _("organisations asked to check")
        constraints = [
            models.UniqueConstraint(
                fields=["accuracy_check", "organisation"], name="accuracy_one_addressee_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accuracy_check} ({self.organisation})"


class CommentDecisionChoice(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class AccuracyComment(models.Model):
    """An organisation's comment on one draft recommendation addressed to it. Its current decision
    is kept here for reading; every decision ever made is a ``CommentDecision``."""

    addressee = models.ForeignKey(CheckAddressee, on_delete=models.CASCADE, related_name="comments")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.CASCADE, related_name="accuracy_comments"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_LIMIT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=CommentDecisionChoice.choices, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("factual-accuracy comment")
        verbose_name_plural = _("factual-accuracy comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""), name="accuracy_decision_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.recommendation.reference}"


class CommentDecision(models.Model):
    """One decision on a comment, in the order made: the decision log. Never edited."""

    comment = models.ForeignKey(AccuracyComment, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=20, choices=CommentDecisionChoice.choices)
    reason = models.TextField(_("reason"))
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("decision on a factual-accuracy comment")
        verbose_name_plural = _("decisions on factual-accuracy comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["accepted", "rejected"]) & ~Q(reason=""),
                name="accuracy_decision_log_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.comment}"
