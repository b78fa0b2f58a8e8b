"""An organisation administrator's pages: their organisation's users and roles, invitations to
colleagues (sent, withdrawn), and removing a member's role. Only an administrator of that
organisation sees them (``access.rules.may_manage_users``); for anyone else, and for another
organisation's invitations and members, they are a 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decorators import verified_login_required
from access.rules import has_role, may_manage_users, organisations_managed_by
from accounts.invitations import InvitationError, invite_colleague, remove_membership, revoke_invitation
from accounts.models import INVITABLE_ROLES, Invitation, InvitationState, Membership, Role
from organisations.models import Organisation
from portal.forms.users import InviteForm
from portal.views.common import posted


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not may_manage_users(request.user, organisation):
        raise Http404("No organisation matches the given query.")
    return organisation


@verified_login_required
def index(request: HttpRequest) -> HttpResponse:
    """The organisations the user administers; with one, straight to its users."""
    organisations = organisations_managed_by(request.user)
    if not organisations:
        raise Http404("No organisation matches the given query.")
    if len(organisations) == 1:
        return redirect("portal:users", slug=organisations[0].slug)
    return render(request, "portal/users/index.html", {"organisations": organisations})


def _members(organisation: Organisation) -> list[dict[str, Any]]:
    """Each member once, with their roles at the organisation, by name."""
    rows: dict[int, dict[str, Any]] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    for membership in memberships:
        row = rows.setdefault(membership.user_id, {"user": membership.user, "memberships": []})
        row["memberships"].append(membership)
    return list(rows.values())


@verified_login_required
def users(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    now = timezone.now()
    invitations = list(
        Invitation.objects.filter(organisation=organisation, state=InvitationState.OPEN)
        .select_related("invited_by")
        .order_by("expires_at", "pk")
    )
    return render(
        request,
        "portal/users/users.html",
        {
            "organisation": organisation,
            "members": _members(organisation),
            "invitations": [{"invitation": i, "expired": i.is_expired(now)} for i in invitations],
            "removable": [r.value for r in INVITABLE_ROLES],
        },
    )


@verified_login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invite_colleague(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
            )
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("portal:users", slug=organisation.slug)
    return render(
        request,
        "portal/users/invite.html",
        {"organisation": organisation, "form": form, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@verified_login_required
def revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=pk)
    if invitation.state != InvitationState.OPEN:
        return redirect("portal:users", slug=organisation.slug)
    error = ""
    if request.method == "POST":
        try:
            revoke_invitation(invitation, by=request.user)  # type: ignore[arg-type]
        except InvitationError as refused:
            error = str(refused)
        else:
            messages.success(
                request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email}
            )
            return redirect("portal:users", slug=organisation.slug)
    return render(
        request,
        "portal/users/revoke.html",
        {"organisation": organisation, "invitation": invitation, "error": error},
    )


@verified_login_required
def remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk, role__in=INVITABLE_ROLES
    )
    error = ""
    if request.method == "POST":
        try:
            remove_membership(membership, by=request.user)  # type: ignore[arg-type]
        except InvitationError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("%(name)s no longer has the role “%(role)s”.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
            if not has_role(request.user, organisation, Role.ORGANISATION_ADMIN):
                return redirect("portal:home")
            return redirect("portal:users", slug=organisation.slug)
    return render(
        request,
        "portal/users/remove.html",
        {
            "organisation": organisation,
            "membership": membership,
            "own": membership.user_id == request.user.pk,
            "error": error,
        },
    )
