"""Users and their memberships of organisations.

A user signs in with an e-mail address. What a user may do follows from their memberships: one row
per (user, organisation, role). The rules themselves live in ``access.rules``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
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
