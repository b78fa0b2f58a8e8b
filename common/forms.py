"""One way to give every form field the service's own error messages, in plain words.

Django's defaults ("This field is required.", "Ensure this value has at most 200 characters (it
has 201).", "Select a valid choice. bogus is not one of the available choices.") are written for
developers and never name the field. Every form of the portal, casework and sign-in pages derives
from ``GovukForm`` (or mixes in ``GovukFormMixin``), which replaces each default with a GOV.UK-style
message built from the field's label, keeping any message a form sets itself. It also:

- gives every long text field (a textarea) a stated limit, which the character count shows;
- refuses text carrying bidirectional control characters (U+202A-U+202E, U+2066-U+2069). They are
  invisible, and can make a letter or a file name read differently from what was typed (the
  "Trojan Source" trick), so the form strips them, shows the cleaned answer again and asks the
  person to check it and send it once more.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django import forms
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from common.text import has_bidi_controls, strip_bidi_controls

# Every long text field states this limit unless its form sets one: enough for several pages of
# reasons, and a bound on what one request can make the service store and put in a letter.
LONG_TEXT_LIMIT = 10_000


_FieldT = TypeVar("_FieldT", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_FieldT]) -> _FieldT:
    """The form's field ``name``, known to be a ``kind`` (``self.fields`` holds plain ``Field``s as
    far as the type checker knows): for setting what only that kind has, such as ``choices``."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def _subject(field: forms.Field) -> tuple[str, bool]:
    """What the field asks for, as a message can name it, and whether the label is a question."""
    label = str(field.label or "").strip()
    label = re.sub(r"\s*\(optional\)$", "", label)
    if not label:
        return _("an answer"), True
    if label.endswith("?") or len(label) > 60:
        return label, True
    # "Full name" becomes "Enter full name"; an acronym ("IOPC reference") keeps its capitals.
    if len(label) > 1 and not label[:2].isupper():
        label = label[0].lower() + label[1:]
    return label, False


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _escaped(text: str) -> str:
    # Messages raised with parameters are %-formatted by Django: a "%" in a label must survive.
    return text.replace("%", "%%")


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def govuk_messages(field: forms.Field) -> dict[str, str]:
    """The service's messages for each error ``field`` can raise."""
    subject, question = _subject(field)
    quoted = f"“{subject}”"
    is_choice = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField))
    messages: dict[str, str] = {}

    if isinstance(field.widget, forms.HiddenInput):
        # A hidden field is only wrong if the page was old or tampered with.
        stale = _("This page is out of date. Go back, open it again and try once more.")
        return dict.fromkeys(
            ("required", "invalid", "min_value", "max_value", "invalid_choice", "max_length"), stale
        )
    if isinstance(field, forms.BooleanField):
        messages["required"] = (
            _("Select the box to confirm %(label)s") % {"label": quoted}
            if question
            else _("Select %(subject)s") % {"subject": subject}
        )
    elif isinstance(field, forms.FileField):
        messages.update(
            required=_("Select a file"),
            invalid=_("The selected file could not be read. Choose it again."),
            missing=_("The selected file could not be read. Choose it again."),
            empty=_("The selected file is empty. Choose a file that has something in it."),
            max_length=_("The name of the selected file must be %(limit)s characters or fewer")
            % {"limit": _number(field.max_length)},
            contradiction=_("Either choose a new file or remove the current one, not both."),
        )
    elif is_choice:
        messages["required"] = (
            _("Select an answer to %(label)s") % {"label": quoted}
            if question
            else _("Select %(subject)s") % {"subject": subject}
        )
        wrong = (
            _("Select an answer to %(label)s from the list") % {"label": quoted}
            if question
            else _("Select %(subject)s from the list") % {"subject": subject}
        )
        messages.update(invalid_choice=wrong, invalid_pk_value=wrong, invalid_list=wrong, list=wrong)
    else:
        messages["required"] = (
            _("Enter an answer to %(label)s") % {"label": quoted}
            if question
            else _("Enter %(subject)s") % {"subject": subject}
        )
        named = _("Your answer") if question else _capitalised(subject)
        # Only some fields have length limits (a date or number field has none).
        max_length = getattr(field, "max_length", None)
        min_length = getattr(field, "min_length", None)
        if max_length is not None:
            messages["max_length"] = _("%(named)s must be %(limit)s characters or fewer") % {
                "named": named,
                "limit": _number(max_length),
            }
        if min_length is not None:
            messages["min_length"] = _("%(named)s must be %(limit)s characters or more") % {
                "named": named,
                "limit": _number(min_length),
            }
        if isinstance(field, forms.EmailField):
            messages["invalid"] = _("Enter an email address in the correct format, like name@example.com")
        elif isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            messages["invalid"] = _("%(named)s must be a number") % {"named": named}
            if getattr(field, "min_value", None) is not None:
                messages["min_value"] = _("%(named)s must be %(limit)s or more") % {
                    "named": named,
                    "limit": _number(field.min_value),
                }
            if getattr(field, "max_value", None) is not None:
                messages["max_value"] = _("%(named)s must be %(limit)s or less") % {
                    "named": named,
                    "limit": _number(field.max_value),
                }
    return {
        code: _escaped(message) if code in _FORMATTED_CODES else message for code, message in messages.items()
    }


# Django raises these errors with parameters and %-formats their message; the others it shows as
# they are. Only the first kind must have a "%" of the label doubled.
_FORMATTED_CODES = frozenset(
    {
        "invalid_choice",
        "invalid_pk_value",
        "max_length",
        "min_length",
        "min_value",
        "max_value",
    }
)


# The defaults Django would show, so a message a form set itself is told apart from them.
def _django_defaults(field: forms.Field) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return {code: str(message) for code, message in defaults.items()}


class GovukFormMixin:
    """GOV.UK messages for every field, a limit on every textarea, and no bidi controls.

    Forms that add fields in their own ``__init__`` are covered too: each field is prepared when
    it is first rendered or cleaned.
    """

    fields: dict[str, forms.Field]

    def __getitem__(self, name: str) -> Any:
        field = self.fields.get(name)
        if field is not None:
            apply_govuk_messages(field)
        return super().__getitem__(name)  # type: ignore[misc]

    def full_clean(self) -> None:
        form: Any = self
        for field in self.fields.values():
            apply_govuk_messages(field)
        found = self._strip_bidi_controls() if form.is_bound else []
        super().full_clean()  # type: ignore[misc]
        for name in found:
            if isinstance(self.fields[name], forms.FileField):
                message = _(
                    "The name of the selected file contains hidden characters that change the "
                    "direction of text. Rename the file and choose it again."
                )
            else:
                message = _(
                    "This answer contained hidden characters that change the direction of text. We "
                    "have removed them: check the answer and send it again."
                )
            form.add_error(name, message)

    def _strip_bidi_controls(self) -> list[str]:
        """Take bidi controls out of the submitted text; return the names of the fields they were in."""
        form: Any = self
        found: list[str] = []
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.PasswordInput):
                # A password is compared, never shown or sent on: it must stay exactly as typed.
                continue
            html_name = form.add_prefix(name)
            value = field.widget.value_from_datadict(form.data, form.files, html_name)
            if isinstance(field, forms.FileField):
                chosen = value if isinstance(value, list | tuple) else [value]
                if any(has_bidi_controls(getattr(upload, "name", None)) for upload in chosen):
                    found.append(name)
            elif has_bidi_controls(value):
                found.append(name)
        if found:
            data = form.data.copy()
            for key in list(data.keys()):
                if hasattr(data, "setlist"):
                    data.setlist(key, [_stripped(v) for v in data.getlist(key)])
                else:
                    data[key] = _stripped(data[key])
            form.data = data
        return found


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return strip_bidi_controls(value)
    if isinstance(value, list):
        return [_stripped(v) for v in value]
    return value


def apply_govuk_messages(field: forms.Field) -> None:
    """Give ``field`` a stated limit if it is a long text, and the service's messages for every
    error whose message is still Django's own (a form's own messages are kept). Safe to repeat."""
    if getattr(field, "_govuk_messages_applied", False):
        return
    if (
        isinstance(field, forms.CharField)
        and isinstance(field.widget, forms.Textarea)
        and field.max_length is None
    ):
        field.max_length = LONG_TEXT_LIMIT
        field.validators.append(MaxLengthValidator(LONG_TEXT_LIMIT))
    defaults = _django_defaults(field)
    for code, message in govuk_messages(field).items():
        current = field.error_messages.get(code)
        if current is None or str(current) == defaults.get(code):
            field.error_messages[code] = message
    field._govuk_messages_applied = True  # type: ignore[attr-defined]


class GovukForm(GovukFormMixin, forms.Form):
    """The base of every form a person fills in on the portal, casework and sign-in pages."""


class VersionedForm(GovukForm):
    """A form with the hidden ``version`` it was opened at. Pass ``cleaned_data["version"]`` to
    the service as ``expected_version``; on ``StaleEdit`` call ``refused_as_stale``."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Shown when a request comes without its version: only a crafted or truncated one does.
    out_of_date_message: StrPromise = gettext_lazy(
        "This page is out of date. Open it again, then make your changes."
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages["required"] = self.out_of_date_message

    def refused_as_stale(self, error: object, current_version: int) -> None:
        """Someone else saved first: keep what this person typed, now against the latest version
        with the refusal on top, so saving again is a deliberate choice to replace theirs."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("version")] = str(current_version)
        self.data = data
        if not hasattr(self, "cleaned_data"):
            self.full_clean()
        self.add_error(None, str(error))
