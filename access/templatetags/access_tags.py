"""What the signed-in navigation offers a user, asked of the permission module."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from access import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def account_links(context: dict[str, Any]) -> list[dict[str, str]]:
    """Links to the areas this user works in: their body's complaints, casework, designations."""
    user = context["request"].user
    links = []
    if rules.organisations_of(user, rules.Role.BODY_MEMBER):
        links.append({"href": reverse("portal:home"), "text": _("Your complaints")})
    if rules.is_dma_staff(user):
        links.append({"href": reverse("casework:home"), "text": _("Casework dashboard")})
    if rules.may_record_designation(user):
        links.append({"href": reverse("portal:designations"), "text": _("Designations")})
    return links
