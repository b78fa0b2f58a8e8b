"""Forms for signing in and resetting a password, with GOV.UK error messages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from common.forms import GovukForm, GovukFormMixin

CODE_PATTERN = re.compile(r"^[0-9]{6}$")


def normalise_email(value: str) -> str:
    # Sign-in, lock-out counting and the database all use one spelling of an address.
    return value.strip().lower()


class SignInForm(GovukForm):
    """Step 1: e-mail address and password. Checking them is the view's job (it needs the request)."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class SecurityCodeForm(GovukForm):
    """Step 2: the 6-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Enter your security code"),
        help_text=_("Enter the 6-digit code shown in your authenticator app."),
        error_messages={"required": _("Enter the security code")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "maxlength": "12",
            }
        ),
    )

    def clean_code(self) -> str:
        # People copy codes as "123 456" or "123-456"; the digits are what count.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(_("Enter the security code as 6 digits, like 123456"))
        return code


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    """Ask for the address to send a reset link to. The reply is the same whether or not the address
    belongs to an account, so the page cannot be used to find out who has one."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The link's scheme and host come from SITE_URL, never from the request's Host header,
        # which the person asking (or an attacker asking for someone else) chooses.
        scheme, _, host = settings.SITE_URL.partition("://")
        kwargs["domain_override"] = host
        kwargs["use_https"] = scheme == "https"
        super().save(*args, **kwargs)

    def get_users(self, email: str) -> Iterator[User]:
        # Unlike Django's form, this includes active accounts that have no password yet: an
        # administrator creates an account without one, and its owner sets the first one here.
        yield from User._default_manager.filter(email__iexact=email, is_active=True)


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    """Choose a new password; saved through ``accounts.services.set_password`` so it is audited."""

    error_messages = {"password_mismatch": _("The passwords do not match")}

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        new1, new2 = self.fields["new_password1"], self.fields["new_password2"]
        new1.label = _("New password")
        new1.help_text = _("Use at least 12 characters. Avoid common words and your email address.")
        new1.error_messages["required"] = _("Enter a new password")
        new2.label = _("Confirm new password")
        new2.help_text = ""
        new2.error_messages["required"] = _("Confirm your new password")

    def clean(self) -> dict[str, Any]:
        # The password's own problems belong next to the password, not next to its confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data

    def save(self, commit: bool = True) -> User:
        password = self.cleaned_data["new_password1"]
        if not commit:
            self.user.set_password(password)
            return self.user
        return services.set_password(user=self.user, password=password, reason="reset")


class InvitedAccountForm(GovukForm):
    """Accepting an invitation as someone new: their name and a password (Django's validators)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Create a password"),
        help_text=_("Use at least 12 characters. Avoid common words and your email address."),
        strip=False,
        error_messages={"required": _("Enter a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm your password"),
        strip=False,
        error_messages={"required": _("Confirm your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The passwords do not match"))
        if password1:
            # Checked against the name and address too, so neither can be the password.
            candidate = User(email=self.email, full_name=cleaned.get("full_name") or "")
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SetUpCodeForm(SecurityCodeForm):
    """The first code from a newly set-up authenticator app, which confirms it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Enter the 6-digit code from your authenticator app")
        self.fields["code"].help_text = _("The app shows a new code every 30 seconds.")
