"""What every portal page for a designated body needs: its bodies, and fetching one of its
complaints so that another body's is not found (404, never 403: access.rules)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from access.decorators import verified_login_required
from access.rules import get_object_for_user_or_404, may_edit_draft, may_view_complaint, organisations_of
from accounts.models import Role
from complaints.models import ComplaintState, SuperComplaint, SuperComplaintQuerySet
from organisations.models import Organisation, OrganisationKind

# What a complaint's view returns: a page, or a download (FileResponse).
_R = TypeVar("_R", bound=HttpResponseBase)


def posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one, which must show its errors), else None."""
    return request.POST if request.method == "POST" else None


def bodies_of(user: Any) -> list[Organisation]:
    """The designated bodies the user acts for."""
    return [o for o in organisations_of(user, Role.BODY_MEMBER) if o.kind == OrganisationKind.DESIGNATED_BODY]


def body_complaints(user: Any) -> SuperComplaintQuerySet:
    """The complaints, drafts included, of the bodies the user acts for.

    The portal is the body's view: staff of the authorities, who may also view complaints, use
    casework instead, so this narrows to the user's own bodies before ``may_view_complaint`` is asked.
    """
    return SuperComplaint.objects.filter(complainants__in=[b.pk for b in bodies_of(user)]).distinct()


def get_body_complaint_or_404(user: Any, **lookup: Any) -> SuperComplaint:
    return get_object_for_user_or_404(body_complaints(user), user, rule=may_view_complaint, **lookup)


def draft_view(
    view: Callable[..., HttpResponse] | None = None, *, when_submitted: str = "portal:complaint"
) -> Any:
    """For a page of a draft: signed in with both factors, a member of the body (else 404), and the
    complaint still a draft (else off to the submitted complaint's page, ``when_submitted``)."""

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @verified_login_required
        @wraps(func)
        def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            complaint = get_body_complaint_or_404(request.user, pk=pk)
            if complaint.state != ComplaintState.DRAFT:
                return redirect(when_submitted, reference=complaint.reference)
            if not may_edit_draft(request.user, complaint):
                raise Http404("No draft matches the given query.")
            return func(request, complaint, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def complaint_view(view: Callable[..., _R]) -> Callable[..., _R | HttpResponse]:
    """For a page of a submitted complaint, found by its reference among the user's bodies' ones."""

    @verified_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, **kwargs: Any) -> _R:
        complaint = get_body_complaint_or_404(request.user, reference=reference)
        if complaint.state == ComplaintState.DRAFT:
            raise Http404("No complaint matches the given query.")
        return view(request, complaint, **kwargs)

    return wrapper
