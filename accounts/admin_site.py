"""The Django admin, behind the same two-factor sign-in as the rest of the service.

django-otp's OTPAdminSite treats anyone not verified by a device as not staff. Its own login form is
not used: the admin's login page sends people to the service's sign-in page, so there is one sign-in
journey, with one lock-out, one audit record and one accessible page (docs/decisions/0005-sign-in.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite

from access.decorators import is_verified


class VerifiedAdminSite(OTPAdminSite):
    """The admin for staff signed in with both factors."""

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        if self.has_permission(request):
            return redirect(next_url)
        if is_verified(request.user):
            # Fully signed in but not staff: sending them to sign in again would loop.
            raise PermissionDenied
        return redirect_to_login(next_url, settings.LOGIN_URL)
