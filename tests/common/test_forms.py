"""Every form a person fills in speaks the service's own words: no Django default message, a stated
limit on every long text, and no bidirectional control characters let through."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from django import forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict

from accounts import forms as account_forms
from casework import forms as casework_forms
from common.forms import LONG_TEXT_LIMIT, GovukFormMixin
from organisations.models import Organisation
from portal.forms import complaints as portal_complaint_forms
from portal.forms import designations as designation_forms
from portal.forms import drafts as draft_forms

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

FORM_MODULES = (
    "portal.forms.complaints",
    "portal.forms.drafts",
    "portal.forms.designations",
    "portal.forms.fields",
    "casework.forms",
    "accounts.forms",
)
BIDI = "\u202e"
BIDI_MESSAGE = (
    "This answer contained hidden characters that change the direction of text. We have removed them: "
    "check the answer and send it again."
)


def _django_default_messages() -> set[str]:
    """Every default message of Django's form fields and validators, with its parameters blanked."""
    found: set[str] = set()
    for module in (forms.fields, forms.models):
        for _name, klass in inspect.getmembers(module, inspect.isclass):
            for message in getattr(klass, "default_error_messages", {}).values():
                found.add(str(message))
    for _name, klass in inspect.getmembers(validators, inspect.isclass):
        message = getattr(klass, "message", None)
        if message:
            found.add(str(message))
    return found


def _as_pattern(message: str) -> re.Pattern[str]:
    parts = re.split(r"%\(\w+\)[sdr]", message)
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$")


DJANGO_DEFAULTS = [_as_pattern(m) for m in _django_default_messages()]


def _every_form():
    bodies = list(Organisation.objects.designated_bodies()[:2])
    return [
        draft_forms.StartForm(bodies=bodies),
        draft_forms.AboutForm(),
        draft_forms.FeatureForm(harm_count=2),
        draft_forms.ForcesForm(),
        draft_forms.EvidenceForm(),
        draft_forms.ContactForm(),
        draft_forms.DeclarationForm(body_name="Hestia"),
        draft_forms.ConfirmForm(),
        portal_complaint_forms.WithdrawForm(),
        designation_forms.DesignationForm(),
        designation_forms.RevocationForm(),
        designation_forms.AssessmentForm(kind="designation"),
        casework_forms.DashboardFilterForm(bodies=bodies),
        casework_forms.PositionForm(),
        casework_forms.DecisionForm(similar=[]),
        account_forms.SignInForm(),
        account_forms.SecurityCodeForm(),
        account_forms.PasswordResetForm(),
    ]


def _bound_like(form, data, files=None):
    """A new form of the same class and arguments as ``form``, bound to ``data``."""
    klass = type(form)
    kwargs = {}
    if isinstance(form, draft_forms.StartForm):
        kwargs["bodies"] = list(form.bodies.values())
    elif isinstance(form, draft_forms.FeatureForm):
        kwargs["harm_count"] = form.harm_count
    elif isinstance(form, draft_forms.DeclarationForm):
        kwargs["body_name"] = "Hestia"
    elif isinstance(form, designation_forms.AssessmentForm):
        kwargs["kind"] = "designation"
    elif isinstance(form, casework_forms.DashboardFilterForm):
        kwargs["bodies"] = []
    elif isinstance(form, casework_forms.DecisionForm):
        kwargs["similar"] = []
    return klass(data, files, **kwargs)


def test_every_form_class_of_the_portal_casework_and_sign_in_uses_the_shared_base():
    missing = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == name
                and not issubclass(value, GovukFormMixin)
            ):
                missing.append(f"{name}.{attr}")
    assert missing == []


def _bad_answers(form) -> dict[str, str]:
    """Wrong values for every field: overlong text, unknown choices, not-a-number, a bad address."""
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.MultiValueField):
            for index in range(len(field.fields)):
                data[f"{key}_{index}"] = "x"
        elif isinstance(
            field,
            (forms.IntegerField, forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField),
        ):
            data[key] = "bogus"
        elif isinstance(field, forms.EmailField):
            data[key] = "not an address"
        elif isinstance(field, forms.CharField):
            data[key] = "x" * (LONG_TEXT_LIMIT + 1)
    return data


@pytest.mark.parametrize("answers", ["empty", "bad"])
def test_no_form_shows_a_django_default_message(answers):
    shown = []
    for form in _every_form():
        data = {} if answers == "empty" else _bad_answers(form)
        bound = _bound_like(form, data)
        bound.is_valid()
        for field, errors in bound.errors.items():
            for error in errors:
                if any(pattern.match(error) for pattern in DJANGO_DEFAULTS):
                    shown.append(f"{type(form).__name__}.{field}: {error}")
    assert shown == []


def test_messages_name_what_is_wrong_in_plain_words():
    about = draft_forms.AboutForm(
        {"version": "1", "title": "T" * 301, "subject": "", "harm_explanation": "x"}
    )
    assert not about.is_valid()
    assert about.errors["title"] == ["Title must be 300 characters or fewer"]
    assert about.errors["subject"] == ["Enter a summary of the complaint"]

    contact = draft_forms.ContactForm(
        {"version": "1", "name": "N" * 201, "role": "Head", "email": "a@example.org", "phone": ""}
    )
    assert not contact.is_valid()
    assert contact.errors["name"] == ["Full name must be 200 characters or fewer"]

    forces = draft_forms.ForcesForm({"version": "1", "scope": "bogus"})
    assert not forces.is_valid()
    assert forces.errors["scope"] == [
        "Select an answer to “Which police forces does the complaint concern?” from the list"
    ]

    withdraw = portal_complaint_forms.WithdrawForm({"reason": "x" * (LONG_TEXT_LIMIT + 1)})
    assert not withdraw.is_valid()
    assert withdraw.errors["reason"] == ["Your answer must be 10,000 characters or fewer"]

    stale = casework_forms.PositionForm({"version": "bogus", "position": "eligible", "reasons": "Yes"})
    assert not stale.is_valid()
    assert stale.errors["version"] == ["This page is out of date. Go back, open it again and try once more."]


def test_every_long_text_states_its_limit_and_counts_characters():
    form = portal_complaint_forms.WithdrawForm()
    html = form["reason"].as_widget()  # Django's own widget knows nothing of the count
    assert "textarea" in html
    from django.template.loader import render_to_string

    page = render_to_string("includes/forms/textarea.html", {"field": form["reason"]})
    assert 'data-module="govuk-character-count" data-maxlength="10000"' in page
    assert 'class="govuk-textarea govuk-js-character-count"' in page
    assert 'aria-describedby="id_reason-info id_reason-hint"' in page
    assert re.search(
        r'id="id_reason-info" class="govuk-hint govuk-character-count__message">\s*You can enter up to 10000 characters',
        page,
    )
    for form in _every_form():
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.Textarea):
                assert form[name].field.max_length, f"{type(form).__name__}.{name} has no limit"


def test_bidi_controls_are_stripped_and_the_answer_sent_back_to_check():
    data = QueryDict(mutable=True)
    data.update(
        {
            "version": "1",
            "title": f"Police response{BIDI} to victims",
            "subject": "A summary",
            "harm_explanation": "Why it harms\u2066 the public",
        }
    )
    form = draft_forms.AboutForm(data)
    assert not form.is_valid()
    assert form.errors["title"] == [BIDI_MESSAGE]
    assert form.errors["harm_explanation"] == [BIDI_MESSAGE]
    assert "subject" not in form.errors
    assert form["title"].value() == "Police response to victims"
    assert form["harm_explanation"].value() == "Why it harms the public"

    again = draft_forms.AboutForm({k: form["title" if k == "title" else k].value() for k in data})
    assert again.is_valid(), again.errors


@pytest.mark.parametrize("control", [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))])
def test_every_bidi_control_is_refused(control):
    form = portal_complaint_forms.WithdrawForm({"reason": f"We withdraw{control} it"})
    assert not form.is_valid()
    assert form.errors["reason"] == [BIDI_MESSAGE]


def test_bidi_controls_in_dynamic_fields_and_file_names_are_refused():
    feature = draft_forms.FeatureForm(
        {
            "version": "1",
            "text": "A feature",
            "harm_count": "1",
            "harm_0_description": f"A harm{BIDI}",
            "harm_0_nature": "Its nature",
            "harm_0_scale": "Its scale",
        }
    )
    assert not feature.is_valid()
    assert feature.errors["harm_0_description"] == [BIDI_MESSAGE]

    upload = SimpleUploadedFile(f"report{BIDI}fdp.exe", b"%PDF-1.4 hello", content_type="application/pdf")
    evidence = draft_forms.EvidenceForm({"description": "Our report"}, {"file": upload})
    assert not evidence.is_valid()
    assert (
        "The name of the selected file contains hidden characters that change the direction of text. "
        "Rename the file and choose it again."
    ) in evidence.errors["file"]


def test_a_password_is_never_altered():
    form = account_forms.SignInForm({"email": "a@example.org", "password": f"pass{BIDI}word"})
    assert form.is_valid()
    assert form.cleaned_data["password"] == f"pass{BIDI}word"


def test_a_percent_sign_in_a_label_survives_every_message():
    class Form(draft_forms.GovukForm):
        share = forms.ChoiceField(label="Share in %", choices=[("1", "1")])
        note = forms.CharField(label="Growth in %", max_length=3)

    empty = Form({})
    assert not empty.is_valid()
    assert empty.errors["share"] == ["Select share in %"]
    wrong = Form({"share": "bogus", "note": "1234"})
    assert not wrong.is_valid()
    assert wrong.errors["share"] == ["Select share in % from the list"]
    assert wrong.errors["note"] == ["Growth in % must be 3 characters or fewer"]
