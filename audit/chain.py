"""The hash chain: how an event is serialised and hashed, and how the whole trail is checked.

The serialisation is fixed: changing it would make every stored hash disagree, so a change needs a
new chain version, not an edit here. Every value in it is text, a whole number, null or JSON that
has already been round-tripped through the database's JSON type, so PostgreSQL and SQLite give
back exactly what was hashed.

Events carry a ``key_id``. A keyed event's hash is HMAC-SHA256 under the secret of that id
(``settings.AUDIT_HMAC_KEYS``, kept outside the database), and its serialisation covers the key id
too, so someone who can write to the database but does not hold the key cannot make a row that
checks out. Events written before the chain was keyed have no key id and keep their plain SHA-256
hash; they cannot be rewritten unseen either, because the first keyed event links to the last of
them under the key. Once one event is keyed, an unkeyed event after it is a forgery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audit.models import AuditEvent

# The ``prev_hash`` of the first event.
GENESIS = "0" * 64

# How far either side of its position ``verify_chain`` looks for the sequence an event was written
# with, to tell a renumbered event from an edited one.
RENUMBER_WINDOW = 1000


def canonical_timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


class UnknownKeyError(LookupError):
    """An event names a key id that is not configured in ``AUDIT_HMAC_KEYS``."""


def audit_keys() -> dict[str, bytes]:
    """Every configured key by id: the current one signs, all of them verify (rotation)."""
    from django.conf import settings

    return {key_id: secret.encode("utf-8") for key_id, secret in settings.AUDIT_HMAC_KEYS.items()}


def current_key_id() -> str:
    from django.conf import settings

    return str(settings.AUDIT_HMAC_KEY_ID)


def sign(message: bytes, key_id: str) -> str:
    """HMAC-SHA256 of ``message`` under the key ``key_id``, as hexadecimal."""
    try:
        key = audit_keys()[key_id]
    except KeyError:
        raise UnknownKeyError(key_id) from None
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def canonical_bytes(event: AuditEvent, *, sequence: int | None = None) -> bytes:
    """The bytes an event's hash covers: every stored field except the hash itself.

    An unkeyed event (written before the chain was keyed) is serialised exactly as it was then,
    without a ``key_id`` member, so its stored hash still checks out.
    """
    payload: dict[str, Any] = {
        "sequence": event.sequence if sequence is None else sequence,
        "occurred_at": canonical_timestamp(event.occurred_at),
        "kind": event.kind,
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "organisation_label": event.organisation_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    if event.key_id is not None:
        payload["key_id"] = event.key_id
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def compute_hash(event: AuditEvent, *, sequence: int | None = None) -> str:
    """The event's hash: keyed (HMAC-SHA256) when it has a key id, plain SHA-256 when it predates
    keying. Raises ``UnknownKeyError`` for a key id that is not configured."""
    message = canonical_bytes(event, sequence=sequence)
    if event.key_id is None:
        return hashlib.sha256(message).hexdigest()
    return sign(message, event.key_id)


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain. ``problems`` describe the first bad event, if any."""

    count: int
    head: str
    bad_sequence: int | None = None
    problems: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return self.bad_sequence is None


HashLookup = Callable[[str], int | None]


def verify_chain(events: Iterable[AuditEvent], *, hash_lookup: HashLookup | None = None) -> Verification:
    """Walk ``events`` in ascending sequence and stop at the first one that breaks the chain.

    Memory stays flat however long the trail: only the previous event is kept. ``hash_lookup(hash)
    -> sequence | None`` finds where a hash sits anywhere in the trail; it is asked only once
    something is wrong, to say whether an event was deleted, inserted or moved.
    """
    previous: AuditEvent | None = None
    keyed_since: int | None = None
    count = 0
    for event in events:
        problems = _key_problems(event, keyed_since) or _problems(event, previous, hash_lookup)
        if problems:
            return Verification(
                count=count,
                head=previous.hash if previous else GENESIS,
                bad_sequence=event.sequence,
                problems=tuple(problems),
            )
        if keyed_since is None and event.key_id is not None:
            keyed_since = event.sequence
        previous = event
        count += 1
    return Verification(count=count, head=previous.hash if previous else GENESIS)


def _key_problems(event: AuditEvent, keyed_since: int | None) -> list[str]:
    """Problems only a keyed chain can name: a missing key, or a row made without the key."""
    if event.key_id is None:
        if keyed_since is not None:
            return [
                f"it has no key, but the chain is keyed from event {keyed_since} on "
                "(forged by someone without the key)"
            ]
        return []
    if event.key_id not in audit_keys():
        return [f"it names key {event.key_id!r}, which is not configured in AUDIT_HMAC_KEYS"]
    if compute_hash(event) != event.hash and event.hash == hashlib.sha256(canonical_bytes(event)).hexdigest():
        return [
            f"it carries a plain SHA-256 hash, not one made with key {event.key_id!r} "
            "(forged by someone without the key)"
        ]
    return []


def _problems(event: AuditEvent, previous: AuditEvent | None, hash_lookup: HashLookup | None) -> list[str]:
    problems: list[str] = []
    expected_sequence = previous.sequence + 1 if previous else 1
    expected_prev_hash = previous.hash if previous else GENESIS

    if event.sequence != expected_sequence:
        missing = (
            f"event {expected_sequence} is"
            if event.sequence == expected_sequence + 1
            else f"events {expected_sequence} to {event.sequence - 1} are"
        )
        problems.append(f"the sequence jumps to {event.sequence}: {missing} missing (deleted)")

    written_as = event.sequence
    if compute_hash(event) != event.hash:
        renumbered_from = _sequence_written_as(event)
        if renumbered_from is None:
            problems.append("its contents do not match its hash (edited)")
        else:
            written_as = renumbered_from
            problems.append(f"it was written as event {written_as} and renumbered")

    if event.prev_hash != expected_prev_hash:
        problems.append(_broken_link(event, previous, written_as, hash_lookup))
    elif previous is not None and event.occurred_at < previous.occurred_at:
        problems.append(f"it is dated before event {previous.sequence} (reordered)")
    return problems


def _sequence_written_as(event: AuditEvent) -> int | None:
    low = max(1, event.sequence - RENUMBER_WINDOW)
    for candidate in range(low, event.sequence + RENUMBER_WINDOW + 1):
        if candidate != event.sequence and compute_hash(event, sequence=candidate) == event.hash:
            return candidate
    return None


def _broken_link(
    event: AuditEvent, previous: AuditEvent | None, written_as: int, hash_lookup: HashLookup | None
) -> str:
    """Why ``event`` does not link to ``previous``, judged by where its ``prev_hash`` points."""
    if event.prev_hash == GENESIS:
        return "it claims to be the first event, but events come before it (inserted or reordered)"
    previous_sequence = previous.sequence if previous else 0
    linked = hash_lookup(event.prev_hash) if hash_lookup is not None else None
    if linked is None:
        if written_as > previous_sequence + 1:
            return "the event it links to is no longer in the trail (deleted)"
        return (
            f"it does not link to event {previous_sequence}, and the event it links to is no longer in "
            f"the trail (event {previous_sequence} was edited and rehashed, or replaced)"
        )
    if linked == event.sequence:
        return "it links to itself (edited)"
    if linked > event.sequence:
        return f"it links to event {linked}, which comes after it (reordered)"
    between = (
        f"event {previous_sequence} was"
        if linked == previous_sequence - 1
        else f"events {linked + 1} to {previous_sequence} were"
    )
    return f"it links to event {linked}, not event {previous_sequence}: {between} inserted between them (inserted)"
