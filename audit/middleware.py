from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import Actor, acting_as, new_request_id


def actor_for_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Actor(user=None, label="anonymous")
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    return Actor(
        user=user,
        label=user.email,
        organisation_id=membership.organisation_id if membership else None,
        organisation_label=membership.organisation.name if membership else "",
    )


class RequestIdMiddleware:
    """Gives each request an id (echoed as ``X-Request-ID``) and puts its actor in context.

    The actor is resolved only when something is recorded, so public pages cost no query for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with acting_as(lambda: actor_for_request(request), request_id=request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
