from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.middleware import start_session_clock


def start_session_clock_on_sign_in(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    # Whichever way someone signed in, their 12 hours start now.
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
