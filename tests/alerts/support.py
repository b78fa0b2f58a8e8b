"""What the alert tests share: a complaint on the register, and the token of the latest
confirmation e-mail written for a subscription (as its reader finds it in the link)."""

from __future__ import annotations

from complaints.models import SuperComplaint
from outbox.models import Message
from tests.public.seed import investigating


def published_complaint(title: str = "Stop and search of children") -> SuperComplaint:
    """A complaint decided eligible (on the register since 6 January 2026), under investigation."""
    return investigating(title, forces=["Kent Police", "Essex Police"])


def confirmation_url(subscription) -> str:
    message = Message.objects.filter(dedupe_key__startswith=f"alerts:confirm:{subscription.pk}:").latest("pk")
    return message.context["url"]


def confirm_token_of(subscription) -> str:
    return confirmation_url(subscription).rstrip("/").rsplit("/", 1)[1]
