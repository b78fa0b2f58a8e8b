"""Forms of the report builder (SI 2018/748 reg 8, reg 11(2)). Each carries the report's version, so
a second person saving over the first is told so (``VersionedForm``)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.date_fields import DateField
from common.forms import VersionedForm, field_of
from organisations.models import Organisation
from recommendations.models import AddresseeGroup
from reports.models import ExclusionGround, ReportSection


class ReportTitleForm(VersionedForm):
    title = forms.CharField(
        label=_("Title of the report"),
        max_length=400,
        error_messages={"required": _("Enter the report's title")},
    )


class PassageForm(VersionedForm):
    section = forms.ChoiceField(
        label=_("Section"),
        choices=ReportSection.choices,
        error_messages={"required": _("Select the section the passage belongs to")},
    )
    position = forms.IntegerField(
        label=_("Place in the section (optional)"),
        help_text=_("Passages are in the order of these numbers. Leave blank to put it last."),
        min_value=1,
        max_value=999,
        required=False,
    )
    heading = forms.CharField(label=_("Heading (optional)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text of the passage"),
        help_text=_("Leave a blank line between paragraphs."),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the text of the passage")},
    )


class _AuthorityChoiceMixin:
    fields: dict[str, forms.Field]

    def _set_authorities(self, authorities: list[Organisation]) -> None:
        self.authorities = {str(a.pk): a for a in authorities}
        field_of(self, "authority", forms.ChoiceField).choices = [  # type: ignore[arg-type]
            (key, a.name) for key, a in self.authorities.items()
        ]


class ActionForm(_AuthorityChoiceMixin, VersionedForm):
    authority = forms.ChoiceField(
        label=_("Which authority owns this action?"),
        error_messages={"required": _("Select the authority that owns this action")},
    )
    text = forms.CharField(
        label=_("What the authority will do"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter what the authority will do")},
    )
    position = forms.IntegerField(
        label=_("Place among the actions (optional)"),
        help_text=_("Leave blank to put it last."),
        min_value=1,
        max_value=999,
        required=False,
    )

    def __init__(self, *args: Any, authorities: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._set_authorities(authorities)

    def chosen(self) -> Organisation:
        return self.authorities[self.cleaned_data["authority"]]


class RecommendationForm(VersionedForm):
    label = forms.CharField(
        label=_("Label (optional)"),
        help_text=_(
            "As the report numbers it, for example “Recommendation 1”. Leave blank for the next number."
        ),
        max_length=120,
        required=False,
    )
    text = forms.CharField(
        label=_("Text of the recommendation"),
        widget=forms.Textarea,
        error_messages={"required": _("Enter the text of the recommendation")},
    )
    groups = forms.MultipleChoiceField(
        label=_("Addressee groups"),
        help_text=_("Each member of a group is an addressee. You can take members off after saving."),
        required=False,
    )
    organisations = forms.MultipleChoiceField(
        label=_("Organisations addressed by name"),
        required=False,
    )
    due = DateField(
        subject=_("the date the response is due"),
        label=_("Response deadline (optional)"),
        help_text=_(
            "Leave blank for the default: 56 days after the report is published. For example, 27 3 2027"
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, groups: list[AddresseeGroup], organisations: list[Organisation], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.group_choices = {str(g.pk): g for g in groups}
        self.organisation_choices = {str(o.pk): o for o in organisations}
        field_of(self, "groups", forms.MultipleChoiceField).choices = [
            (key, f"{g.name} ({g.members.count()})") for key, g in self.group_choices.items()
        ]
        field_of(self, "organisations", forms.MultipleChoiceField).choices = [
            (key, o.name) for key, o in self.organisation_choices.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "groups" in data and "organisations" in data and not data["groups"] and not data["organisations"]:
            self.add_error("groups", _("Select at least one addressee group or organisation"))
        return data

    def chosen_groups(self) -> list[AddresseeGroup]:
        return [self.group_choices[key] for key in self.cleaned_data["groups"]]

    def chosen_organisations(self) -> list[Organisation]:
        return [self.organisation_choices[key] for key in self.cleaned_data["organisations"]]

    def due_date(self) -> datetime.date | None:
        due: datetime.date | None = self.cleaned_data.get("due")
        return due


class AddresseesForm(VersionedForm):
    """Which members of the recommendation's groups stay on its list: those unticked are taken off."""

    kept = forms.MultipleChoiceField(
        label=_("Members of its groups addressed by this recommendation"),
        help_text=_("Untick an organisation to take it off this recommendation only."),
        required=False,
    )

    def __init__(self, *args: Any, members: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.members = {str(o.pk): o for o in members}
        field_of(self, "kept", forms.MultipleChoiceField).choices = [
            (key, o.name) for key, o in self.members.items()
        ]

    def taken_off(self) -> list[Organisation]:
        kept = set(self.cleaned_data["kept"])
        return [o for key, o in self.members.items() if key not in kept]


class OpinionForm(VersionedForm):
    text = forms.CharField(
        label=_("Your authority's opinion, where it disagrees with the report"),
        help_text=_("It is published with the report (regulation 11(2))."),
        widget=forms.Textarea,
        error_messages={"required": _("Enter your authority's opinion")},
    )


class ExclusionForm(VersionedForm):
    ground = forms.ChoiceField(
        label=_("Why must this passage be excluded from the published report?"),
        choices=ExclusionGround.choices,
        error_messages={"required": _("Select the ground for excluding the passage")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Say why publishing it would harm national security or put a person's safety at risk."),
        widget=forms.Textarea,
        error_messages={"required": _("Enter why the passage must be excluded")},
    )


class ConfirmForm(VersionedForm):
    """A button that changes the report: only its version travels with it."""
