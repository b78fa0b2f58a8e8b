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


class Verification(models.TextChoices):
    """What the inspectorate records about an obligation's implementation."""

    SELF_REPORTED = "self_reported_complete", _("Self-reported complete")
    VERIFIED = "verified", _("Verified by the inspectorate")
    NOT_VERIFIED = "not_verified", _("Not verified")


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
    # Set, once, by the submission of its response (``recommendations.responding``): the moment the
    # register judges "on time" or "late" from, and the deadline row's ``met_at``.
    responded_at = models.DateTimeField(null=True, blank=True)
    # The day the ladder put a public "overdue" mark on it (``recommendations.escalation``).
    publicly_overdue_on = models.DateField(null=True, blank=True)
    verification = models.CharField(max_length=30, choices=Verification.choices, blank=True)
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
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
    """The addressee's position on the recommendation."""

    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ALREADY_IN_PLACE = "already_in_place", _("Already in place")

    @classmethod
    def needs_reasons(cls) -> frozenset[str]:
        """Positions that must say why: the organisation does not (fully) do what is asked."""
        return frozenset({cls.NOT_ACCEPTED})


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_SIGN_OFF = "awaiting_sign_off", _("Awaiting sign-off")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")

    @classmethod
    def editable(cls) -> frozenset[str]:
        """States in which the organisation may still change its answer."""
        return frozenset({cls.DRAFT, cls.AWAITING_SIGN_OFF})

    @classmethod
    def submitted_states(cls) -> frozenset[str]:
        return frozenset({cls.SUBMITTED, cls.PUBLISHED})


# The one map of allowed moves. A response awaiting sign-off may go back to its drafters; once
# submitted it stays submitted: it has met the deadline, and it is published straight away.
RESPONSE_TRANSITIONS: dict[str, frozenset[str]] = {
    ResponseState.DRAFT: frozenset({ResponseState.AWAITING_SIGN_OFF}),
    ResponseState.AWAITING_SIGN_OFF: frozenset({ResponseState.DRAFT, ResponseState.SUBMITTED}),
    ResponseState.SUBMITTED: frozenset({ResponseState.PUBLISHED}),
    ResponseState.PUBLISHED: frozenset(),
}


class ResponseQuerySet(models.QuerySet["Response"]):
    def published(self) -> ResponseQuerySet:
        """Responses made public, to recommendations that are public. Drafts never are."""
        return self.filter(state=ResponseState.PUBLISHED, obligation__in=Obligation.objects.published())


class Response(models.Model):
    """One addressee's answer to one recommendation: its position, the explanation, the reasons
    (required where it does not accept), and its actions (``ResponseAction``). Drafted and signed
    off inside the organisation; on submission it meets the obligation's deadline and is published
    at once (``recommendations.responding``)."""

    # One response per obligation (the constraint): a list relation all the same, so the register
    # prefetches the published one and a missing one is simply an empty list.
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="responses")
    state = models.CharField(max_length=20, choices=ResponseState.choices, default=ResponseState.DRAFT)
    status = models.CharField(_("position"), max_length=30, choices=ResponseStatus.choices, blank=True)
    explanation = models.TextField(blank=True)
    reasons = models.TextField(blank=True)
    # Action plan documents: one file may answer several recommendations, attached to each.
    documents = models.ManyToManyField("evidence.Document", blank=True, related_name="responses")
    # Bumped by every save of the draft: two drafters saving at once are told, not overwritten.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    sign_off_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["obligation"], name="response_one_per_obligation"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "awaiting_sign_off"]) | Q(submitted_at__isnull=False),
                name="response_submitted_has_moment",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="response_published_has_moment",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | ~Q(status=""), name="response_beyond_draft_has_position"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.obligation}"

    def public_text(self, field: str) -> str:
        """``field`` (explanation or reasons) as the register shows it: each passage staff withheld
        replaced by a plain mark. Reads ``withholdings`` (prefetch it for lists)."""
        text: str = getattr(self, field)
        for withheld in self.withholdings.all():
            if withheld.field == field and withheld.passage:
                text = text.replace(withheld.passage, str(WITHHELD_MARK))
        return text

    @property
    def public_explanation(self) -> str:
        return self.public_text("explanation")

    @property
    def public_reasons(self) -> str:
        return self.public_text("reasons")


WITHHELD_MARK = _("[Personal data withheld]")


class WithheldField(models.TextChoices):
    EXPLANATION = "explanation", _("Explanation")
    REASONS = "reasons", _("Reasons")


class ResponseWithholding(models.Model):
    """A passage of a published response that staff withheld from the register (personal data),
    with the reason. The response keeps its text; only the public rendition leaves it out."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="withholdings")
    field = models.CharField(max_length=20, choices=WithheldField.choices)
    passage = models.TextField()
    reason = models.TextField()
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withheld_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class ResponseAction(models.Model):
    """One action the addressee commits to: who owns it (a role, never a named person) and by
    when. After submission the organisation posts progress on it and marks it complete."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=1)
    description = models.TextField()
    owner_role = models.CharField(max_length=200)
    target_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["response", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:60]


class ActionUpdate(models.Model):
    """A progress update on one action, posted after submission; it may mark the action complete,
    with evidence."""

    action = models.ForeignKey(ResponseAction, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    marks_complete = models.BooleanField(default=False)
    documents = models.ManyToManyField("evidence.Document", blank=True, related_name="action_updates")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["action", "posted_at", "pk"]


class EscalationLadder(models.Model):
    """A report's reminders before and escalation after its response deadlines. A report without
    one uses ``DEFAULT_LADDER``. Days are calendar days, counted from the due day."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="escalation_ladder"
    )
    # Days before the due day on which a reminder goes, e.g. [14, 3].
    reminder_days_before = models.JSONField(default=list)
    chaser_days_after = models.PositiveSmallIntegerField(default=1)
    letter_days_after = models.PositiveSmallIntegerField(default=14)
    public_mark_days_after = models.PositiveSmallIntegerField(default=28)

    def __str__(self) -> str:
        return f"Escalation for {self.report}"


DEFAULT_LADDER = {
    "reminder_days_before": [14, 3],
    "chaser_days_after": 1,
    "letter_days_after": 14,
    "public_mark_days_after": 28,
}


class StepKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    CHASER = "chaser", _("Reminder after the deadline")
    LETTER = "letter", _("Letter to the chief officer and the local policing body")
    PUBLIC_MARK = "public_mark", _("Marked overdue on the register")


class ObligationStep(models.Model):
    """One step of the ladder taken for one obligation: recorded once (the unique key), so a
    second sweep, or two at once, takes no step twice."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    # Tells apart the reminders before a deadline: "reminder:14", "reminder:3", "chaser", ...
    key = models.CharField(max_length=40)
    due = models.DateField(help_text=_("The due day the step was taken against."))
    taken_on = models.DateField()
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["obligation", "taken_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "key", "due"], name="obligation_step_once")
        ]
