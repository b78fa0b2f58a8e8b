"""Writes and reads of organisations' private calendar feeds (``CalendarFeed``).

The feed's address carries a random token, the only credential a calendar application can send;
only its SHA-256 is stored, so the token is shown once, when the feed is made. Making a new feed
revokes the live one, so an organisation that fears its address has leaked replaces it in one step.
What the feed lists is gathered above the domain apps (``operations.calendar``): this app does not
know which records an organisation owes.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.services import record_event
from deadlines.models import CalendarFeed
from organisations.models import Organisation

# A calendar application polls its feeds; the last-read moment is kept to the hour, so a poll is a
# read, not a write, most of the time.
USE_RESOLUTION = datetime.timedelta(hours=1)


class CalendarFeedError(Exception):
    """A change to a calendar feed that its state does not allow."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_calendar_feed(
    organisation: Organisation, *, by: Any = None, at: datetime.datetime | None = None
) -> tuple[CalendarFeed, str]:
    """Make a new calendar feed for ``organisation`` and return it with its token (shown once).

    Side effects: revokes the organisation's live feed, if any (``calendar_feed.revoked``, with
    the reason ``replaced``); creates the new ``CalendarFeed``; records ``calendar_feed.created``.
    """
    at = at or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # The organisation's row is the lock: two people replacing the feed at once make one each,
        # in turn, and the partial unique constraint stops a second live one whatever happens.
        Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
        replaced = list(CalendarFeed.objects.select_for_update().live().filter(organisation=organisation))
        for old in replaced:
            _revoke(old, at=at, reason="replaced")
        feed = CalendarFeed.objects.create(
            organisation=organisation,
            token_hash=hash_token(token),
            created_by=by if getattr(by, "is_authenticated", False) else None,
            created_at=at,
        )
        record_event(
            action="calendar_feed.created",
            obj=feed,
            after={"organisation": organisation.pk, "replaces": [old.pk for old in replaced]},
        )
    return feed, token


def _revoke(feed: CalendarFeed, *, at: datetime.datetime, reason: str) -> None:
    feed.revoked_at = at
    feed.save(update_fields=["revoked_at"])
    record_event(
        action="calendar_feed.revoked",
        obj=feed,
        before={"revoked_at": None},
        after={"revoked_at": at, "reason": reason},
    )


def revoke_calendar_feed(feed: CalendarFeed, *, at: datetime.datetime | None = None) -> CalendarFeed:
    """Stop a calendar feed: its address answers 404 from now on. A revoked feed is left as it is.

    Side effects: sets ``revoked_at``; records ``calendar_feed.revoked``.
    """
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        if feed.revoked_at is not None:
            return feed
        _revoke(feed, at=at or timezone.now(), reason="revoked")
    return feed


def live_feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed whose token this is, or None (unknown, or revoked)."""
    if not token:
        return None
    return (
        CalendarFeed.objects.live()
        .select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


def live_feed_of(organisation: Organisation) -> CalendarFeed | None:
    return CalendarFeed.objects.live().filter(organisation=organisation).first()


def note_feed_read(feed: CalendarFeed, *, at: datetime.datetime | None = None) -> None:
    """Keep when the feed was last read, to the hour, so its owners can see whether it is used.

    Bookkeeping rather than a change of state, so no audit event: a calendar polling every few
    minutes would fill the trail. A conditional update, so concurrent polls need no lock.
    """
    at = at or timezone.now()
    if feed.last_used_at is not None and at - feed.last_used_at < USE_RESOLUTION:
        return
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(last_used_at=at)
    feed.last_used_at = at
