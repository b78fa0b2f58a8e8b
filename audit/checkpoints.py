"""Signed checkpoints of the chain head, kept outside the database.

A chain proves nothing about its own end: deleting the newest events (with the triggers disabled by
the table's owner) leaves a shorter chain that still checks out. A checkpoint records the head's
sequence and hash at a moment, signed with the current audit key, in a file in
``settings.AUDIT_CHECKPOINT_DIR``. ``verify_audit`` compares the trail with the latest one: the event
it names must still be there with the same hash.

Checkpoints are written by ``manage.py audit_checkpoint``, run at least daily by cron (see
docs/operations.md) as an operating-system user that owns the directory; the web process may read
it but not write it. Each file is created once (never overwritten) and left read-only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from audit.chain import UnknownKeyError, Verification, current_key_id, sign

VERSION = 1
PREFIX = "audit-checkpoint-"


class CheckpointError(RuntimeError):
    """A checkpoint cannot be written, or one on disk is not genuine."""


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    head: str
    written_at: dt.datetime
    key_id: str
    path: Path | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "sequence": self.sequence,
            "head": self.head,
            "written_at": self.written_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "key_id": self.key_id,
        }


def _message(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")


def checkpoint_dir() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def write_checkpoint(verification: Verification, *, directory: Path | None = None) -> Checkpoint:
    """Write a signed checkpoint of an intact trail's head and return it.

    Side effects: creates one new read-only file in the checkpoint directory (never replaces one).
    """
    if not verification.intact:
        raise CheckpointError(
            f"the audit trail is broken at event {verification.bad_sequence}: no checkpoint written"
        )
    directory = directory or checkpoint_dir()
    directory.mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(
        sequence=verification.count,
        head=verification.head,
        written_at=timezone.now(),
        key_id=current_key_id(),
    )
    payload = checkpoint.payload()
    document = {**payload, "signature": sign(_message(payload), checkpoint.key_id)}
    stamp = checkpoint.written_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{PREFIX}{checkpoint.sequence:012d}-{stamp}.json"
    # O_EXCL: a checkpoint is evidence, so an existing file is never overwritten.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o440)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, sort_keys=True, indent=1)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Checkpoint(**{**checkpoint.__dict__, "path": path})


def read_checkpoint(path: Path) -> Checkpoint:
    """The checkpoint in ``path``, or ``CheckpointError`` if its signature does not check out."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        signature = document.pop("signature")
        checkpoint = Checkpoint(
            sequence=int(document["sequence"]),
            head=str(document["head"]),
            written_at=dt.datetime.fromisoformat(document["written_at"]),
            key_id=str(document["key_id"]),
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"checkpoint {path.name} cannot be read ({exc})") from None
    try:
        expected = sign(_message(checkpoint.payload()), checkpoint.key_id)
    except UnknownKeyError:
        raise CheckpointError(
            f"checkpoint {path.name} names key {checkpoint.key_id!r}, which is not configured"
        ) from None
    if document.get("version") != VERSION or not constant_time_compare(expected, str(signature)):
        raise CheckpointError(f"checkpoint {path.name} is not signed with the audit key (forged or edited)")
    return checkpoint


def latest_checkpoint(*, directory: Path | None = None) -> Checkpoint | None:
    """The checkpoint with the highest sequence (the newest of those), or None if there is none.

    Every file is checked, not only the latest: a forged or edited checkpoint is an error, never
    skipped, since skipping it would let a forger hide a later genuine one by spoiling it.
    """
    directory = directory or checkpoint_dir()
    if not directory.is_dir():
        return None
    latest: Checkpoint | None = None
    for path in sorted(directory.glob(f"{PREFIX}*.json")):
        checkpoint = read_checkpoint(path)
        if latest is None or (checkpoint.sequence, checkpoint.written_at) > (
            latest.sequence,
            latest.written_at,
        ):
            latest = checkpoint
    return latest


def compare_with_checkpoint(checkpoint: Checkpoint, *, count: int, hash_at: str | None) -> str | None:
    """Why the trail disagrees with ``checkpoint``, or None if it agrees.

    ``count`` is the number of events in an intact trail (so its last sequence), ``hash_at`` the
    stored hash of the event at the checkpoint's sequence (None if there is no such event).
    """
    when = checkpoint.written_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if checkpoint.sequence > count:
        missing = (
            f"event {checkpoint.sequence} was"
            if checkpoint.sequence == count + 1
            else f"events {count + 1} to {checkpoint.sequence} were"
        )
        return (
            f"the trail ends at event {count}, but the checkpoint of {when} recorded event "
            f"{checkpoint.sequence} with head {checkpoint.head}: {missing} deleted from the end"
        )
    if checkpoint.sequence and hash_at != checkpoint.head:
        return (
            f"event {checkpoint.sequence} does not match the checkpoint of {when} (head "
            f"{checkpoint.head}): the trail was rewritten up to it (forged)"
        )
    return None
