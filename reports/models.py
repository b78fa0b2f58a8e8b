"""The report on a super-complaint (SI 2018/748 reg 8): its content, actions, dissent and exclusions.

Who may see a report is decided by ``access``; what is public is decided by ``Report.objects.published``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.partial_dates import PartialDateField


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ReportQuerySet(models.QuerySet["Report"]):
    def published(self, at: datetime.datetime | None = None) -> ReportQuerySet:
        """Reports the public may read: published, and past any embargo moment."""
        at = at or timezone.now()
        return self.filter(state=ReportState.PUBLISHED).filter(
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=at)
        )


class Report(models.Model):
    complaint = models.OneToOneField(
        "complaints.SuperComplaint", on_delete=models.CASCADE, related_name="report"
    )
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    title = models.CharField(max_length=400)
    title_cy = models.CharField(_("title in Welsh"), max_length=400, blank=True)
    title_verified = models.BooleanField(default=True)
    published_on = PartialDateField(null=True, blank=True)
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Not public before this moment, even once published.")
    )
    # A summary of the findings, as the public record gives it for a report published before this
    # service. A report written here says what it finds in its passages (``ReportPassage``).
    findings_summary = models.TextField(blank=True)
    recommendation_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many recommendations the published report makes, if known.")
    )
    published_at = models.DateTimeField(null=True, blank=True)
    publication_url = models.URLField(
        max_length=400,
        blank=True,
        help_text=_(
            "The address of the official publication (GOV.UK or HMICFRS) of a report published before "
            "this service. Empty where it is not yet confirmed."
        ),
    )
    public_record_notes = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Facts from the public record not yet entered as structured data (addressees, deadlines)."
        ),
    )
    version = models.PositiveIntegerField(default=1)
    # Publication through this service (reg 8(2)): who decided it, whether its effects (the report
    # sent to the body, obligations, notices) still wait for the public moment, and when they ran.
    # A report loaded from the public record is published without any of them.
    publication_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_pending = models.BooleanField(
        default=False, help_text=_("Published here; its effects run at the public moment.")
    )
    released_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the report was sent to the body and the addressees.")
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_on__isnull=False), name="report_published_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def public_from(self) -> datetime.datetime | None:
        """The moment the report becomes (or became) public: the embargo's end, or its publication."""
        if self.state != ReportState.PUBLISHED:
            return None
        return self.embargo_until or self.published_at


class ReportSignOff(models.Model):
    """One decision-making authority's approval of the draft report, at one version of it.

    Publication needs a sign-off from each of the three authorities on the report's current
    version: a change to the report after a sign-off leaves that sign-off on the older version,
    where it no longer counts (docs/decisions: publication and sign-offs).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sign_offs")
    authority = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    report_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "authority"], name="report_sign_off_one_per_authority")
        ]


class PublicationNotice(models.Model):
    """Who each addressee organisation was told about the published report, or that nobody
    could be: an organisation with no one to notify is recorded, never silently dropped."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notices")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    recipients = models.JSONField(default=list, blank=True)
    message = models.ForeignKey(
        "outbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organisation"], name="publication_notice_one_per_org")
        ]


class ReportSection(models.TextChoices):
    """The parts of a report made of passages (SI 2018/748 reg 8(1)(a) and (b)). Actions (reg
    8(1)(c)) and recommendations (reg 8(1)(d)) are their own records."""

    STEPS_TAKEN = "steps_taken", _("Steps taken to investigate")
    CONCLUSIONS = "conclusions", _("Conclusions and the reasons for them")


class ReportPassage(models.Model):
    """One passage of a report's section, in the order of ``position``. A passage may be excluded
    from the published rendition (reg 8(3)) by an ``Exclusion`` pointing at it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="passages")
    section = models.CharField(max_length=20, choices=ReportSection.choices)
    position = models.PositiveSmallIntegerField(default=1)
    heading = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    text_cy = models.TextField(_("text in Welsh"), blank=True)

    class Meta:
        ordering = ["report", "section", "position", "pk"]

    def __str__(self) -> str:
        return self.heading or f"{self.get_section_display()} {self.position}"


class DmaAction(models.Model):
    """Further action a decision-making authority proposes to take (reg 8(1)(c))."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=60)
    authority = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    text_cy = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "reference"], name="action_unique_reference")
        ]


class DissentingOpinion(models.Model):
    """Where the authorities disagree on the report's contents, each gives its opinion (reg 11(2))."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="opinions")
    authority = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    text_cy = models.TextField(_("text in Welsh"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # Each authority gives one opinion, which it edits (reg 11(2)).
            models.UniqueConstraint(fields=["report", "authority"], name="opinion_one_per_authority")
        ]


class ExclusionGround(models.TextChoices):
    NATIONAL_SECURITY = "national_security", _("National security")
    SAFETY = "safety", _("The safety of any person")


class Exclusion(models.Model):
    """A passage excluded from the published report (reg 8(3)). Never public.

    Either it points at one of the report's passages (``target``), which the published rendition
    then leaves out, or it holds the withheld text itself (``passage``: exclusions recorded before
    reports had passages). One member of the authorities' staff proposes it and a different one
    approves it. A proposed exclusion already withholds its passage from the published rendition,
    so nothing is published by accident while it waits; publication waits for its approval
    (``reports.selectors.unapproved_exclusions``).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="exclusions")
    target = models.OneToOneField(
        ReportPassage, null=True, blank=True, on_delete=models.CASCADE, related_name="exclusion"
    )
    ground = models.CharField(max_length=30, choices=ExclusionGround.choices)
    passage = models.TextField(blank=True)
    note = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False),
                name="exclusion_approval_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="exclusion_approver_is_not_proposer",
            ),
        ]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
