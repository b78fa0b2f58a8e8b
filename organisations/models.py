"""Organisations: designated bodies and their designations, the forces in scope and their local
policing bodies, the decision-making authorities and the national bodies.

This app knows nothing about complaints.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    DESIGNATED_BODY = "designated_body", _("Designated body")
    FORCE = "force", _("Police force")
    LOCAL_POLICING_BODY = "local_policing_body", _("Local policing body")
    AUTHORITY = "authority", _("Decision-making authority")
    NATIONAL_BODY = "national_body", _("National body")


class ForceKind(models.TextChoices):
    TERRITORIAL = "territorial", _("Territorial force")
    SPECIAL = "special", _("Special police force")
    AGENCY = "agency", _("National agency")


class LocalPolicingBodyKind(models.TextChoices):
    PCC = "pcc", _("Police and crime commissioner")
    PFCC = "pfcc", _("Police, fire and crime commissioner")
    MAYOR = "mayor", _("Mayor")
    POLICE_AUTHORITY = "police_authority", _("Police authority")
    POLICE_COMMITTEE = "police_committee", _("Police committee")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def of_kind(self, kind: str) -> OrganisationQuerySet:
        return self.filter(kind=kind)

    def forces(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.FORCE)

    def designated_bodies(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.DESIGNATED_BODY)

    def designated_on(self, day: datetime.date) -> OrganisationQuerySet:
        """Bodies whose designation was in force on ``day`` (SI 2018/748 reg 3; PRA 2002 s.29A)."""
        return (
            self.designated_bodies()
            .filter(
                Q(designations__in_force_from__lte=day)
                & (Q(designations__revoked_from__isnull=True) | Q(designations__revoked_from__gt=day))
            )
            .distinct()
        )


class Organisation(models.Model):
    """Any organisation the service deals with. One table, told apart by ``kind``."""

    kind = models.CharField(max_length=32, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(max_length=200)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    also_known_as = models.JSONField(default=list, blank=True)
    former_names = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=40, blank=True)
    force_kind = models.CharField(max_length=20, choices=ForceKind.choices, blank=True)
    lpb_kind = models.CharField(max_length=20, choices=LocalPolicingBodyKind.choices, blank=True)
    local_policing_body = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="force",
        help_text=_("For a force: the body that holds its chief officer to account."),
    )
    accountable_to = models.CharField(max_length=200, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    statutory_role = models.TextField(blank=True)
    verified = models.BooleanField(
        default=True,
        help_text=_("Unticked where a fact in the public record could not be confirmed; staff correct it."),
    )
    notes = models.TextField(blank=True)
    # The rules ask this flag, never a name, which staff may edit: HMICFRS, whose staff act for the
    # Chief Inspector (receipt, acknowledgement and letters: SI 2018/748 regs 5-8).
    is_inspectorate = models.BooleanField(
        _("is the inspectorate"),
        default=False,
        help_text=_(
            "The Chief Inspector's own authority (HMICFRS). Its staff receive and acknowledge "
            "super-complaints and send the letters. Only one authority can be the inspectorate."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_unique_name_per_kind"),
            models.CheckConstraint(
                condition=Q(force_kind="") | Q(kind="force"), name="organisation_force_kind_only_for_forces"
            ),
            models.CheckConstraint(
                condition=Q(is_inspectorate=False) | Q(kind="authority"),
                name="organisation_inspectorate_is_an_authority",
            ),
            models.UniqueConstraint(
                fields=["is_inspectorate"],
                condition=Q(is_inspectorate=True),
                name="organisation_one_inspectorate",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_designated_on(self, day: datetime.date) -> bool:
        if self.kind != OrganisationKind.DESIGNATED_BODY:
            return False
        return self.designations.in_force_on(day).exists()


class DesignationQuerySet(models.QuerySet["Designation"]):
    def in_force_on(self, day: datetime.date) -> DesignationQuerySet:
        return self.filter(in_force_from__lte=day).filter(
            Q(revoked_from__isnull=True) | Q(revoked_from__gt=day)
        )


class Designation(models.Model):
    """A body's designation by regulations, and its revocation if any (PRA 2002 s.29A(2))."""

    body = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="designations",
        limit_choices_to={"kind": OrganisationKind.DESIGNATED_BODY},
    )
    instrument = models.CharField(max_length=120, help_text=_('For example "SI 2018/748 reg 3(h)".'))
    made_on = models.DateField(null=True, blank=True)
    laid_on = models.DateField(null=True, blank=True)
    in_force_from = models.DateField()
    revocation_instrument = models.CharField(max_length=120, blank=True)
    revoked_from = models.DateField(
        null=True,
        blank=True,
        help_text=_("The day the revocation came into force: no complaint from then on."),
    )
    notes = models.TextField(blank=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "in_force_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_from__isnull=True) | Q(revoked_from__gt=models.F("in_force_from")),
                name="designation_revoked_after_in_force",
            ),
            models.CheckConstraint(
                condition=Q(revoked_from__isnull=True, revocation_instrument="")
                | (Q(revoked_from__isnull=False) & ~Q(revocation_instrument="")),
                name="designation_revocation_has_instrument_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} ({self.instrument}, from {self.in_force_from:%-d %B %Y})"


class CriterionKind(models.TextChoices):
    DESIGNATION = "designation", _("Criterion for designation (SI 2018/412 reg 3)")
    REVOCATION = "revocation", _("Ground for revocation (SI 2018/412 reg 4)")


class Criterion(models.Model):
    """One of the nine criteria of SI 2018/412 reg 3, or one of the revocation grounds of reg 4."""

    kind = models.CharField(max_length=20, choices=CriterionKind.choices)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["kind", "number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="criterion_unique_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}: {self.text}"


class DesignationAssessment(models.Model):
    """The Home Office's assessment of a body against the criteria, for designation or revocation."""

    body = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="designation_assessments")
    kind = models.CharField(max_length=20, choices=CriterionKind.choices)
    designation = models.ForeignKey(
        Designation, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    assessed_on = models.DateField()
    conclusion = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment of {self.body} on {self.assessed_on}"


class CriterionFinding(models.Model):
    assessment = models.ForeignKey(DesignationAssessment, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT)
    met = models.BooleanField(null=True, help_text=_("For a revocation ground: whether the ground applies."))
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="finding_unique_per_criterion")
        ]
