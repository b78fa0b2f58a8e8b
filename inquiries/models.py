"""Information requests to forces during an investigation (SI 2018/748 reg 9).

One ``InformationRequest`` (title, ordered questions, an optional data-return template, a deadline
the team sets) is sent to many forces at once; each force gets its own ``ForceRequest``, with its
own row in the deadlines ledger, its answers and its files. A force sees only its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InformationRequest(models.Model):
    complaint = models.ForeignKey(
        "complaints.SuperComplaint", on_delete=models.PROTECT, related_name="information_requests"
    )
    title = models.CharField(_("title"), max_length=200)
    due = models.DateField(_("answers due by the end of"))
    template = models.ForeignKey(
        "evidence.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("data-return spreadsheet"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")

    def __str__(self) -> str:
        return self.title


class RequestQuestion(models.Model):
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("question"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="inquiries_question_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class ForceRequest(models.Model):
    """The request as one force received it: its answer, and the chasers it was sent."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="force_requests")
    force = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="information_requests"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The day each chaser went out: the sweep sends each once.
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    chased_on = models.DateField(_("chaser sent on"), null=True, blank=True)
    documents = models.ManyToManyField("evidence.Document", blank=True, related_name="+")

    class Meta:
        ordering = ["force__name"]
        verbose_name = _("request to a force")
        verbose_name_plural = _("requests to forces")
        constraints = [
            models.UniqueConstraint(fields=["request", "force"], name="inquiries_one_request_per_force"),
        ]

    def __str__(self) -> str:
        return f"{self.request} ({self.force})"


class ForceAnswer(models.Model):
    force_request = models.ForeignKey(ForceRequest, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(RequestQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))

    class Meta:
        ordering = ["question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_request", "question"], name="inquiries_one_answer_per_question"
            )
        ]
