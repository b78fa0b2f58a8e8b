"""Recommendations, who they are addressed to, and each addressee's obligation and response.

A recommendation names addressees as organisations or as groups ("chief constables"). A group is
data: its members are explicit rows that staff can edit. Expanding the addressees gives one
obligation per organisation, each with its own deadline.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from deadlines.models import Deadline, DeadlineRule


class AddresseeGroup(models.Model):
    name = models.CharField(max_length=120, unique=True)
    name_cy = models.CharField(max_length=120, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        "organisations.Organisation", related_name="addressee_groups", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def published(self) -> RecommendationQuerySet:
        """Recommendations of published reports (past any embargo) on public complaints."""
        from complaints.models import SuperComplaint
        from reports.models import Report

        return self.filter(
            report__in=Report.objects.published(), report__complaint__in=SuperComplaint.objects.published()
        )


class Recommendation(models.Model):
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(
        max_length=60, unique=True, help_text=_("Stable reference, e.g. SC-2019-002-R1. Never reused.")
    )
    label = models.CharField(
        max_length=120, help_text=_('As the report numbers it, e.g. "Recommendation 1".')
    )
    text = models.TextField()
    text_cy = models.TextField(blank=True)
    text_verified = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=1)
    addressee_groups = models.ManyToManyField(AddresseeGroup, blank=True, related_name="recommendations")
    addressee_organisations = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="recommendations_addressed"
    )
    # Members of its groups that staff took off this recommendation's list before publication: the
    # group stays as it is for every other recommendation. ``expand_addressees`` honours it.
    excluded_organisations = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="recommendations_excluded_from"
    )
    default_due = models.DateField(
        null=True, blank=True, help_text=_("The deadline the report sets; each obligation may differ.")
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.label}"


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def published(self) -> ObligationQuerySet:
        return self.filter(recommendation__in=Recommendation.objects.published())

    def overdue(self, on: datetime.date) -> ObligationQuerySet:
        """Obligations whose response deadline is running and ended before ``on``."""
        late = Deadline.objects.overdue(on).filter(rule=DeadlineRule.RESPONSE)
        return self.filter(pk__in=late.values("subject_id"), responded_at__isnull=True)

    def with_deadlines(self) -> ObligationQuerySet:
        """Prefetch each obligation's deadline row, so ``Obligation.due`` costs no query."""
        return self.prefetch_related("deadlines")

    def with_due(self) -> ObligationQuerySet:
        """Each obligation with its response deadline's day (``response_due``), so
        ``Obligation.due`` costs no query: one subquery in the same query, where a prefetch of the
        generic relation builds a queryset for each of thousands of obligations (an API page of
        recommendations spent over a second doing that)."""
        from django.contrib.contenttypes.models import ContentType

        rows = Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(self.model),
            subject_id=OuterRef("pk"),
            rule=DeadlineRule.RESPONSE,
        )
        return self.annotate(response_due=Subquery(rows.values("due")[:1]))


class Obligation(models.Model):
    """What one organisation owes in answer to one recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="obligations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="obligations"
    )
    via_group = models.ForeignKey(AddresseeGroup, null=True, blank=True, on_delete=models.SET_NULL)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Its deadline to respond: one row in the deadlines ledger, when one is set.
    deadlines = GenericRelation(Deadline, content_type_field="subject_type", object_id_field="subject_id")

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"], name="obligation_one_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.reference} → {self.organisation}"

    @property
    def deadline(self) -> Deadline | None:
        """Its response deadline row, if one is set (read through ``deadlines``, so a prefetch
        serves it)."""
        return next((d for d in self.deadlines.all() if d.rule == DeadlineRule.RESPONSE), None)

    @property
    def due(self) -> datetime.date | None:
        """The day the response is due by the end of, from its deadline row; None if none is set."""
        if "response_due" in self.__dict__:  # annotated by ``with_due``
            return self.__dict__["response_due"]  # type: ignore[no-any-return]
        deadline = self.deadline
        return deadline.due if deadline else None


class ResponseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ALREADY_IN_PLACE = "already_in_place", _("Already in place")


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")


class ResponseQuerySet(models.QuerySet["Response"]):
    def published(self) -> ResponseQuerySet:
        """Responses made public, to recommendations that are public. Drafts never are."""
        return self.filter(state=ResponseState.PUBLISHED, obligation__in=Obligation.objects.published())


class Response(models.Model):
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="responses")
    state = models.CharField(max_length=20, choices=ResponseState.choices, default=ResponseState.DRAFT)
    status = models.CharField(max_length=30, choices=ResponseStatus.choices)
    reasons = models.TextField(blank=True)
    action_plan = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="response_submitted_has_moment",
            )
        ]
