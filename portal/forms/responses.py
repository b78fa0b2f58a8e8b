"""Forms of the addressee's response pages: the response with its actions, sign-off, return to the
drafter, an action plan document, and progress on an action."""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import GovukForm
from evidence import checks
from portal.forms.fields import DateField
from recommendations.models import ResponseAction, ResponseStatus
from recommendations.responding import ActionDraft

# Empty action rows a new response starts with; "Add another action" posts and shows one more.
ACTION_ROWS = 3
MAX_ACTION_ROWS = 30

INTENT_SAVE = "save"
INTENT_SIGN_OFF = "sign_off"
INTENT_ADD_ACTION = "add_action"


def _checked_upload(upload: Any) -> Any:
    if not upload:
        return None
    try:
        checks.check_upload(upload)
    except checks.UploadRejected as rejected:
        raise forms.ValidationError(str(rejected), code="rejected") from None
    return upload


def _file_hint() -> str:
    return _("A %(types)s file, %(limit)s or smaller.") % {
        "types": checks.accepted_labels(),
        "limit": checks.size_label(checks.max_file_size()),
    }


class ResponseForm(GovukForm):
    """The response: a position, the explanation, the reasons, and rows of actions. Every field may
    be left empty in a draft; what sign-off needs is the service's to say (``problems_of``)."""

    # Empty when the page was opened before any response existed: a response saved meanwhile is
    # then someone else's, and the service says so.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    rows = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ACTION_ROWS
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Your position on the recommendation"),
        choices=ResponseStatus.choices,
        required=False,
    )
    explanation = forms.CharField(
        label=gettext_lazy("Explanation"),
        help_text=gettext_lazy("What your organisation will do, or has done, and why."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons for not accepting the recommendation"),
        help_text=gettext_lazy("Required if your position is “Not accepted”."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, row_count: int = ACTION_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            with contextlib.suppress(TypeError, ValueError):
                row_count = int(self.data.get("rows") or row_count)
        self.row_count = max(1, min(row_count, MAX_ACTION_ROWS))
        for n in range(1, self.row_count + 1):
            self.fields[f"action_{n}_description"] = forms.CharField(
                label=_("What will be done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"action_{n}_owner_role"] = forms.CharField(
                label=_("Role that owns it"),
                help_text=_("A role, not a person’s name: for example, Head of public protection."),
                required=False,
                max_length=ResponseAction._meta.get_field("owner_role").max_length,
            )
            self.fields[f"action_{n}_target_date"] = DateField(
                label=_("Target date"),
                subject=_("the target date of action %(n)d") % {"n": n},
                help_text=_("For example, 31 3 2027"),
                required=False,
            )

    @staticmethod
    def initial_for(response: Any, actions: list[ResponseAction]) -> tuple[dict[str, Any], int]:
        """The form's initial values for a saved response, and how many action rows to show."""
        initial: dict[str, Any] = {}
        if response is not None:
            initial.update(
                version=response.version,
                status=response.status,
                explanation=response.explanation,
                reasons=response.reasons,
            )
        for n, action in enumerate(actions, start=1):
            initial[f"action_{n}_description"] = action.description
            initial[f"action_{n}_owner_role"] = action.owner_role
            initial[f"action_{n}_target_date"] = action.target_date
        rows = max(ACTION_ROWS, len(actions) + 1 if actions else ACTION_ROWS)
        initial["rows"] = rows
        return initial, min(rows, MAX_ACTION_ROWS)

    def action_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "number": n,
                "description": self[f"action_{n}_description"],
                "owner_role": self[f"action_{n}_owner_role"],
                "target_date": self[f"action_{n}_target_date"],
            }
            for n in range(1, self.row_count + 1)
        ]

    def actions(self) -> list[ActionDraft]:
        data = self.cleaned_data
        return [
            ActionDraft(
                data.get(f"action_{n}_description") or "",
                data.get(f"action_{n}_owner_role") or "",
                data.get(f"action_{n}_target_date"),
            )
            for n in range(1, self.row_count + 1)
        ]

    def set_version(self, version: int) -> None:
        """Carry the version now saved, keeping what this person typed: after a save, or after a
        refusal because someone else saved first (saving again is then a deliberate choice)."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["version"] = str(version)
        self.data = data

    def show_problems(self, problems: dict[str, str]) -> None:
        """The service's list of what sign-off needs, as errors on the fields they are about."""
        for key, message in problems.items():
            if key.startswith("action-"):
                self.add_error(f"action_{key.removeprefix('action-')}_description", message)
            elif key == "actions":
                self.add_error("action_1_description", message)
            else:
                self.add_error(key, message)


class SignOffForm(GovukForm):
    prefix = "sign-off"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnForm(GovukForm):
    prefix = "return"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    note = forms.CharField(
        label=gettext_lazy("What should the drafter change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Say what the drafter should change")},
    )


class ActionPlanForm(GovukForm):
    file = forms.FileField(label=gettext_lazy("Upload an action plan document"))
    also = forms.MultipleChoiceField(
        label=gettext_lazy("Which other recommendations of this report does it also answer? (optional)"),
        required=False,
    )

    def __init__(self, *args: Any, others: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "plan")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_hint()
        self.fields["also"].choices = others  # type: ignore[attr-defined]
        if not others:
            del self.fields["also"]

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data.get("file"))


class ProgressForm(GovukForm):
    text = forms.CharField(
        label=gettext_lazy("Progress made"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Enter the progress made")},
    )
    marks_complete = forms.BooleanField(label=gettext_lazy("This action is complete"), required=False)
    file = forms.FileField(label=gettext_lazy("Evidence (optional)"), required=False)

    def __init__(self, *args: Any, action: ResponseAction, **kwargs: Any) -> None:
        kwargs["prefix"] = f"a{action.pk}"
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Progress on action %(n)d") % {"n": action.position}
        self.fields["file"].help_text = _file_hint()

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data.get("file"))
