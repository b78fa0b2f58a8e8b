"""Forms for the Home Office's record of designations (PRA 2002 s.29A(2); SI 2018/412)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import GovukForm, field_of
from organisations.models import Criterion, CriterionKind, Organisation
from portal.forms.fields import DateField

NEW_BODY = "new"


class DesignationForm(GovukForm):
    body = forms.ChoiceField(
        label=gettext_lazy("Body"),
        help_text=gettext_lazy(
            "Choose “A body not on the register yet” and enter its name below for a new body."
        ),
        error_messages={"required": gettext_lazy("Select the body being designated")},
    )
    new_body_name = forms.CharField(
        label=gettext_lazy("Name of the new body (only for a body not on the register yet)"),
        required=False,
        max_length=200,
    )
    instrument = forms.CharField(
        label=gettext_lazy("Instrument"),
        max_length=120,
        help_text=gettext_lazy("The regulations that make the designation, for example “SI 2027/12 reg 2”."),
        error_messages={"required": gettext_lazy("Enter the instrument that makes the designation")},
    )
    made_on = DateField(
        label=gettext_lazy("Date the instrument was made (optional)"),
        subject=gettext_lazy("the date the instrument was made"),
        required=False,
        help_text=gettext_lazy("For example, 27 3 2027"),
    )
    laid_on = DateField(
        label=gettext_lazy("Date it was laid before Parliament (optional)"),
        subject=gettext_lazy("the date it was laid before Parliament"),
        required=False,
        help_text=gettext_lazy("For example, 28 3 2027"),
    )
    in_force_from = DateField(
        label=gettext_lazy("Date the designation comes into force"),
        subject=gettext_lazy("the date the designation comes into force"),
        help_text=gettext_lazy("From this day the body may make super-complaints. For example, 1 5 2027"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.pk): b for b in Organisation.objects.designated_bodies().order_by("name")}
        field_of(self, "body", forms.ChoiceField).choices = [
            ("", _("Select a body")),
            *((pk, body.name) for pk, body in self.bodies.items()),
            (NEW_BODY, _("A body not on the register yet")),
        ]
        for name in ("new_body_name", "instrument"):
            self.fields[name].widget.attrs.pop("maxlength", None)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        body = cleaned.get("body")
        name = (cleaned.get("new_body_name") or "").strip()
        if body == NEW_BODY and not name:
            self.add_error("new_body_name", _("Enter the name of the new body"))
        elif body and body != NEW_BODY and name:
            self.add_error(
                "new_body_name",
                _("Leave the new body’s name empty when you choose a body from the list"),
            )
        elif body == NEW_BODY and Organisation.objects.designated_bodies().filter(name__iexact=name).exists():
            self.add_error(
                "new_body_name",
                _("%(name)s is already on the register: choose it from the list") % {"name": name},
            )
        return cleaned

    def existing_body(self) -> Organisation | None:
        return self.bodies.get(self.cleaned_data["body"])


class RevocationForm(GovukForm):
    instrument = forms.CharField(
        label=gettext_lazy("Instrument"),
        max_length=120,
        help_text=gettext_lazy(
            "The regulations that revoke the designation, for example “SI 2028/40 reg 2”."
        ),
        error_messages={"required": gettext_lazy("Enter the instrument that revokes the designation")},
    )
    revoked_from = DateField(
        label=gettext_lazy("Date the revocation comes into force"),
        subject=gettext_lazy("the date the revocation comes into force"),
        help_text=gettext_lazy(
            "From this day the body can no longer make super-complaints. For example, 1 6 2028"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].widget.attrs.pop("maxlength", None)


class AssessmentForm(GovukForm):
    """One yes / no / not assessed answer and notes per criterion (SI 2018/412 reg 3 or reg 4)."""

    NOT_ASSESSED = "not_assessed"

    assessed_on = DateField(
        label=gettext_lazy("Date of the assessment"),
        subject=gettext_lazy("the date of the assessment"),
        help_text=gettext_lazy("For example, 14 2 2027"),
    )
    conclusion = forms.CharField(
        label=gettext_lazy("Conclusion (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.criteria = list(Criterion.objects.filter(kind=kind).order_by("number"))
        if kind == CriterionKind.DESIGNATION:
            choices = [("yes", _("Met")), ("no", _("Not met")), (self.NOT_ASSESSED, _("Not assessed"))]
        else:
            choices = [
                ("yes", _("Applies")),
                ("no", _("Does not apply")),
                (self.NOT_ASSESSED, _("Not assessed")),
            ]
        for criterion in self.criteria:
            n = criterion.number
            label = (
                _("Criterion %(n)s: %(text)s")
                if kind == CriterionKind.DESIGNATION
                else _("Ground %(n)s: %(text)s")
            ) % {"n": n, "text": criterion.text}
            self.fields[f"finding_{n}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                error_messages={
                    "required": (
                        _("Select whether criterion %(n)s is met, or not assessed")
                        if kind == CriterionKind.DESIGNATION
                        else _("Select whether ground %(n)s applies, or not assessed")
                    )
                    % {"n": n}
                },
            )
            self.fields[f"notes_{n}"] = forms.CharField(
                label=_("Notes on %(what)s %(n)s (optional)")
                % {"what": _("criterion") if kind == CriterionKind.DESIGNATION else _("ground"), "n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self) -> list[dict[str, Any]]:
        return [
            {"criterion": c, "finding": self[f"finding_{c.number}"], "notes": self[f"notes_{c.number}"]}
            for c in self.criteria
        ]

    def findings(self) -> dict[int, tuple[bool | None, str]]:
        answers = {"yes": True, "no": False, self.NOT_ASSESSED: None}
        return {
            c.number: (
                answers[self.cleaned_data[f"finding_{c.number}"]],
                self.cleaned_data[f"notes_{c.number}"].strip(),
            )
            for c in self.criteria
        }
