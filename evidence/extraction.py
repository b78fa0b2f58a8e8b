"""Running text extraction with real bounds: a child process per file, with a wall-clock timeout, a
memory limit (RLIMIT_AS) and a CPU-time limit, and a cap on characters and on bytes read from any
archive member (evidence/textextract.py, which the child runs).

A hostile file can make a parser spin or swell; here that only kills the child. Nothing in this
module touches the database: ``evidence.services.extract_document_text`` stores the outcome.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from evidence import checks

CHILD = Path(__file__).with_name("textextract.py")
# Kinds of content (evidence.checks.FileType.content) the child reads; images have no text.
EXTRACTABLE = frozenset({"pdf", "docx", "odt", "xlsx", "ods", "text"})


@dataclass(frozen=True)
class Outcome:
    """What extraction gave: ``status`` is an ``evidence.models.ExtractionStatus`` value."""

    status: str
    text: str = ""
    note: str = ""


def kind_of(content_type: str) -> str | None:
    """The content family of a stored document's (proven) type, or None if it has no text."""
    for file_type in checks.ACCEPTED_TYPES:
        if file_type.content_type == content_type and file_type.content in EXTRACTABLE:
            return file_type.content
    return None


def limits() -> dict[str, float]:
    return {
        "max_chars": int(getattr(settings, "EVIDENCE_EXTRACT_MAX_CHARS", 1_000_000)),
        "member_bytes": int(getattr(settings, "EVIDENCE_EXTRACT_MEMBER_BYTES", 50 * 1024 * 1024)),
        "timeout": float(getattr(settings, "EVIDENCE_EXTRACT_TIMEOUT", 60)),
        "memory": int(getattr(settings, "EVIDENCE_EXTRACT_MEMORY", 1024 * 1024 * 1024)),
    }


def child_command(kind: str, max_chars: int, member_bytes: int) -> list[str]:
    """The child's command line: isolated mode (-I), so no environment variable or working
    directory changes what it imports."""
    return [sys.executable, "-I", str(CHILD), kind, str(max_chars), str(member_bytes)]


def _bounded(memory: int, cpu_seconds: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run(data: bytes, content_type: str, *, command: list[str] | None = None) -> Outcome:
    """Extract the text of ``data`` (a file of ``content_type``) in a bounded child process.

    Never raises for a bad file: a parse error, a timeout or the memory limit gives an outcome
    with empty text and a note saying why (no document text in the note).
    """
    kind = kind_of(content_type)
    if kind is None:
        return Outcome("unsupported", note="no text in this kind of file")
    bound = limits()
    max_chars, member_bytes = int(bound["max_chars"]), int(bound["member_bytes"])
    try:
        # Our own script and fixed arguments; the file's bytes go to stdin, never to the command.
        finished = subprocess.run(  # noqa: S603
            command or child_command(kind, max_chars, member_bytes),
            input=data,
            capture_output=True,
            timeout=bound["timeout"],
            preexec_fn=_bounded(int(bound["memory"]), int(bound["timeout"]) + 1),
            close_fds=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child and waited for it.
        return Outcome("timed_out", note=f"stopped after {bound['timeout']:g} seconds")
    if finished.returncode != 0:
        return Outcome("failed", note=_reason(finished))
    try:
        result = json.loads(finished.stdout)
        text = str(result["text"])[:max_chars]
        truncated = bool(result["truncated"])
    except (ValueError, KeyError, TypeError):
        return Outcome("failed", note="the extractor's output could not be read")
    if truncated:
        return Outcome("truncated", text=text, note=f"cut at {max_chars:,} characters")
    return Outcome("extracted", text=text)


def _reason(finished: subprocess.CompletedProcess[bytes]) -> str:
    if finished.returncode < 0:
        return f"stopped by signal {-finished.returncode} (memory or time limit)"
    # The last line of a traceback names the exception; its message may quote the file, so only
    # the exception's name is kept.
    lines = finished.stderr.decode("utf-8", "replace").strip().splitlines()
    last = lines[-1] if lines else ""
    name = last.split(":", 1)[0].strip()[:80]
    if name == "MemoryError":
        return "the memory limit was reached"
    return f"the file could not be read ({name or 'unknown error'})"
