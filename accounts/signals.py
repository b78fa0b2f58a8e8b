from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import start_session_clock


def start_session_clock_on_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    # Whichever way someone signed in, their 12 hours start now.
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


def _account_for(email: str) -> Any:
    from accounts.models import User

    return User._default_manager.filter(email__iexact=email).first() if email else None


def record_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """user_login_failed: a wrong password or a wrong code, on the audit trail."""
    from accounts.services import record_sign_in_failed
    from common.ratelimit import client_address

    email = str(credentials.get(settings.AXES_USERNAME_FORM_FIELD) or "")
    record_sign_in_failed(
        email=email,
        user=_account_for(email),
        step=kwargs.get("step", "password"),
        address=client_address(request) if request is not None else "",
        paused=bool(getattr(request, "axes_locked_out", False)),
    )


def record_lock_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    """axes' user_locked_out: sign-in paused for an account, an address or both."""
    from accounts.services import record_locked_out

    email = username or ""
    record_locked_out(email=email, user=_account_for(email), address=ip_address or "")
