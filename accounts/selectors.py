"""Reads of users and memberships that encode a rule."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Membership
from organisations.models import Organisation


def member_addresses(organisation: Organisation | int, roles: Iterable[str] | None = None) -> list[str]:
    """Where an organisation's people hear from the service: the e-mail addresses of its active
    members (in ``roles``, or in any role when None), each once, sorted. Organisations have no
    shared mailbox in the register."""
    members = Membership.objects.filter(organisation=organisation, user__is_active=True).exclude(
        user__email=""
    )
    if roles is not None:
        members = members.filter(role__in=list(roles))
    return sorted(set(members.values_list("user__email", flat=True)))
