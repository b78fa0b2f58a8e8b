"""Forms for the decision-making authorities' pages.

Fields keep Django's default widgets: the GOV.UK partials in templates/includes/forms/ draw the
radios and checkboxes themselves, and link each error to the first input.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from common.date_fields import DateField
from common.forms import GovukForm, VersionedForm
from complaints.models import EligibilityDecision, ExclusionGround, FieldworkKind, Position, RepeatFinding
from complaints.selectors import STAGES, SimilarComplaint
from organisations.models import Organisation


class DashboardFilterForm(GovukForm):
    """The dashboard's filters, sent as a GET form so they work without JavaScript and can be
    bookmarked."""

    stage = forms.ChoiceField(label=_("Stage"), required=False)
    body = forms.ChoiceField(label=_("Complainant body"), required=False)
    overdue = forms.BooleanField(label=_("Only complaints with an overdue deadline"), required=False)
    mine = forms.BooleanField(label=_("Only complaints assigned to me"), required=False)

    def __init__(self, *args: Any, bodies: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        stage, body = self.fields["stage"], self.fields["body"]
        assert isinstance(stage, forms.ChoiceField) and isinstance(body, forms.ChoiceField)
        stage.choices = [("", _("All stages"))] + [(s.value, s.label) for s in STAGES]
        body.choices = [("", _("All bodies"))] + [(str(b.pk), b.name) for b in bodies]


class PositionForm(VersionedForm):
    """One authority's position on eligibility, with its reasons (SI 2018/748 reg 6(1))."""

    position = forms.ChoiceField(
        label=_("In your authority’s view, is the complaint eligible for investigation?"),
        choices=Position.choices,
        error_messages={"required": _("Select whether the complaint is eligible")},
    )
    reasons = forms.CharField(
        label=_("Reasons for your authority’s position"),
        help_text=_("The other authorities see these. They are not sent to the body."),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the reasons for your authority’s position")},
    )


REG4_LABELS = {
    "in_writing": _("It is in writing (regulation 4(1))"),
    "sets_out_features": _(
        "It sets out the feature, or combination of features, of policing complained about (regulation 4(2)(a))"
    ),
    "explains_harm": _(
        "It explains why the body thinks the feature is, or appears to be, significantly harming the "
        "interests of the public (regulation 4(2)(b))"
    ),
    "includes_evidence": _("It includes the evidence relied on (regulation 4(2)(c))"),
    "names_contact": _("It names an individual representing the body who may be contacted (regulation 4(3))"),
}


class DecisionForm(VersionedForm):
    """The eligibility decision: the reg 4 checklist, the reg 6(3)-(4) repeat finding, the outcome
    and its reasons."""

    checklist_notes = forms.CharField(
        label=_("Notes on the regulation 4 checklist (optional)"), widget=forms.Textarea, required=False
    )
    repeat_finding = forms.ChoiceField(
        label=_("Does the complaint merely repeat the substance of an earlier super-complaint?"),
        help_text=_("Regulation 6(3) and (4). The list of similar complaints above helps you decide."),
        choices=RepeatFinding.choices,
        error_messages={"required": _("Select whether the complaint repeats an earlier one")},
    )
    related_complaint = forms.ChoiceField(
        label=_("Which earlier complaint does it repeat?"),
        help_text=_("Needed unless it does not repeat another complaint."),
        required=False,
    )
    material_change = forms.CharField(
        label=_("Describe the material change of circumstances"),
        help_text=_("Needed if circumstances have materially changed since the earlier complaint."),
        widget=forms.Textarea,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Position.choices,
        error_messages={"required": _("Select the decision")},
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        help_text=_(
            "Needed if the complaint is not eligible: the letter to the body gives them (regulation 6(6))."
        ),
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, similar: list[SimilarComplaint], **kwargs: Any):
        super().__init__(*args, **kwargs)
        # One field per requirement, as the decision stores them (SI 2018/748 reg 4).
        for name in EligibilityDecision.REG4_CHECKLIST:
            self.fields[name] = forms.BooleanField(label=REG4_LABELS[name], required=False)
        self.order_fields([*EligibilityDecision.REG4_CHECKLIST, "checklist_notes"])
        self.similar = {str(item.complaint.pk): item.complaint for item in similar}
        related = self.fields["related_complaint"]
        assert isinstance(related, forms.ChoiceField)
        related.choices = [("", _("None of these"))] + [
            (
                str(item.complaint.pk),
                _("%(reference)s: %(title)s (%(percent)s%% similar)")
                % {
                    "reference": item.complaint.reference,
                    "title": item.complaint.title,
                    "percent": item.percent,
                },
            )
            for item in similar
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        repeat = data.get("repeat_finding")
        if repeat and repeat != RepeatFinding.NOT_A_REPEAT and not data.get("related_complaint"):
            self.add_error("related_complaint", _("Select the earlier complaint it repeats"))
        if repeat == RepeatFinding.MATERIAL_CHANGE and not data.get("material_change", "").strip():
            self.add_error("material_change", _("Describe the material change of circumstances"))
        if data.get("outcome") == Position.NOT_ELIGIBLE and not data.get("reasons", "").strip():
            self.add_error("reasons", _("Enter the reasons why the complaint is not eligible"))
        return data

    def checklist(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in EligibilityDecision.REG4_CHECKLIST}

    def checklist_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in EligibilityDecision.REG4_CHECKLIST]

    def related(self) -> Any:
        if self.cleaned_data.get("repeat_finding") == RepeatFinding.NOT_A_REPEAT:
            return None
        return self.similar.get(self.cleaned_data.get("related_complaint") or "")


# --- The investigation ---------------------------------------------------------------------------


class StartInvestigationForm(VersionedForm):
    lead_authority = forms.ChoiceField(
        label=_("Which authority leads the investigation?"),
        error_messages={"required": _("Select the authority that leads the investigation")},
    )

    def __init__(self, *args: Any, authorities: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.authorities = {str(a.pk): a for a in authorities}
        field = self.fields["lead_authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, a.name) for key, a in self.authorities.items()]

    def lead(self) -> Organisation:
        return self.authorities[self.cleaned_data["lead_authority"]]


class PlanForm(VersionedForm):
    terms_of_reference = forms.CharField(
        label=_("Terms of reference"),
        help_text=_("What the investigation will look at, and what it will not."),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the terms of reference")},
    )
    methods = forms.CharField(
        label=_("Methods (optional)"),
        help_text=_("For example: information requests to forces, file reviews, a call for evidence."),
        widget=forms.Textarea,
        required=False,
    )


class MilestoneForm(GovukForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    target_date = DateField(
        subject=_("the target date"),
        label=_("Target date"),
        help_text=_("For example, 27 3 2027. A target in the plan, not a statutory deadline."),
    )


class FieldworkForm(GovukForm):
    kind = forms.ChoiceField(label=_("Visit or interview?"), choices=FieldworkKind.choices)
    occurred_on = DateField(
        subject=_("the date of the visit or interview"),
        label=_("Date"),
        help_text=_("For example, 27 3 2027"),
    )
    place = forms.CharField(
        label=_("Place or organisation"),
        help_text=_("For example, the force control room, or the name of a support service."),
        max_length=200,
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_(
            "What was learned. Do not name or describe people: record no more personal data than "
            "the investigation needs. Refer to roles instead, for example “a call handler”."
        ),
        widget=forms.Textarea,
    )


class NoteForm(GovukForm):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Seen only by the authorities’ staff: never by the body or the public."),
        widget=forms.Textarea,
    )


class AssignForm(VersionedForm):
    caseworker = forms.ChoiceField(label=_("Caseworker"), required=False)

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        field = self.fields["caseworker"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Nobody"))] + [(key, str(user)) for key, user in self.staff.items()]

    def chosen(self) -> Any:
        return self.staff.get(self.cleaned_data.get("caseworker") or "")


class ProgressReportParts(TypedDict):
    """What a progress report says, as the services take it (SI 2018/748 reg 7(2)-(3))."""

    steps_taken: str
    steps_proposed: str
    excluded_text: str
    exclusion_ground: str
    exclusion_note: str


class ProgressReportForm(VersionedForm):
    """A progress report's two parts (SI 2018/748 reg 7(2)) and any exclusion (reg 7(3))."""

    steps_taken = forms.CharField(
        label=_("Steps taken that earlier progress reports have not explained"),
        widget=forms.Textarea,
        required=False,
    )
    steps_proposed = forms.CharField(
        label=_("Steps proposed before the end of the next period"),
        widget=forms.Textarea,
        required=False,
    )
    excluded_text = forms.CharField(
        label=_("Information excluded from the report (optional)"),
        help_text=_(
            "Regulation 7(3): only for national security or the safety of any person. It stays in "
            "the authorities’ file and is not in what the body receives."
        ),
        widget=forms.Textarea,
        required=False,
    )
    exclusion_ground = forms.ChoiceField(
        label=_("Ground for excluding it"),
        choices=ExclusionGround.choices,
        required=False,
    )
    exclusion_note = forms.CharField(
        label=_("Reason for excluding it"),
        widget=forms.Textarea,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        excluded = data.get("excluded_text", "").strip()
        if excluded or data.get("exclusion_ground") or data.get("exclusion_note", "").strip():
            if not excluded:
                self.add_error("excluded_text", _("Enter the information excluded"))
            if not data.get("exclusion_ground"):
                self.add_error("exclusion_ground", _("Select the ground for excluding the information"))
            if not data.get("exclusion_note", "").strip():
                self.add_error("exclusion_note", _("Enter the reason for excluding the information"))
        return data

    def check_complete(self) -> bool:
        """Sending needs both parts (reg 7(2)); a draft may lack either."""
        for name, message in (
            ("steps_taken", _("Enter the steps taken that earlier progress reports have not explained")),
            ("steps_proposed", _("Enter the steps proposed before the end of the next period")),
        ):
            if not self.cleaned_data.get(name, "").strip():
                self.add_error(name, message)
        return not self.errors

    def parts(self) -> ProgressReportParts:
        data = self.cleaned_data
        return ProgressReportParts(
            steps_taken=data.get("steps_taken") or "",
            steps_proposed=data.get("steps_proposed") or "",
            excluded_text=data.get("excluded_text") or "",
            exclusion_ground=data.get("exclusion_ground") or "",
            exclusion_note=data.get("exclusion_note") or "",
        )
