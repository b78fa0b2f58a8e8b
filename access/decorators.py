"""Gatekeepers for the signed-in parts of the service (/portal/ and /casework/).

Signed in is not enough: every page for organisations and authorities needs the second factor too,
so a stolen password alone opens nothing. Anonymous and half-signed-in visitors are both sent to the
sign-in page, with ``?next=`` so they come back where they were.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase

# What the view returns: a page (HttpResponse) or a download (FileResponse), kept through the decorator.
_R = TypeVar("_R", bound=HttpResponseBase)


def is_verified(user: Any) -> bool:
    """Signed in with a password and a code from a confirmed device (django-otp)."""
    if user is None or not user.is_authenticated:
        return False
    # OTPMiddleware installs is_verified on request.user; a user object from elsewhere has not been
    # through the second factor in this request.
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


def verified_login_required(view: Callable[..., _R]) -> Callable[..., _R | HttpResponse]:
    """Let the view run only for a user signed in with both factors; send anyone else to sign in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> _R | HttpResponse:
        if not is_verified(request.user):
            return _to_sign_in(request)
        return view(request, *args, **kwargs)

    return wrapper


class VerifiedLoginRequiredMixin:
    """The class-based form of ``verified_login_required``; put it first among the bases."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_verified(request.user):
            return _to_sign_in(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
