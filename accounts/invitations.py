"""Invitations: an organisation administrator invites a colleague to a role at their organisation.

The link carries a random token; only its SHA-256 is stored. A person new to the service chooses a
password and sets up an authenticator app through the link, and only when the app gives a right
code is the membership created (``confirm_invited_account``). Someone who already has an account
signs in as usual (both factors) and then accepts (``accept_invitation``). Until then the link
works again, so a half-finished set-up is never a dead end, until it expires or is revoked.

Every write locks the invitation, checks its state, writes the audit event in the same
transaction and, where someone must be told, writes the message to the outbox.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.rules import forget_memberships, may_manage_users
from accounts.models import (
    INVITABLE_ROLES,
    INVITATION_TRANSITIONS,
    Invitation,
    InvitationState,
    Membership,
    Role,
    User,
)
from accounts.services import _record_event, add_membership
from common.site import absolute_url
from deadlines.calendar import long_date
from deadlines.rules import LONDON
from organisations.models import Organisation

EMAIL_TEMPLATE = "accounts/email/invitation.txt"
TOTP_DEVICE_NAME = "Authenticator app"


class InvitationError(Exception):
    """A change to an invitation or a membership that its state does not allow; the message is
    plain English for the person who asked."""


class WrongCode(InvitationError):
    """The authenticator app's code did not match; the person may try again."""


@dataclass(frozen=True)
class NewInvitation:
    """An invitation just made, with the token of its link: the only time the token exists."""

    invitation: Invitation
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_path(token: str) -> str:
    return reverse("accounts:invitation", args=[token])


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state, or None."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by", "account")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def refusal(invitation: Invitation | None, *, at: datetime.datetime | None = None) -> str:
    """Why this invitation's link no longer works, in plain English; "" while it does."""
    if invitation is None:
        return _("This invitation link is not right. Check you copied all of it from the email.")
    if invitation.state == InvitationState.ACCEPTED:
        return _("This invitation has already been accepted. Sign in to use the service.")
    if invitation.state == InvitationState.REVOKED:
        return _("This invitation has been withdrawn. Ask your organisation’s administrator for a new one.")
    if invitation.state == InvitationState.REPLACED:
        return _(
            "A newer invitation has been sent to this email address. Use the link in the most recent email."
        )
    if invitation.is_expired(_now(at)):
        return _("This invitation has expired. Ask your organisation’s administrator to invite you again.")
    return ""


def _check_open(invitation: Invitation, at: datetime.datetime) -> None:
    reason = refusal(invitation, at=at)
    if reason:
        raise InvitationError(reason)


def _move(invitation: Invitation, target: InvitationState) -> None:
    if target not in INVITATION_TRANSITIONS[InvitationState(invitation.state)]:
        raise InvitationError(refusal(invitation) or _("This invitation cannot be changed."))


def _facts(invitation: Invitation) -> dict[str, Any]:
    # Never the token or its hash: the audit trail is read by more people than the invitee.
    return {
        "organisation": invitation.organisation.name,
        "email": invitation.email,
        "role": invitation.role,
        "state": invitation.state,
        "expires_at": invitation.expires_at.isoformat(),
    }


def _normalise(email: str) -> str:
    return email.strip().lower()


def invite_colleague(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: User,
    at: datetime.datetime | None = None,
) -> NewInvitation:
    """Invite ``email`` to take ``role`` at ``organisation``, on behalf of an administrator of it.

    An open invitation to the same address at the same organisation is replaced: its link stops
    working and only the newest one counts.

    Side effects: the replaced invitation (if any) becomes ``replaced`` with audit event
    ``invitation.replaced``; a new invitation with audit event ``invitation.created``; an e-mail
    with the link to ``email`` through the outbox (dedupe key ``invitation:<pk>``).
    """
    moment = _now(at)
    email = _normalise(email)
    if role not in INVITABLE_ROLES:
        raise InvitationError(_("Choose a role for your colleague"))
    if not may_manage_users(invited_by, organisation):
        raise InvitationError(_("Only an administrator of the organisation can invite colleagues to it."))
    if Membership.objects.filter(user__email=email, organisation=organisation, role=role).exists():
        raise InvitationError(
            _("%(email)s already has this role at %(organisation)s.")
            % {"email": email, "organisation": organisation.name}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        for old in Invitation.objects.select_for_update().filter(
            organisation=organisation, email=email, state=InvitationState.OPEN
        ):
            before = _facts(old)
            old.state = InvitationState.REPLACED
            old.revoked_at = moment
            old.save(update_fields=["state", "revoked_at"])
            _record_event(action="invitation.replaced", obj=old, before=before, after=_facts(old))
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by,
            created_at=moment,
            expires_at=moment + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        _record_event(
            action="invitation.created",
            obj=invitation,
            after={**_facts(invitation), "invited_by": invited_by.email},
        )
        _send_invitation(invitation, token)
    return NewInvitation(invitation=invitation, token=token)


def _moment_text(moment: datetime.datetime) -> str:
    """A moment as GOV.UK writes it, in London time: "9:30am on Monday 8 March 2027"."""
    local = timezone.localtime(moment, LONDON)
    hour = local.hour % 12 or 12
    return _("%(time)s on %(day)s") % {
        "time": f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}",
        "day": long_date(local.date()),
    }


def _send_invitation(invitation: Invitation, token: str) -> None:
    inviter = invitation.invited_by
    # In English, as the e-mails to addressees are, whatever language the administrator's pages
    # are in; the link too (its page has the language switcher).
    with translation.override(settings.LANGUAGE_CODE):
        _enqueue_invitation(invitation, token, inviter)


def _enqueue_invitation(invitation: Invitation, token: str, inviter: User | None) -> None:
    from outbox.services import enqueue_message

    enqueue_message(
        to=[invitation.email],
        subject=_("You are invited to the police super-complaints service"),
        template=EMAIL_TEMPLATE,
        context={
            "organisation": invitation.organisation.name,
            "role": str(Role(invitation.role).label),
            "invited_by": (inviter.full_name or inviter.email) if inviter else "",
            "url": absolute_url(invitation_path(token)),
            "expires": _moment_text(invitation.expires_at),
        },
        dedupe_key=f"invitation:{invitation.pk}",
        about=invitation,
        language=settings.LANGUAGE_CODE,
    )


def revoke_invitation(invitation: Invitation, *, by: User, at: datetime.datetime | None = None) -> Invitation:
    """Withdraw an open invitation: its link stops working. Nothing happens if already revoked.

    Side effects: the invitation becomes ``revoked``; audit event ``invitation.revoked``.
    """
    moment = _now(at)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        )
        if not may_manage_users(by, invitation.organisation):
            raise InvitationError(
                _("Only an administrator of the organisation can withdraw its invitations.")
            )
        if invitation.state == InvitationState.REVOKED:
            return invitation
        _move(invitation, InvitationState.REVOKED)
        before = _facts(invitation)
        invitation.state = InvitationState.REVOKED
        invitation.revoked_at = moment
        invitation.save(update_fields=["state", "revoked_at"])
        _record_event(action="invitation.revoked", obj=invitation, before=before, after=_facts(invitation))
    return invitation


def account_for(email: str) -> User | None:
    return User.objects.filter(email=_normalise(email)).first()


def may_set_up_through_invitation(user: User | None) -> bool:
    """Whether the invitation's link may choose the password and authenticator app of this account.

    Only for an account that opens nothing yet: no confirmed authenticator app, no role anywhere,
    not staff. That is an account half set up through an invitation (the person left before
    confirming the app) and nothing else, so the link can never take over an account in use; the
    owner of one signs in and accepts instead.
    """
    if user is None:
        return True
    return (
        user.is_active
        and not user.is_staff
        and not user.is_superuser
        and not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        and not Membership.objects.filter(user=user).exists()
    )


def start_invited_account(
    invitation: Invitation, *, full_name: str, password: str, at: datetime.datetime | None = None
) -> TOTPDevice:
    """Step 1 of accepting for someone new: the account with their name and password, and a new
    authenticator app key, not yet confirmed. The account still cannot sign in (sign-in asks for a
    confirmed app) and has no role: ``confirm_invited_account`` does that.

    Doing it again (the person came back through the link) sets the name and password again and
    replaces the unconfirmed key, since the old one may have been seen on another screen.

    Side effects: the account is created (audit ``account.created``) or its name and password set
    (``account.password_set``); earlier unconfirmed apps of the account deleted
    (``account.totp_device_removed``); a new unconfirmed app (``account.totp_device_added``); the
    invitation remembers the account (``invitation.set_up_started``).
    """
    from accounts import services

    moment = _now(at)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        )
        _check_open(invitation, moment)
        user = User.objects.select_for_update().filter(email=invitation.email).first()
        if not may_set_up_through_invitation(user):
            raise InvitationError(
                _("There is already an account for %(email)s. Sign in to accept the invitation.")
                % {"email": invitation.email}
            )
        if user is None:
            user = services.create_account(
                email=invitation.email, full_name=full_name.strip(), password=password
            )
        else:
            user.full_name = full_name.strip()
            user.save(update_fields=["full_name"])
            services.set_password(user=user, password=password, reason="invitation")
            for device in TOTPDevice.objects.devices_for_user(user, confirmed=False):
                services.remove_totp_device(device=device)
        device = services.add_totp_device(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        invitation.account = user
        invitation.save(update_fields=["account"])
        _record_event(
            action="invitation.set_up_started",
            obj=invitation,
            after={**_facts(invitation), "account": user.email},
        )
    return device


def confirm_invited_account(
    invitation: Invitation, *, device: TOTPDevice, code: str, at: datetime.datetime | None = None
) -> Membership:
    """Step 2 for someone new: a right code from the authenticator app confirms it, and only then
    is the invitation accepted and the role given.

    A wrong code raises ``WrongCode`` and counts towards the app's own slowing-down of repeated
    wrong codes (django-otp), which is kept although the invitation is not accepted.

    Side effects: the app confirmed (audit ``account.totp_device_confirmed``); the invitation
    ``accepted`` (``invitation.accepted``); the membership (``membership.created``).
    """
    moment = _now(at)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        )
        _check_open(invitation, moment)
        found = TOTPDevice.objects.select_for_update().select_related("user").filter(pk=device.pk).first()
        # The key shown was replaced (the person started again) or belongs to another account.
        if found is None or found.user_id != invitation.account_id or found.confirmed:
            raise InvitationError(_("Start again from the link in your invitation email."))
        device = found
        # verify_token records a wrong code on the device; it must commit, so no raise in here.
        right = device.verify_token(code)
        if right:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _record_event(
                action="account.totp_device_confirmed",
                obj=device.user,
                after={"device": device.persistent_id},
            )
            membership = _accept(invitation, device.user, moment)
    if not right:
        raise WrongCode(
            _("The security code is not correct. Enter the code your authenticator app shows now")
        )
    return membership


def accept_invitation(
    invitation: Invitation, *, user: User, at: datetime.datetime | None = None
) -> Membership:
    """Someone who already has an account, signed in with both factors as the address invited,
    accepts. (The view checks the second factor; this checks the address and the account.)

    Side effects: the invitation ``accepted`` (audit ``invitation.accepted``); the membership
    (``membership.created``).
    """
    moment = _now(at)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        )
        _check_open(invitation, moment)
        if _normalise(user.email) != invitation.email:
            raise InvitationError(
                _("This invitation is for %(email)s. Sign out, then sign in as %(email)s to accept it.")
                % {"email": invitation.email}
            )
        if not user.is_active or not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            raise InvitationError(_("Sign in to accept the invitation."))
        return _accept(invitation, user, moment)


def _accept(invitation: Invitation, user: User, moment: datetime.datetime) -> Membership:
    _move(invitation, InvitationState.ACCEPTED)
    before = _facts(invitation)
    invitation.state = InvitationState.ACCEPTED
    invitation.accepted_at = moment
    invitation.accepted_by = user
    invitation.account = user
    invitation.save(update_fields=["state", "accepted_at", "accepted_by", "account"])
    _record_event(
        action="invitation.accepted",
        obj=invitation,
        before=before,
        after={**_facts(invitation), "accepted_by": user.email},
    )
    return add_membership(user=user, organisation=invitation.organisation, role=invitation.role)


def remove_membership(membership: Membership, *, by: User) -> None:
    """An organisation administrator takes a role away from a member of their organisation.

    The last administrator of an organisation cannot remove that role (their own): the
    organisation would be left with nobody to manage its users.

    Side effects: the membership deleted; audit event ``membership.removed``.
    """
    with transaction.atomic():
        found = Membership.objects.select_related("user", "organisation").filter(pk=membership.pk).first()
        if found is None:
            return
        organisation = found.organisation
        if not may_manage_users(by, organisation):
            raise InvitationError(
                _("Only an administrator of the organisation can remove its members’ roles.")
            )
        if found.role not in INVITABLE_ROLES:
            raise InvitationError(_("This role is given by the service’s administrators, not here."))
        if found.role == Role.ORGANISATION_ADMIN:
            # Lock every administrator of the organisation, always in the same order, so two
            # administrators removing each other at once cannot both pass this check (nor deadlock).
            admins = list(
                Membership.objects.select_for_update(of=("self",))
                .filter(organisation=organisation, role=Role.ORGANISATION_ADMIN)
                .order_by("pk")
                .values_list("pk", "user_id", "user__is_active")
            )
            if found.pk not in {pk for pk, _, _ in admins}:
                return  # removed meanwhile
            if by.pk not in {user_id for _, user_id, _ in admins}:
                # Their own administrator role was removed while they asked.
                raise InvitationError(
                    _("Only an administrator of the organisation can remove its members’ roles.")
                )
            if not any(active for pk, _, active in admins if pk != found.pk):
                raise InvitationError(
                    _(
                        "You are the only administrator of %(organisation)s, so you cannot remove this "
                        "role. Invite a colleague as an administrator first."
                    )
                    % {"organisation": organisation.name}
                )
        elif not Membership.objects.select_for_update().filter(pk=found.pk).exists():
            return  # removed meanwhile
        _record_event(
            action="membership.removed",
            obj=found,
            before={"user": found.user.email, "organisation": organisation.name, "role": found.role},
        )
        found.delete()
    forget_memberships(found.user)
    forget_memberships(by)
