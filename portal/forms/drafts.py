"""The forms of the super-complaint task list, one per section (SI 2018/748 reg 4)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import GovukForm, field_of
from complaints.drafts import HarmText
from complaints.models import ComplaintLanguage, ForcesScope
from evidence import checks
from organisations.models import Organisation
from portal.forms.fields import VersionedForm

# Enough for any feature; a bound on how many fields a crafted request can make us build.
MAX_HARMS = 20
RETURN_TO_CHECK = "check"


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class StartForm(GovukForm):
    """Which body the new draft is for, when a person acts for more than one."""

    body = forms.ChoiceField(
        label=gettext_lazy("Which designated body is making the super-complaint?"),
        error_messages={"required": gettext_lazy("Select the body making the super-complaint")},
    )

    language = forms.ChoiceField(
        label=gettext_lazy("Which language will you write the super-complaint in?"),
        help_text=gettext_lazy("You can make a super-complaint in English or in Welsh."),
        choices=ComplaintLanguage.choices,
        error_messages={
            "required": gettext_lazy("Select the language you will write the super-complaint in")
        },
    )

    def __init__(self, *args: Any, bodies: list[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bodies = {str(b.pk): b for b in bodies}
        field_of(self, "body", forms.ChoiceField).choices = [(str(b.pk), b.name) for b in bodies]

    def chosen_body(self) -> Organisation:
        return self.bodies[self.cleaned_data["body"]]


class AboutForm(VersionedForm):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=300,
        help_text=gettext_lazy(
            "A short name for the complaint, for example “Police response to victims of modern slavery”."
        ),
        error_messages={
            "required": gettext_lazy("Enter a title"),
            "max_length": gettext_lazy("Title must be 300 characters or fewer"),
        },
    )
    subject = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=_textarea(4),
        help_text=gettext_lazy("What the complaint is about, in a few sentences."),
        error_messages={"required": gettext_lazy("Enter a summary of the complaint")},
    )
    harm_explanation = forms.CharField(
        label=gettext_lazy(
            "Why are the features of policing, or why do they appear to be, significantly harming the interests of the public?"
        ),
        widget=_textarea(10),
        help_text=gettext_lazy(
            "The law asks for significant harm to the interests of the public (Police Reform Act 2002, "
            "section 29A). Explain why the harm is significant, not only that there is harm."
        ),
        error_messages={
            "required": gettext_lazy(
                "Explain why the features of policing are, or appear to be, significantly harming the interests of the public"
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # GOV.UK asks not to stop people typing past a limit; the server says it instead.
        self.fields["title"].widget.attrs.pop("maxlength", None)


class FeatureForm(VersionedForm):
    """A feature of policing and the harms it causes, each with its nature, scale and the groups
    especially vulnerable to it. The number of harm blocks travels in ``harm_count``."""

    text = forms.CharField(
        label=gettext_lazy("Describe the feature of policing"),
        widget=_textarea(5),
        help_text=gettext_lazy(
            "A feature, or combination of features, of policing in England and Wales by one or more police forces."
        ),
        error_messages={"required": gettext_lazy("Enter the feature of policing")},
    )

    def __init__(self, *args: Any, harm_count: int = 1, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The hidden field is added here, not declared on the class, so that the name
        # ``harm_count`` on the form is the number of blocks (an int), not the field.
        self.fields["harm_count"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=1, max_value=MAX_HARMS
        )
        if self.is_bound:
            try:
                harm_count = int(self.data.get("harm_count", harm_count))
            except (TypeError, ValueError):
                harm_count = 1
        self.harm_count = min(max(harm_count, 1), MAX_HARMS)
        self.initial["harm_count"] = self.harm_count
        for index in range(self.harm_count):
            n = index + 1
            self.fields[f"harm_{index}_description"] = forms.CharField(
                required=False,
                label=_("Describe harm %(n)s") % {"n": n},
                widget=_textarea(3),
            )
            self.fields[f"harm_{index}_nature"] = forms.CharField(
                required=False,
                label=_("The nature of harm %(n)s") % {"n": n},
                help_text=_("What kind of harm it is, and to whom."),
                widget=_textarea(3),
            )
            self.fields[f"harm_{index}_scale"] = forms.CharField(
                required=False,
                label=_("The scale of harm %(n)s") % {"n": n},
                help_text=_("How many people it affects, how often and where, as far as you know."),
                widget=_textarea(3),
            )
            self.fields[f"harm_{index}_vulnerable_groups"] = forms.CharField(
                required=False,
                label=_("Groups especially vulnerable to harm %(n)s (optional)") % {"n": n},
                widget=_textarea(3),
            )

    def harm_blocks(self) -> list[dict[str, Any]]:
        """The bound fields of each harm, for the template."""
        return [
            {
                "number": index + 1,
                "index": index,
                "description": self[f"harm_{index}_description"],
                "nature": self[f"harm_{index}_nature"],
                "scale": self[f"harm_{index}_scale"],
                "vulnerable_groups": self[f"harm_{index}_vulnerable_groups"],
            }
            for index in range(self.harm_count)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        harms: list[HarmText] = []
        for index in range(self.harm_count):
            n = index + 1
            values = {
                name: (cleaned.get(f"harm_{index}_{name}") or "").strip()
                for name in ("description", "nature", "scale", "vulnerable_groups")
            }
            if not any(values.values()):
                continue
            if not values["description"]:
                self.add_error(f"harm_{index}_description", _("Describe harm %(n)s") % {"n": n})
            if not values["nature"]:
                self.add_error(f"harm_{index}_nature", _("Describe the nature of harm %(n)s") % {"n": n})
            if not values["scale"]:
                self.add_error(f"harm_{index}_scale", _("Describe the scale of harm %(n)s") % {"n": n})
            harms.append(HarmText(**values))
        if not harms:
            self.add_error("harm_0_description", _("Describe at least one harm the feature causes"))
        cleaned["harms"] = harms
        return cleaned

    @staticmethod
    def initial_for(feature: Any) -> dict[str, Any]:
        harms = list(feature.harms.all())
        initial: dict[str, Any] = {"text": feature.text, "harm_count": max(1, len(harms))}
        for index, harm in enumerate(harms):
            for name in ("description", "nature", "scale", "vulnerable_groups"):
                initial[f"harm_{index}_{name}"] = getattr(harm, name)
        return initial

    @classmethod
    def initial_from_data(cls, data: Any, *, drop: int | None = None, add: bool = False) -> dict[str, Any]:
        """What was typed, as the initial values of a fresh form: for "Add another harm" and
        "Remove this harm", which change the blocks without saving or showing errors."""
        try:
            count = min(max(int(data.get("harm_count", 1)), 1), MAX_HARMS)
        except (TypeError, ValueError):
            count = 1
        initial: dict[str, Any] = {"text": data.get("text", ""), "version": data.get("version")}
        blocks = [
            {
                name: data.get(f"harm_{i}_{name}", "")
                for name in ("description", "nature", "scale", "vulnerable_groups")
            }
            for i in range(count)
        ]
        if drop is not None and 0 <= drop < len(blocks) and len(blocks) > 1:
            del blocks[drop]
        if add and len(blocks) < MAX_HARMS:
            blocks.append(dict.fromkeys(("description", "nature", "scale", "vulnerable_groups"), ""))
        initial["harm_count"] = len(blocks)
        for i, block in enumerate(blocks):
            for name, value in block.items():
                initial[f"harm_{i}_{name}"] = value
        return initial


class ForcesForm(VersionedForm):
    scope = forms.ChoiceField(
        label=gettext_lazy("Which police forces does the complaint concern?"),
        choices=ForcesScope.choices,
        error_messages={"required": gettext_lazy("Select which police forces the complaint concerns")},
    )
    forces = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Select the forces"),
        queryset=Organisation.objects.forces().order_by("name"),
        required=False,
        help_text=gettext_lazy("Select all that apply."),
        error_messages={"invalid_choice": gettext_lazy("Select forces from the list")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("scope") == ForcesScope.NAMED and not cleaned.get("forces"):
            self.add_error("forces", _("Select the forces the complaint concerns"))
        return cleaned


class EvidenceForm(GovukForm):
    file = forms.FileField(
        label=gettext_lazy("Upload a file"),
        error_messages={
            "required": gettext_lazy("Select a file"),
            "empty": gettext_lazy("The selected file is empty. Choose a file that has something in it."),
            "invalid": gettext_lazy("The selected file could not be read. Choose it again."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Describe the file and what it shows"),
        widget=_textarea(3),
        help_text=gettext_lazy(
            "For example, “Our report ‘Underground lives’ (March 2019), chapters 2 to 4”."
        ),
        error_messages={"required": gettext_lazy("Describe the file and what it shows")},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A %(types)s file, %(limit)s or smaller. Upload one file at a time."
        ) % {"types": checks.accepted_labels(), "limit": checks.size_label(checks.max_file_size())}
        field_of(self, "file", forms.FileField).max_length = 255

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            self.cleaned_data["file_type"] = checks.check_upload(upload)
        except checks.UploadRejected as rejected:
            raise forms.ValidationError(str(rejected), code="rejected") from None
        return upload


_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")


class ContactForm(VersionedForm):
    """The individual representing the body who may be contacted (SI 2018/748 reg 4(3))."""

    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter the full name of the person we can contact")},
    )
    role = forms.CharField(
        label=gettext_lazy("Role at the body"),
        max_length=200,
        help_text=gettext_lazy("For example, “Head of policy”."),
        error_messages={"required": gettext_lazy("Enter their role at the body")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy("We will send the acknowledgement and every letter about the complaint here."),
        error_messages={
            "required": gettext_lazy("Enter their email address"),
            "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com"),
        },
    )
    phone = forms.CharField(
        label=gettext_lazy("Telephone number (optional)"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("For international numbers include the country code."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("name", "role"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "spellcheck": "false"})
        self.fields["role"].widget.attrs.update({"autocomplete": "organization-title"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["phone"].widget = forms.TextInput(attrs={"autocomplete": "tel"})
        self.fields["phone"].widget.input_type = "tel"

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                _("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
            )
        return phone


class DeclarationForm(VersionedForm):
    declaration = forms.BooleanField(
        error_messages={
            "required": gettext_lazy(
                "Confirm that the information is accurate and that the body is making a super-complaint"
            )
        }
    )

    def __init__(self, *args: Any, body_name: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["declaration"].label = _(
            "I confirm that the information in this super-complaint is accurate to the best of my "
            "knowledge, and that %(body)s is making a super-complaint under section 29A of the "
            "Police Reform Act 2002."
        ) % {"body": body_name}


class ConfirmForm(VersionedForm):
    """A button that changes the draft (move, remove): only the version it was pressed at."""
