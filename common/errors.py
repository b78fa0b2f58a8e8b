"""The page for an uncaught error: 503 when the database cannot be reached, 500 otherwise.

Django calls ``handler500`` inside its ``except`` block, so the exception is still at hand. A lost
database connection (PostgreSQL restarted, a failover, SQLite's file locked past its timeout) is
not a bug in the service but a moment it cannot answer: the person is told to try again in a few
minutes, with ``Retry-After``, and that what they just sent was not saved (its transaction was
rolled back) while everything saved before is kept. The next request opens a new connection
(``CONN_HEALTH_CHECKS``), so the service recovers by itself.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: rendered without the request's context, so it needs nothing that can fail
    (no database, no session), only templates and static file names."""
    if database_unavailable(sys.exc_info()[1]):
        response: HttpResponse
        if request.path.startswith("/api/"):
            detail = "The service is unavailable for a moment. Try again in a few minutes."
            response = JsonResponse({"detail": detail}, status=503)
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
