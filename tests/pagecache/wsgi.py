"""Requests through the WSGI application as a server sends them (the test client goes round it)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.test import RequestFactory


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def __getitem__(self, name: str) -> str:
        return self.headers[name]


def environ(path: str, method: str = "GET", **extra: Any) -> dict[str, Any]:
    """A request for ``path`` as a server hands it on: no cookie unless ``HTTP_COOKIE`` is given."""
    built = RequestFactory().generic(method, path).environ
    built.pop("HTTP_COOKIE", None)
    built["wsgi.input"] = io.BytesIO()
    built.update(extra)
    return built


def call(application: Callable[..., Iterable[bytes]], path: str, method: str = "GET", **extra: Any) -> Answer:
    """Send one request through ``application``, read the whole body and close it, as a server does
    (closing sends ``request_finished``)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    result = application(environ(path, method, **extra), start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return Answer(int(seen["status"].split(" ", 1)[0]), dict(seen["headers"]), body)
