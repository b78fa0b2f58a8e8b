"""Forms for an organisation administrator's pages about their organisation's users."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from accounts.models import Role
from common.forms import GovukForm

# The roles an administrator may give (accounts.models.INVITABLE_ROLES), said as what the person does.
ROLE_CHOICES = [
    (Role.RESPONDER.value, gettext_lazy("Drafts responses to recommendations")),
    (Role.SIGNATORY.value, gettext_lazy("Signs off responses to recommendations")),
    (
        Role.ORGANISATION_ADMIN.value,
        gettext_lazy("Administers the organisation’s users (invites and removes colleagues)"),
    ),
]


class InviteForm(GovukForm):
    email = forms.EmailField(
        label=gettext_lazy("Your colleague’s email address"),
        max_length=254,
        help_text=gettext_lazy("Use their work email address. The invitation link will be sent to it."),
        error_messages={
            "required": gettext_lazy("Enter your colleague’s email address"),
            "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=ROLE_CHOICES,
        error_messages={
            "required": gettext_lazy("Select a role for your colleague"),
            "invalid_choice": gettext_lazy("Select a role for your colleague"),
        },
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
