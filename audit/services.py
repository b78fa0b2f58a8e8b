"""Writing to the audit trail. Every other app's services call ``record_event`` inside their own
transaction, so an event exists exactly when the change it describes was committed.

Appends are serialised: each event's hash covers the previous event's hash, so two writers reading
the same head would fork the chain. On PostgreSQL a transaction-level advisory lock is taken before
the head is read and held until the caller's transaction ends; on SQLite the settings open every
transaction with BEGIN IMMEDIATE, which takes the database write lock first. Because the lock is
held until commit, call ``record_event`` as the last write of a transaction: work done after it
keeps every other writer waiting.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from audit.chain import GENESIS, compute_hash, current_key_id
from audit.context import Actor, current_actor, current_request_id
from audit.models import AuditEvent

# Key of the PostgreSQL advisory lock that serialises appends ("audit" in ASCII). Nothing else in
# the project may use it.
CHAIN_LOCK_KEY = 0x6175646974


def record_event(
    *,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    kind: str = AuditEvent.Kind.CHANGE,
    actor: Actor | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail and return it.

    ``action`` is a dotted code (``complaint.submitted``); ``obj`` the saved model instance the
    event is about, or None for an event about the service as a whole; ``before`` and ``after``
    JSON-able dicts (see ``snapshot``), stored exactly as hashed: dates and decimals become strings.
    The actor and request id come from ``audit.context`` unless ``actor`` is given. The event
    describes ``obj`` as ``str(obj)`` unless ``object_repr`` is given, for an object whose own
    description holds personal data the event must not keep.

    Side effects: inserts one row; on PostgreSQL holds the chain lock until the transaction ends.
    """
    if kind not in AuditEvent.Kind.values:
        raise ValueError(f"unknown audit event kind {kind!r}")
    if not action or "." not in action:
        raise ValueError(f"audit action {action!r} must be a dotted code such as 'complaint.submitted'")
    actor = actor or current_actor()
    object_type = object_id = ""
    if obj is None:
        object_repr = ""
    else:
        if obj.pk is None:
            raise ValueError("an audit event can only be about a saved object")
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = str(obj) if object_repr is None else object_repr
    user = actor.user
    event = AuditEvent(
        kind=kind,
        action=action,
        actor_id=user.pk if user is not None else None,
        actor_label=_fit("actor_label", actor.label),
        organisation_id=actor.organisation_id,
        organisation_label=_fit("organisation_label", actor.organisation_label),
        object_type=object_type,
        object_id=object_id,
        object_repr=_fit("object_repr", object_repr),
        before=_as_stored_json(before),
        after=_as_stored_json(after),
        request_id=_fit("request_id", current_request_id()),
    )
    using = router.db_for_write(AuditEvent)
    with transaction.atomic(using=using):
        database_now = _lock_chain(using)
        head = AuditEvent.objects.using(using).order_by("-sequence").only("sequence", "hash", "occurred_at")
        last = head.first()
        now = database_now or timezone.now()
        if last is not None and now < last.occurred_at:
            # A clock stepped back (or web servers disagree): keep time in chain order.
            now = last.occurred_at
        event.sequence = last.sequence + 1 if last else 1
        event.prev_hash = last.hash if last else GENESIS
        event.occurred_at = now
        event.key_id = current_key_id()
        event.hash = compute_hash(event)
        event.save(using=using)
    return event


def record_access(*, action: str, obj: models.Model, actor: Actor | None = None) -> AuditEvent:
    """Record that someone saw sensitive material (``document.viewed``): an event of kind access."""
    if obj is None:
        raise ValueError("an access event must name what was accessed")
    return record_event(action=action, obj=obj, kind=AuditEvent.Kind.ACCESS, actor=actor)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as a JSON-able dict, for ``before`` and ``after``.

    A foreign key gives the related primary key, a many-to-many field the sorted primary keys, a
    file its stored name; other values as ``DjangoJSONEncoder`` writes them (dates and times as ISO
    text, times to the millisecond; decimals and UUIDs as text). An unknown field name is an error,
    not a silent gap in the record.
    """
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many and not field.auto_created:
            value: Any = sorted(related.pk for related in getattr(instance, name).all())
        elif field.concrete:
            value = field.value_from_object(instance)  # type: ignore[union-attr]
        else:
            raise ValueError(f"{name!r} is not a stored field of {instance._meta.label}")
        values[name] = value
    result = _as_stored_json(values)
    assert result is not None
    return result


def _lock_chain(using: str) -> Any:
    """Serialise appends; on PostgreSQL also read the database clock once the lock is held."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), clock_timestamp()", [CHAIN_LOCK_KEY])
        return cursor.fetchone()[1]


class AuditJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, plus what model dicts hold (related objects by key, files by name) and
    any value that writes itself as ISO text (a date known only to the month)."""

    def default(self, o: Any) -> Any:
        if not isinstance(o, datetime.date | datetime.time) and callable(getattr(o, "isoformat", None)):
            return o.isoformat()
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, FieldFile):
            return o.name or None
        if isinstance(o, set | frozenset):
            try:
                return sorted(o)
            except TypeError:
                return sorted(o, key=str)
        return super().default(o)


def _as_stored_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as the database will give it back, so the hash is computed on what is stored."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"before and after must be dicts, not {type(value).__name__}")
    return _normalise_numbers(json.loads(json.dumps(value, cls=AuditJSONEncoder, allow_nan=False)))


def _normalise_numbers(value: Any) -> Any:
    # PostgreSQL's jsonb keeps numbers as numerics, so 1e20 comes back as the integer
    # 100000000000000000000 and -0.0 as 0: store whole floats as integers from the start.
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: _normalise_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalise_numbers(item) for item in value]
    return value


def _fit(field_name: str, value: str) -> str:
    # Truncate before hashing: PostgreSQL would refuse an over-long value and SQLite would keep it.
    field = AuditEvent._meta.get_field(field_name)
    assert isinstance(field, models.CharField)
    return (value or "")[: field.max_length]
