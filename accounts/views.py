"""Signing in (password, then a code from an authenticator app), signing out, keeping a session
alive, the lock-out page and resetting a password.

Signing in is two steps. Step 1 checks the e-mail address and password through django-axes, which
counts failures per (address, IP address) and pauses sign-in for 15 minutes after 5. A correct
password only remembers, for a few minutes, who is half-way through; nobody is signed in until step 2
accepts a code from one of the user's confirmed TOTP devices. Wrong codes count towards the same
lock-out, and the device itself slows down repeated wrong codes.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    REDIRECT_FIELD_NAME,
    authenticate,
    get_user_model,
    login,
    logout,
)
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import rules
from access.decorators import is_verified
from accounts import forms, services
from accounts.middleware import ENDED_REASON, session_lifetime
from common import ratelimit
from common.ratelimit import client_address

# Who is half-way through signing in: their id, the backend that checked the password, a hash
# that changes with the password, when step 1 passed and where to go afterwards.
PENDING_SIGN_IN = "accounts_pending_sign_in"
# Step 2 must follow step 1 within this many seconds, or the person starts again.
PENDING_SIGN_IN_SECONDS = 5 * 60

SIGN_IN_EXPIRED = "sign_in_expired"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def landing_url_for(user: Any) -> str:
    """Where someone goes after signing in when no page asked for it: their own part of the site."""
    candidates = []
    if rules.is_dma_staff(user):
        candidates.append("casework:home")
    if rules.memberships_of(user):
        candidates.append("portal:home")
    if user.is_staff:
        candidates.append("admin:index")
    for name in candidates:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return str(settings.LOGIN_REDIRECT_URL)


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending:
        return None
    if time.time() - pending["since"] > PENDING_SIGN_IN_SECONDS:
        del request.session[PENDING_SIGN_IN]
        request.session[ENDED_REASON] = SIGN_IN_EXPIRED
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user_id"], is_active=True).first()
    # A password changed since step 1 cancels the half-finished sign-in.
    if user is None or not constant_time_compare(pending["hash"], user.get_session_auth_hash()):
        del request.session[PENDING_SIGN_IN]
        return None
    return user, pending


def sign_in_paused(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page django-axes shows after too many failed attempts (AXES_LOCKOUT_CALLABLE)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 15 * 60
    response = render(
        request,
        "accounts/sign_in_paused.html",
        {"minutes": math.ceil(seconds / 60)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response


@method_decorator([sensitive_post_parameters("password"), never_cache], name="dispatch")
class SignInView(View):
    """Step 1: e-mail address and password."""

    template_name = "accounts/sign_in.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = _safe_next(request, request.GET.get(REDIRECT_FIELD_NAME))
        if is_verified(request.user):
            return redirect(next_url or landing_url_for(request.user))
        return self._render(request, forms.SignInForm(), next_url)

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = _safe_next(request, request.POST.get(REDIRECT_FIELD_NAME))
        form = forms.SignInForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, next_url)
        email = form.cleaned_data["email"]
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return sign_in_paused(request)
        if user is None:
            # One message whether the address is unknown, the password wrong or the account
            # disabled: the page must not tell a stranger which addresses have accounts.
            form.add_error("email", gettext("The email address or password is not correct"))
            return self._render(request, form, next_url)
        if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            return render(request, "accounts/sign_in_no_device.html", status=403)
        # A fresh session key before remembering anything about the person (session fixation).
        request.session.cycle_key()
        request.session[PENDING_SIGN_IN] = {
            "user_id": user.pk,
            "backend": user.backend,  # type: ignore[attr-defined]  # set by authenticate()
            "hash": user.get_session_auth_hash(),
            "since": time.time(),
            "next": next_url,
        }
        return redirect("accounts:sign_in_code")

    def _render(self, request: HttpRequest, form: forms.SignInForm, next_url: str) -> HttpResponse:
        context = {
            "form": form,
            "next": next_url,
            "ended": request.session.pop(ENDED_REASON, None),
        }
        return render(request, self.template_name, context)


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class SecurityCodeView(View):
    """Step 2: a 6-digit code from the user's authenticator app."""

    template_name = "accounts/sign_in_code.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if _pending_user(request) is None:
            return redirect("accounts:login")
        return render(request, self.template_name, {"form": forms.SecurityCodeForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        from axes.handlers.proxy import AxesProxyHandler

        found = _pending_user(request)
        if found is None:
            return redirect("accounts:login")
        user, pending = found
        credentials = {settings.AXES_USERNAME_FORM_FIELD: user.email}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return sign_in_paused(request)
        form = forms.SecurityCodeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})

        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        wait, failures = _seconds_until_code_allowed(devices)
        if wait:
            form.add_error("code", _msg_wait(wait, failures))
            return render(request, self.template_name, {"form": form})
        device = None
        for candidate in devices:
            device = verify_token(user, candidate.persistent_id, form.cleaned_data["code"])
            if device is not None:
                break
        if device is None:
            # Counted by django-axes with the password failures of the same address and IP.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request, step="code")
            if getattr(request, "axes_locked_out", False):
                return sign_in_paused(request)
            form.add_error(
                "code",
                gettext("The security code is not correct. Enter the code your authenticator app shows now"),
            )
            return render(request, self.template_name, {"form": form})

        del request.session[PENDING_SIGN_IN]
        login(request, user, backend=pending["backend"])  # rotates the session key again
        otp_login(request, device)
        services.record_sign_in(user=user, device=device)
        return redirect(pending["next"] or landing_url_for(user))


def _seconds_until_code_allowed(devices: list[TOTPDevice]) -> tuple[int, int]:
    """(0, 0) if some device may check a code now; otherwise how long until the first one may, and
    how many wrong codes in a row that device has had."""
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if allowed:
            return 0, 0
        locked_until = (info or {}).get("locked_until")
        wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
        waits.append((wait, int(info.get("failure_count", 0)) if info else 0))
    return min(waits) if waits else (0, 0)


# The device makes a person wait after every wrong code (1 second, then 2, 4...). After one or two
# that is only the pause before the next try, and "too many times" would be untrue.
MANY_WRONG_CODES = 3


def _msg_wait(seconds: int, failures: int) -> str:
    if failures < MANY_WRONG_CODES:
        return ngettext(
            "The security code you entered was wrong. Wait %(count)d second, then enter the code your "
            "authenticator app shows now",
            "The security code you entered was wrong. Wait %(count)d seconds, then enter the code your "
            "authenticator app shows now",
            seconds,
        ) % {"count": seconds}
    return ngettext(
        "You entered a wrong code too many times in a row. Wait %(count)d second, then try again",
        "You entered a wrong code too many times in a row. Wait %(count)d seconds, then try again",
        seconds,
    ) % {"count": seconds}


@method_decorator(never_cache, name="dispatch")
class SignOutView(View):
    """GET asks to confirm; POST signs out. ``reason=timeout`` comes from the timeout warning."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return render(request, "accounts/sign_out.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        timed_out = request.POST.get("reason") == "timeout"
        if request.user.is_authenticated:
            services.record_sign_out(user=request.user, reason="timeout" if timed_out else "user")  # type: ignore[arg-type]
        logout(request)
        return redirect("accounts:timed_out" if timed_out else "accounts:signed_out")


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


def timed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/timed_out.html", {"idle_minutes": settings.SESSION_COOKIE_AGE // 60})


@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Called by "Stay signed in". Any request by a signed-in user restarts the idle clock (see
    accounts.middleware); this one reports how long the session now has left."""
    lifetime = session_lifetime(request)
    if not request.user.is_authenticated or lifetime is None:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(
        {
            "signed_in": True,
            "seconds_left": lifetime.seconds_left,
            "ends_at": lifetime.ends_at.isoformat(),
            "by_absolute_limit": lifetime.by_absolute_limit,
        }
    )


# Password reset: Django's views, with our forms and GOV.UK templates. The link works once (its
# token is made from the password hash and last sign-in, both of which change) and for at most
# PASSWORD_RESET_TIMEOUT seconds (one hour).
RESET_LIMIT_BY_ACCOUNT = "password-reset-account"
RESET_LIMIT_BY_ADDRESS = "password-reset-address"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, rate-limited per e-mail address asked for and per client address.

    Both limits count what was typed, whether or not an account has that address, so neither
    tells anyone who has an account. Past the limit for one e-mail address the page is the usual
    "Check your email" and no e-mail goes out; past the limit for the client address the page says
    plainly to wait. Every request is on the audit trail.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        address = client_address(request)
        hour = 60 * 60
        wait = ratelimit.hit(
            ratelimit.Limit(RESET_LIMIT_BY_ADDRESS, settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, hour), address
        )
        if wait:
            form = self.get_form()
            email = form.cleaned_data["email"] if form.is_valid() else ""
            services.record_password_reset_request(
                email=email, user=_active_account(email), address=address, throttled="address"
            )
            response = render(
                request,
                "accounts/password_reset_paused.html",
                {"minutes": math.ceil(wait / 60)},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: forms.PasswordResetForm) -> HttpResponse:  # type: ignore[override]
        email = form.cleaned_data["email"]
        address = client_address(self.request)
        limit = ratelimit.Limit(RESET_LIMIT_BY_ACCOUNT, settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT, 60 * 60)
        throttled = "account" if ratelimit.hit(limit, email) else ""
        services.record_password_reset_request(
            email=email, user=_active_account(email), address=address, throttled=throttled
        )
        if throttled:
            # The same page as when a link is sent: the limit must not reveal whether it would be.
            return redirect(self.get_success_url())
        return super().form_valid(form)


def _active_account(email: str) -> Any:
    if not email:
        return None
    return get_user_model()._default_manager.filter(email__iexact=email, is_active=True).first()


password_reset = PasswordResetView.as_view(
    form_class=forms.PasswordResetForm,
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
    extra_email_context={"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html",
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=forms.SetPasswordForm,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html",
)
