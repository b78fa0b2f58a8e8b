"""Users and their memberships of organisations.

A user signs in with an e-mail address. What a user may do follows from their memberships: one row
per (user, organisation, role). The rules themselves live in ``access.rules``.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager["User"]):
    """Users are created by e-mail address; the user name is kept equal to it."""

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]
        email = self.normalize_email(email).lower()
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> User:  # type: ignore[override]
        email = self.normalize_email(email).lower()
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The e-mail address is the user name."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()  # type: ignore[assignment]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.email = self.email.strip().lower()
        self.username = self.email
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    BODY_MEMBER = "body_member", _("Member of a designated body")
    CASEWORKER = "caseworker", _("Super-complaints caseworker")
    CHIEF_INSPECTOR = "chief_inspector", _("Chief Inspector (or delegate)")
    DESIGNATIONS = "designations", _("Designations officer")
    RESPONDER = "responder", _("Responder for a recommendation addressee")
    SIGNATORY = "signatory", _("Signs off responses for a recommendation addressee")
    ORGANISATION_ADMIN = "organisation_admin", _("Administers users for an organisation")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


# The roles an organisation administrator may give a colleague (``accounts.invitations``): drafting
# responses to recommendations, signing them off, and administering the organisation's users, so
# that an organisation can have a second administrator without asking the service's own.
INVITABLE_ROLES = (Role.RESPONDER, Role.SIGNATORY, Role.ORGANISATION_ADMIN)


class InvitationState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced by a newer invitation")

    @classmethod
    def ended_states(cls) -> frozenset[InvitationState]:
        return frozenset({cls.ACCEPTED, cls.REVOKED, cls.REPLACED})


INVITATION_TRANSITIONS: dict[InvitationState, frozenset[InvitationState]] = {
    InvitationState.OPEN: frozenset(InvitationState.ended_states()),
    InvitationState.ACCEPTED: frozenset(),
    InvitationState.REVOKED: frozenset(),
    InvitationState.REPLACED: frozenset(),
}


class Invitation(models.Model):
    """An organisation administrator's invitation to a colleague to take a role there.

    The link's token is never stored: only its SHA-256 (``token_hash``), so a copy of the database
    opens no invitation. An invitation is open until it is accepted, revoked or replaced by a newer
    one to the same address; past ``expires_at`` an open one no longer works. Expiry is a credential
    lifetime checked when the link is used, like a password-reset link, not a clock of the
    complaints process (docs/decisions/0029-invitations.md).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(max_length=16, choices=InvitationState.choices, default=InvitationState.OPEN)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # The account being set up through this invitation (between choosing a password and confirming
    # the authenticator app), or the account that accepted it.
    account = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(state="open"),
                name="invitation_one_open_per_address",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in INVITABLE_ROLES]), name="invitation_invitable_role"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_at__isnull=False),
                name="invitation_accepted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="invitation_org_state")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organisation} as {self.get_role_display()}"

    def is_expired(self, at: datetime.datetime) -> bool:
        return at >= self.expires_at
