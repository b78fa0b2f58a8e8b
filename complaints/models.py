"""The super-complaint, from draft to closure, and its investigation.

States and their allowed transitions are declared here; only ``complaints.services`` moves a
complaint from one state to another.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.partial_dates import PartialDateField
from deadlines.models import Deadline, DeadlineRule
from evidence.storage import document_storage, random_key

if TYPE_CHECKING:
    from organisations.models import Organisation


class ComplaintState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSESSING = "assessing", _("Eligibility being assessed")
    ELIGIBLE = "eligible", _("Eligible for investigation")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    INVESTIGATING = "investigating", _("Being investigated")
    REPORT_PUBLISHED = "report_published", _("Report published")
    MONITORING = "monitoring", _("Responses being monitored")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def submitted_states(cls) -> frozenset[ComplaintState]:
        """Every state a complaint can be in once the Chief Inspector has received it."""
        return frozenset(cls) - {cls.DRAFT}

    @classmethod
    def withdrawable_states(cls) -> frozenset[ComplaintState]:
        """Withdrawal is possible from receipt until the report (non-statutory: no procedure exists)."""
        return frozenset({cls.RECEIVED, cls.ACKNOWLEDGED, cls.ASSESSING, cls.ELIGIBLE, cls.INVESTIGATING})

    @classmethod
    def finished_states(cls) -> frozenset[ComplaintState]:
        return frozenset({cls.NOT_ELIGIBLE, cls.CLOSED, cls.WITHDRAWN})


S = ComplaintState
ALLOWED_TRANSITIONS: dict[ComplaintState, frozenset[ComplaintState]] = {
    S.DRAFT: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.ASSESSING, S.WITHDRAWN}),
    S.ASSESSING: frozenset({S.ELIGIBLE, S.NOT_ELIGIBLE, S.WITHDRAWN}),
    S.ELIGIBLE: frozenset({S.INVESTIGATING, S.WITHDRAWN}),
    S.INVESTIGATING: frozenset({S.REPORT_PUBLISHED, S.WITHDRAWN}),
    S.REPORT_PUBLISHED: frozenset({S.MONITORING}),
    S.MONITORING: frozenset({S.CLOSED}),
    S.NOT_ELIGIBLE: frozenset(),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class ForcesScope(models.TextChoices):
    ALL = "all", _("All forces in England and Wales")
    NAMED = "named", _("Named forces")


class SuperComplaintQuerySet(models.QuerySet["SuperComplaint"]):
    def submitted(self) -> SuperComplaintQuerySet:
        return self.exclude(state=ComplaintState.DRAFT)

    def of_body(self, body_id: int) -> SuperComplaintQuerySet:
        return self.filter(complainants__id=body_id).distinct()

    def published(self, at: datetime.datetime | None = None) -> SuperComplaintQuerySet:
        """Complaints the public may read about: on the register since their eligibility decision.

        The one selector every public page, feed, search, download and API response starts from.
        """
        return self.filter(public_since__isnull=False, public_since__lte=at or timezone.now()).exclude(
            state=ComplaintState.DRAFT
        )

    def acknowledgement_overdue(self, on: datetime.date) -> SuperComplaintQuerySet:
        """Complaints whose reg 5 acknowledgement is running and was due before ``on``."""
        late = Deadline.objects.overdue(on).filter(rule=DeadlineRule.ACKNOWLEDGEMENT)
        return self.filter(state=ComplaintState.RECEIVED, pk__in=late.values("subject_id"))


class ComplaintLanguage(models.TextChoices):
    """The language a body writes its complaint in. Welsh and English have equal standing in Wales
    (Welsh Language (Wales) Measure 2011), so a Welsh body may make its complaint in Welsh."""

    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


class SuperComplaint(models.Model):
    """A complaint under PRA 2002 s.29A by one or more designated bodies."""

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    state = models.CharField(max_length=20, choices=ComplaintState.choices, default=ComplaintState.DRAFT)
    title = models.CharField(max_length=300)
    title_cy = models.CharField(_("title in Welsh"), max_length=300, blank=True)
    # The language of title, subject and the rest of what the body wrote (the ``_cy`` fields hold a
    # Welsh translation of English text; a complaint written in Welsh has its Welsh in the main ones).
    language = models.CharField(
        _("language written in"), max_length=5, choices=ComplaintLanguage.choices, default="en"
    )
    subject = models.TextField(blank=True, help_text=_("A summary of what the complaint is about."))
    subject_cy = models.TextField(_("subject in Welsh"), blank=True)
    complainants: models.ManyToManyField[Organisation, Complainant] = models.ManyToManyField(
        "organisations.Organisation", related_name="super_complaints", through="Complainant"
    )
    on_behalf_of = models.CharField(max_length=200, blank=True)
    # Organisations that are not designated bodies cannot complain (s.29A(2)), but a designated
    # body may make its complaint together with them; the public record names them.
    made_with = models.CharField(
        max_length=300, blank=True, help_text=_("Other organisations the complaint was made together with.")
    )

    # SI 2018/748 reg 4(2)(b): why the feature is, or appears to be, significantly harming the public.
    harm_explanation = models.TextField(blank=True)
    evidence_summary = models.TextField(blank=True)
    recurring_theme = models.TextField(blank=True)

    # SI 2018/748 reg 4(3): an individual representing the body who may be contacted.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_role = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    forces_scope = models.CharField(max_length=10, choices=ForcesScope.choices, blank=True)
    forces = models.ManyToManyField(
        "organisations.Organisation", related_name="complaints_concerning", blank=True
    )

    received_at = models.DateTimeField(null=True, blank=True, help_text=_("The moment of receipt."))
    received_on = PartialDateField(
        null=True,
        blank=True,
        help_text=_("The date of receipt in London (a month where only that is known)."),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    # SI 2018/748 reg 6(5): the day the body was told the complaint will be investigated starts the
    # reg 7 clock.
    told_investigation_on = models.DateField(null=True, blank=True)
    lead_authority = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    # Case ownership: the member of the authorities' staff who looks after the complaint.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )

    public_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "When the complaint entered the public register (its eligibility decision). Never before."
        ),
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Optimistic concurrency: each save through a service bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    public_record_key = models.SlugField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Identifies a complaint loaded from the public record."),
    )
    is_historical = models.BooleanField(
        default=False, help_text=_("Loaded from the public record rather than made through the service.")
    )
    is_demonstration = models.BooleanField(
        default=False,
        help_text=_(
            "Demonstration data made by ``manage.py demo_lifecycle``: shown with a Demonstration tag "
            "wherever it appears."
        ),
    )
    # Names of the fields whose value comes only from press reports or the complainants' own
    # announcements ("title", "received_on", ...): shown flagged until staff confirm them.
    unverified_facts = models.JSONField(default=list, blank=True)
    publication_url = models.URLField(
        max_length=400,
        blank=True,
        help_text=_("The address of the official publication of the complaint, where there is one."),
    )

    # The complaint's own deadlines (reg 5), and every deadline shown under it (its progress
    # reports' and obligations' too): rows in the deadlines ledger.
    deadlines = GenericRelation(Deadline, content_type_field="subject_type", object_id_field="subject_id")
    case_deadlines = GenericRelation(Deadline, content_type_field="case_type", object_id_field="case_id")

    objects = SuperComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(reference__isnull=False),
                name="complaint_submitted_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(received_on__isnull=False),
                name="complaint_submitted_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('Draft')}: {self.title}"

    @property
    def title_verified(self) -> bool:
        return "title" not in (self.unverified_facts or [])

    def can_move_to(self, state: ComplaintState) -> bool:
        return state in ALLOWED_TRANSITIONS[ComplaintState(self.state)]

    @property
    def correspondence_language(self) -> str:
        """The language the body is written to in (letters and e-mails): the one it wrote in."""
        return "cy" if self.language == ComplaintLanguage.WELSH else settings.LANGUAGE_CODE

    @property
    def acknowledgement_deadline(self) -> Deadline | None:
        """The reg 5 row, met or not (read through ``deadlines``, so a prefetch serves it)."""
        return next((d for d in self.deadlines.all() if d.rule == DeadlineRule.ACKNOWLEDGEMENT), None)


class Complainant(models.Model):
    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE)
    body = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["complaint", "body"], name="complainant_unique")]


class Feature(models.Model):
    """A feature of policing said to be significantly harming the public (s.29A(1))."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="features")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    text_cy = models.TextField(_("text in Welsh"), blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class Harm(models.Model):
    """A harm a feature causes: its nature and scale, and groups especially vulnerable to it."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="harms")
    description = models.TextField()
    nature = models.TextField(blank=True)
    scale = models.TextField(blank=True)
    vulnerable_groups = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]


class EvidenceItem(models.Model):
    """Evidence relied on (reg 4(2)(c)): a described item, with a stored document where uploaded."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="evidence_items")
    description = models.TextField()
    document = models.ForeignKey("evidence.Document", null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]


class ReferenceCounter(models.Model):
    """The last reference number given in a year; locked while a new one is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Position(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class AuthorityPosition(models.Model):
    """One decision-making authority's position on eligibility (SI 2018/748 reg 6). Never public."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="positions")
    authority = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=20, choices=Position.choices)
    reasons = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["authority__name"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "authority"], name="position_one_per_authority")
        ]


class RepeatFinding(models.TextChoices):
    """SI 2018/748 reg 6(3)-(4): does it merely repeat the substance of another complaint?"""

    NOT_A_REPEAT = "not_a_repeat", _("Does not repeat the substance of another complaint")
    REPEATS_UNDER_INVESTIGATION = (
        "repeats_under_investigation",
        _("Merely repeats the substance of a complaint being investigated"),
    )
    REPEATS_INVESTIGATED = (
        "repeats_investigated",
        _(
            "Merely repeats the substance of a complaint already investigated, with no material change of circumstances"
        ),
    )
    MATERIAL_CHANGE = (
        "material_change",
        _("Repeats a complaint already investigated, but circumstances have materially changed"),
    )


class DecidedBy(models.TextChoices):
    AUTHORITIES = "authorities", _("The decision-making authorities, agreeing")
    CHIEF_INSPECTOR = "chief_inspector", _("The Chief Inspector, the authorities not agreeing (reg 11(1))")
    PUBLIC_RECORD = "public_record", _("As given in the public record")


class EligibilityDecision(models.Model):
    """The eligibility decision (SI 2018/748 reg 6; reg 11(1) where the authorities disagree)."""

    complaint = models.OneToOneField(SuperComplaint, on_delete=models.CASCADE, related_name="eligibility")
    outcome = models.CharField(max_length=20, choices=Position.choices)
    decided_on = PartialDateField(null=True, blank=True)
    decided_by = models.CharField(max_length=20, choices=DecidedBy.choices)
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reg 4 checklist.
    in_writing = models.BooleanField(null=True)
    sets_out_features = models.BooleanField(null=True)
    explains_harm = models.BooleanField(null=True)
    includes_evidence = models.BooleanField(null=True)
    names_contact = models.BooleanField(null=True)
    checklist_notes = models.TextField(blank=True)
    repeat_finding = models.CharField(max_length=40, choices=RepeatFinding.choices, blank=True)
    related_complaint = models.ForeignKey(
        SuperComplaint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    material_change = models.TextField(blank=True)
    reasons = models.TextField(blank=True)
    note = models.TextField(blank=True)

    REG4_CHECKLIST = (
        "in_writing",
        "sets_out_features",
        "explains_harm",
        "includes_evidence",
        "names_contact",
    )

    def meets_reg4(self) -> bool:
        return all(getattr(self, name) is True for name in self.REG4_CHECKLIST)


class ExclusionGround(models.TextChoices):
    """SI 2018/748 reg 7(3) (and reg 8(3) for the report): the only grounds for leaving information
    out of what the body receives."""

    NATIONAL_SECURITY = "national_security", _("National security")
    SAFETY = "safety", _("The safety of any person")


class ProgressReport(models.Model):
    """A progress report due before the end of a reg 7 relevant period.

    Its two parts go to the body (reg 7(2)). Information excluded under reg 7(3) is held in its own
    field, never in the two parts, so it is absent from the letter by construction, not hidden.
    """

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="progress_reports")
    period = models.PositiveSmallIntegerField()
    steps_taken = models.TextField(blank=True)
    steps_proposed = models.TextField(blank=True)
    # SI 2018/748 reg 7(3): information may be excluded for national security or anyone's safety.
    excluded_text = models.TextField(blank=True)
    exclusion_ground = models.CharField(max_length=20, choices=ExclusionGround.choices, blank=True)
    # The recorded reason for the exclusion.
    exclusion_note = models.TextField(blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The letter it was sent as (HTML and PDF, frozen once sent).
    letter = models.OneToOneField(
        "Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="progress_report"
    )
    version = models.PositiveIntegerField(default=1)
    # Its reg 7 deadline: one row in the deadlines ledger (start, due day, explanation, flag).
    deadlines = GenericRelation(Deadline, content_type_field="subject_type", object_id_field="subject_id")

    class Meta:
        ordering = ["period"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "period"], name="progress_report_unique_period")
        ]

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def deadline(self) -> Deadline | None:
        """Its reg 7 row (read through ``deadlines``, so a prefetch serves it)."""
        return next((d for d in self.deadlines.all() if d.rule == DeadlineRule.PROGRESS_REPORT), None)


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement (regulation 5)")
    ELIGIBLE = "eligible", _("Decision: eligible (regulation 6(5))")
    NOT_ELIGIBLE = "not_eligible", _("Decision: not eligible (regulation 6(6))")
    PROGRESS_REPORT = "progress_report", _("Progress report (regulation 7)")
    REPORT = "report", _("Report (regulation 8)")


def letter_path(instance: Letter, filename: str) -> str:
    return random_key("letters") + ".pdf"


class Letter(models.Model):
    """A letter to the complainant body, generated from the case record and kept as sent.

    The HTML is the accessible rendition; the PDF is rendered from it. Both are frozen once sent,
    so the body always sees exactly what it was sent.
    """

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    subject = models.CharField(max_length=300)
    body_html = models.TextField()
    # In the private documents store, under a random key (evidence.storage).
    pdf = models.FileField(upload_to=letter_path, storage=document_storage, max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class InvestigationPlan(models.Model):
    """The plan of an investigation: its terms of reference and methods (milestones are rows)."""

    complaint = models.OneToOneField(SuperComplaint, on_delete=models.CASCADE, related_name="plan")
    terms_of_reference = models.TextField(blank=True)
    methods = models.TextField(blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)


class Milestone(models.Model):
    """A milestone of the plan. Its target date is a plan entry, not a statutory clock, so it is
    not a row of the deadlines ledger."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    target_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]


class FieldworkKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    INTERVIEW = "interview", _("Interview")


class FieldworkEntry(models.Model):
    """A visit or interview of the investigation (regs 9-10). Deliberately no field for people's
    names: the log holds no more personal data than the investigation needs (UK GDPR art. 5(1)(c))."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="fieldwork")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=FieldworkKind.choices)
    place = models.CharField(max_length=200)
    summary = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "pk"]


class InternalNote(models.Model):
    """A note by the authorities' staff on a complaint: never shown to the body or the public."""

    complaint = models.ForeignKey(SuperComplaint, on_delete=models.CASCADE, related_name="internal_notes")
    text = models.TextField()
    created_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
