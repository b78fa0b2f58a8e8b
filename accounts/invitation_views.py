"""Accepting an invitation from an organisation administrator (``accounts.invitations``).

Someone new chooses a name and password (step 1), then sets up an authenticator app and enters
its first code (step 2); only then are they given the role and signed in. Someone with an account
signs in as usual and accepts with a button. A link that no longer works (unknown, expired,
withdrawn, replaced or used) gets a page saying why, never an error.

Between the two steps the session remembers who is half-way, for ``PENDING_SECONDS``; the account
made in step 1 cannot sign in (it has no confirmed app) and has no role, and the link still works,
so someone who lost their place starts step 1 again.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.decorators import is_verified
from accounts import forms, services
from accounts.invitations import (
    InvitationError,
    WrongCode,
    accept_invitation,
    account_for,
    confirm_invited_account,
    find_invitation,
    invitation_path,
    may_set_up_through_invitation,
    refusal,
    start_invited_account,
)
from accounts.models import Invitation, InvitationState
from accounts.views import _msg_wait, _seconds_until_code_allowed, landing_url_for

PENDING_INVITATION = "accounts_pending_invitation"
PENDING_SECONDS = 30 * 60
# The backend that signs in someone who has just proved both factors here.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    # Gone (410) for a real invitation that has ended; not found for a token that was never one.
    status = 404 if invitation is None else 410
    return render(
        request,
        "accounts/invitation_refused.html",
        {
            "reason": refusal(invitation),
            "accepted": invitation is not None and invitation.state == InvitationState.ACCEPTED,
        },
        status=status,
    )


def _open_invitation(token: str) -> tuple[Invitation | None, bool]:
    invitation = find_invitation(token)
    return invitation, invitation is not None and not refusal(invitation)


def _mode(request: HttpRequest, invitation: Invitation) -> str:
    """What the page offers: ``accept`` (signed in as the address invited), ``other_account``
    (signed in as someone else), ``sign_in`` (the address has an account in use) or ``new``."""
    if is_verified(request.user):
        return "accept" if request.user.email == invitation.email else "other_account"  # type: ignore[union-attr]
    if not may_set_up_through_invitation(account_for(invitation.email)):
        return "sign_in"
    return "new"


@method_decorator([sensitive_post_parameters("password1", "password2"), never_cache], name="dispatch")
class InvitationView(View):
    template_name = "accounts/invitation.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, usable = _open_invitation(token)
        if not usable or invitation is None:
            return _refused(request, invitation)
        return self._render(request, invitation, token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, usable = _open_invitation(token)
        if not usable or invitation is None:
            return _refused(request, invitation)
        mode = _mode(request, invitation)
        if mode == "accept":
            try:
                accept_invitation(invitation, user=request.user)  # type: ignore[arg-type]
            except InvitationError as error:
                if refusal(find_invitation(token)):
                    return _refused(request, find_invitation(token))
                return self._render(request, invitation, token, error=str(error))
            messages.success(
                request,
                _("You have accepted the invitation. Your role at %(organisation)s: %(role)s.")
                % {"role": invitation.get_role_display(), "organisation": invitation.organisation.name},
            )
            return redirect(landing_url_for(request.user))
        if mode != "new":
            return self._render(request, invitation, token)
        form = forms.InvitedAccountForm(request.POST, email=invitation.email)
        if not form.is_valid():
            return self._render(request, invitation, token, form=form)
        try:
            device = start_invited_account(
                invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except InvitationError as error:
            if refusal(find_invitation(token)):
                return _refused(request, find_invitation(token))
            form.add_error(None, str(error))
            return self._render(request, invitation, token, form=form)
        # A fresh session key before remembering anything about the person (session fixation).
        request.session.cycle_key()
        request.session[PENDING_INVITATION] = {
            "invitation_id": invitation.pk,
            "user_id": device.user_id,
            "device_id": device.pk,
            "since": time.time(),
        }
        return redirect("accounts:invitation_authenticator", token=token)

    def _render(
        self, request: HttpRequest, invitation: Invitation, token: str, form: Any = None, error: str = ""
    ) -> HttpResponse:
        mode = _mode(request, invitation)
        context = {
            "page_error": error,
            "invitation": invitation,
            "mode": mode,
            "form": form or forms.InvitedAccountForm(email=invitation.email),
            "sign_in_url": f"{reverse('accounts:login')}?next={invitation_path(token)}",
        }
        return render(request, self.template_name, context)


def _pending_device(request: HttpRequest, invitation: Invitation) -> TOTPDevice | None:
    pending = request.session.get(PENDING_INVITATION)
    if not pending or pending.get("invitation_id") != invitation.pk:
        return None
    if time.time() - pending["since"] > PENDING_SECONDS or invitation.account_id != pending["user_id"]:
        del request.session[PENDING_INVITATION]
        return None
    return (
        TOTPDevice.objects.select_related("user")
        .filter(pk=pending["device_id"], user_id=pending["user_id"], confirmed=False)
        .first()
    )


def grouped_key(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it, in groups of 4 to copy by hand."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class InvitationAuthenticatorView(View):
    template_name = "accounts/invitation_authenticator.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, usable = _open_invitation(token)
        if not usable or invitation is None:
            return _refused(request, invitation)
        device = _pending_device(request, invitation)
        if device is None:
            return redirect("accounts:invitation", token=token)
        return self._render(request, invitation, device, forms.SetUpCodeForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation, usable = _open_invitation(token)
        if not usable or invitation is None:
            return _refused(request, invitation)
        device = _pending_device(request, invitation)
        if device is None:
            return redirect("accounts:invitation", token=token)
        form = forms.SetUpCodeForm(request.POST)
        if not form.is_valid():
            return self._render(request, invitation, device, form)
        wait, failures = _seconds_until_code_allowed([device])
        if wait:
            form.add_error("code", _msg_wait(wait, failures))
            return self._render(request, invitation, device, form)
        try:
            confirm_invited_account(invitation, device=device, code=form.cleaned_data["code"])
        except WrongCode as error:
            form.add_error("code", str(error))
            return self._render(request, invitation, device, form)
        except InvitationError:
            return _refused(request, find_invitation(token))
        del request.session[PENDING_INVITATION]
        device.refresh_from_db()
        user = device.user
        login(request, user, backend=MODEL_BACKEND)  # rotates the session key
        otp_login(request, device)
        services.record_sign_in(user=user, device=device)
        messages.success(
            request,
            _("Your account is set up. Your role at %(organisation)s: %(role)s.")
            % {"role": invitation.get_role_display(), "organisation": invitation.organisation.name},
        )
        return redirect(landing_url_for(user))

    def _render(
        self, request: HttpRequest, invitation: Invitation, device: TOTPDevice, form: forms.SetUpCodeForm
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "form": form,
                "key": grouped_key(device),
                "config_url": device.config_url,
            },
        )
