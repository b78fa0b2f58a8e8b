"""The writes of redaction for publication: start a redaction (detection proposes spans), add
staff spans, confirm or reject each span, publish the extract, withdraw it.

Each function is one change, in one transaction, under the redaction's row lock, with its audit
event. The audit trail never holds a redacted string: a span is recorded by its kind, its origin
and its length. Every change bumps ``Redaction.version``, so ``publish_redaction`` publishes only
the extract its publisher previewed. The public page cache is purged by the save of a published
or withdrawn redaction (pagecache.purges: ``redaction.Redaction``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_access, record_event
from calls.models import CallResponse
from complaints.models import EvidenceItem, SuperComplaint
from evidence.models import Document, ExtractionStatus
from evidence.services import store_document
from redaction import derivative, detect
from redaction.models import (
    TRANSITIONS,
    Redaction,
    RedactionSpan,
    RedactionState,
    SpanDecision,
    SpanKind,
    SpanOrigin,
)

MAX_TITLE_LENGTH = 200
# A passage staff mark must be at least this long: one letter would remove every "a".
MIN_PASSAGE_LENGTH = 2


class RedactionError(Exception):
    """A change the rules of redaction do not allow."""


class StaleRedaction(RedactionError):
    """The redaction changed after the page was opened."""


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _locked(redaction: Redaction) -> Redaction:
    return Redaction.objects.select_for_update().select_related("complaint").get(pk=redaction.pk)


def _check_draft(redaction: Redaction) -> None:
    if redaction.state != RedactionState.DRAFT:
        raise RedactionError(_("This extract has been published, so its redactions can no longer change."))


def _bump(redaction: Redaction) -> None:
    redaction.version += 1
    redaction.save(update_fields=["version"])


def _counts(spans: Iterable[RedactionSpan | detect.Found]) -> dict[str, int]:
    return dict(sorted(Counter(span.kind for span in spans).items()))


def response_text(response: CallResponse) -> str:
    """A response's answers as one text: each question, numbered, then its answer."""
    parts = []
    for answer in response.answers.select_related("question").order_by("question__position"):
        parts.append(f"{answer.question.position}. {answer.question.text}\n\n{answer.text.strip()}")
    return "\n\n".join(parts)


def document_belongs_to(document: Document, complaint: SuperComplaint) -> bool:
    """Whether a document is evidence of ``complaint`` or attached to a response to one of its calls."""
    if EvidenceItem.objects.filter(complaint=complaint, document=document).exists():
        return True
    return CallResponse.objects.filter(call__complaint=complaint, documents=document).exists()


def _document_text(document: Document) -> str:
    if not document.is_released:
        raise RedactionError(_("This document cannot be redacted: it has not passed its virus scan."))
    if document.extraction_status not in (ExtractionStatus.EXTRACTED, ExtractionStatus.TRUNCATED):
        raise RedactionError(
            _(
                "This document has no text to redact yet. Its text is read once it has been stored: try again later."
            )
        )
    if not document.extracted_text.strip():
        raise RedactionError(_("No text could be read from this document, so there is nothing to publish."))
    return document.extracted_text


def start_redaction(
    complaint: SuperComplaint,
    *,
    title: str,
    call_response: CallResponse | None = None,
    document: Document | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> Redaction:
    """Start redacting a response's answers or a document's text for publication.

    Checks: exactly one source, of this complaint; a title; a document must be released and have
    its text read. Side effects: creates the redaction with a snapshot of the text, and one
    proposed span for each stretch of structured personal data ``redaction.detect`` finds; records
    ``redaction.started`` (the source, the title, the number of characters, the spans' kinds
    counted: never the text).
    """
    title = " ".join(title.split())
    if not title:
        raise RedactionError(_("Enter a title for the extract."))
    if len(title) > MAX_TITLE_LENGTH:
        raise RedactionError(
            _("The title must be %(count)d characters or fewer.") % {"count": MAX_TITLE_LENGTH}
        )
    if (call_response is None) == (document is None):
        raise RedactionError(_("Choose either a response or a document to redact."))
    if call_response is not None:
        if call_response.call.complaint_id != complaint.pk:
            raise RedactionError(_("This response is not about this complaint."))
        text = response_text(call_response)
        if not text.strip():
            raise RedactionError(_("This response has no answers to publish."))
    else:
        assert document is not None
        if not document_belongs_to(document, complaint):
            raise RedactionError(_("This document is not part of this complaint."))
        text = _document_text(document)
    at = at or timezone.now()
    found = detect.detect(text)
    with transaction.atomic():
        redaction = Redaction.objects.create(
            complaint=complaint,
            call_response=call_response,
            document=document,
            title=title,
            source_text=text,
            created_at=at,
            created_by=_user(user),
        )
        RedactionSpan.objects.bulk_create(
            RedactionSpan(
                redaction=redaction,
                start=span.start,
                end=span.end,
                kind=span.kind,
                origin=SpanOrigin.DETECTED,
            )
            for span in found
        )
        record_event(
            action="redaction.started",
            obj=redaction,
            after={
                "complaint": complaint.reference,
                "source": "call_response" if call_response is not None else "document",
                "source_id": call_response.pk if call_response is not None else document.pk,  # type: ignore[union-attr]
                "title": title,
                "characters": len(text),
                "detected": _counts(found),
            },
        )
    return redaction


def occurrences(text: str, passage: str) -> list[tuple[int, int]]:
    """Where ``passage`` occurs in ``text``, ignoring case, without overlapping itself."""
    found, lowered, wanted = [], text.casefold(), passage.casefold()
    if len(lowered) != len(text) or not wanted:
        # casefold changed lengths (ß → ss): fall back to an exact search so offsets stay true.
        lowered, wanted = text, passage
    position = lowered.find(wanted)
    while position != -1 and wanted:
        found.append((position, position + len(wanted)))
        position = lowered.find(wanted, position + len(wanted))
    return found


def _add_spans(
    redaction: Redaction, intervals: list[tuple[int, int]], *, kind: str, user: Any, at: datetime.datetime
) -> list[RedactionSpan]:
    if kind not in SpanKind.values:
        raise RedactionError(_("Choose what kind of detail this is."))
    with transaction.atomic():
        redaction = _locked(redaction)
        _check_draft(redaction)
        length = len(redaction.source_text)
        for start, end in intervals:
            if not (0 <= start < end <= length):
                raise RedactionError(_("That stretch is not inside the text."))
        existing = {(s.start, s.end): s for s in redaction.spans.all()}
        added = []
        for start, end in intervals:
            span = existing.get((start, end))
            if span is None:
                span = RedactionSpan(redaction=redaction, start=start, end=end, origin=SpanOrigin.STAFF)
            # Staff chose the stretch, so it is confirmed as they mark it.
            span.kind = kind
            span.decision = SpanDecision.CONFIRMED
            span.decided_at = at
            span.decided_by = _user(user)
            span.save()
            added.append(span)
        _bump(redaction)
        record_event(
            action="redaction.spans_added",
            obj=redaction,
            after={"kind": kind, "count": len(added), "lengths": [span.length for span in added]},
        )
    return added


def mark_passage(
    redaction: Redaction,
    *,
    passage: str,
    kind: str,
    occurrence: int | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> list[RedactionSpan]:
    """Mark a passage staff typed for removal: its ``occurrence``-th appearance (from 1), or every
    appearance when ``occurrence`` is None. The way to select text without JavaScript.

    Checks: the redaction is a draft; the passage is at least ``MIN_PASSAGE_LENGTH`` characters
    and appears in the text (that many times). Side effects: one confirmed staff span per
    appearance (a detected span on exactly that stretch becomes confirmed, with this kind); bumps
    the version; records ``redaction.spans_added`` (kind, count and lengths, never the passage).
    """
    passage = passage.strip()
    if len(passage) < MIN_PASSAGE_LENGTH:
        raise RedactionError(
            _("Enter the words to take out, at least %(count)d characters.") % {"count": MIN_PASSAGE_LENGTH}
        )
    found = occurrences(redaction.source_text, passage)
    if not found:
        raise RedactionError(_("Those words are not in the text. Copy them exactly as the text has them."))
    if occurrence is not None:
        if not 1 <= occurrence <= len(found):
            raise RedactionError(
                _("Those words appear %(count)d times. Enter a number from 1 to %(count)d.")
                % {"count": len(found)}
            )
        found = [found[occurrence - 1]]
    return _add_spans(redaction, found, kind=kind, user=user, at=at or timezone.now())


def add_span(
    redaction: Redaction,
    *,
    start: int,
    end: int,
    kind: str,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> RedactionSpan:
    """Mark ``source_text[start:end]`` for removal (a selection made in the page). Checks and side
    effects as ``mark_passage``; the offsets must lie inside the text, start before end."""
    return _add_spans(redaction, [(start, end)], kind=kind, user=user, at=at or timezone.now())[0]


def _decide(span: RedactionSpan, decision: str, *, user: Any, at: datetime.datetime | None) -> RedactionSpan:
    with transaction.atomic():
        redaction = _locked(span.redaction)
        _check_draft(redaction)
        span = RedactionSpan.objects.select_for_update().get(pk=span.pk)
        if span.decision == decision:
            return span
        before = span.decision
        span.decision = decision
        span.decided_at = at or timezone.now()
        span.decided_by = _user(user)
        span.save(update_fields=["decision", "decided_at", "decided_by"])
        _bump(redaction)
        record_event(
            action="redaction.span_confirmed"
            if decision == SpanDecision.CONFIRMED
            else "redaction.span_rejected",
            obj=redaction,
            before={"decision": before},
            after={"decision": decision, "kind": span.kind, "origin": span.origin, "length": span.length},
        )
    return span


def confirm_span(
    span: RedactionSpan, *, user: Any = None, at: datetime.datetime | None = None
) -> RedactionSpan:
    """Confirm that a span is taken out of the extract. Draft only; nothing if already confirmed.
    Bumps the version; records ``redaction.span_confirmed`` (kind, origin, length)."""
    return _decide(span, SpanDecision.CONFIRMED, user=user, at=at)


def reject_span(
    span: RedactionSpan, *, user: Any = None, at: datetime.datetime | None = None
) -> RedactionSpan:
    """Keep a span's text in the extract (a false find: a public helpline's number). Draft only;
    nothing if already rejected. Bumps the version; records ``redaction.span_rejected``."""
    return _decide(span, SpanDecision.REJECTED, user=user, at=at)


def confirm_all_detected(
    redaction: Redaction, *, user: Any = None, at: datetime.datetime | None = None
) -> int:
    """Confirm every detected span still waiting for a decision (a rejected one stays rejected).
    Draft only. Returns how many were confirmed; bumps the version and records
    ``redaction.detected_confirmed`` (the kinds counted) when there were any."""
    at = at or timezone.now()
    with transaction.atomic():
        redaction = _locked(redaction)
        _check_draft(redaction)
        waiting = list(redaction.spans.filter(origin=SpanOrigin.DETECTED, decision=SpanDecision.PROPOSED))
        if not waiting:
            return 0
        RedactionSpan.objects.filter(pk__in=[span.pk for span in waiting]).update(
            decision=SpanDecision.CONFIRMED, decided_at=at, decided_by=_user(user)
        )
        _bump(redaction)
        record_event(
            action="redaction.detected_confirmed",
            obj=redaction,
            after={"count": len(waiting), "kinds": _counts(waiting)},
        )
    return len(waiting)


def confirmed_intervals(redaction: Redaction) -> list[tuple[int, int]]:
    return list(redaction.spans.filter(decision=SpanDecision.CONFIRMED).values_list("start", "end"))


def published_text(redaction: Redaction) -> str:
    """The text as it will be published: every confirmed span replaced by the marker."""
    return derivative.redacted_text(redaction.source_text, confirmed_intervals(redaction))


def extract_language(redaction: Redaction) -> str:
    if redaction.call_response_id is not None and redaction.call_response is not None:
        return "cy" if redaction.call_response.language == "cy" else "en"
    return "en"


def publish_redaction(
    redaction: Redaction,
    *,
    expected_version: int,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> Redaction:
    """Publish the extract: rebuild the text without its confirmed spans and store it as a new PDF.

    Checks: a draft; no span still waiting for a decision; the version is the one the publisher
    previewed (``StaleRedaction`` otherwise). Side effects: renders the PDF (WeasyPrint, titled
    with the extract's title, nothing of the original file in it) and keeps it through
    ``evidence.services.store_document`` as the derivative; the state becomes published, with who
    and when; records ``redaction.published`` (the confirmed and rejected spans' kinds counted,
    the derivative's size). Once committed the complaint's public pages are purged and list the
    extract.
    """
    at = at or timezone.now()
    with transaction.atomic():
        redaction = _locked(redaction)
        if RedactionState.PUBLISHED not in TRANSITIONS[RedactionState(redaction.state)]:
            if redaction.state == RedactionState.PUBLISHED:
                return redaction
            raise RedactionError(_("A withdrawn extract cannot be published again. Start a new redaction."))
        if redaction.version != expected_version:
            raise StaleRedaction(
                _(
                    "Someone changed this redaction after you opened the page. Check the preview and publish again."
                )
            )
        spans = list(redaction.spans.all())
        waiting = [span for span in spans if span.decision == SpanDecision.PROPOSED]
        if waiting:
            raise RedactionError(
                _("Confirm or reject every proposed redaction before publishing: %(count)d still waiting.")
                % {"count": len(waiting)}
            )
        confirmed = [span for span in spans if span.decision == SpanDecision.CONFIRMED]
        text = derivative.redacted_text(redaction.source_text, [(s.start, s.end) for s in confirmed])
        pdf = derivative.render_extract_pdf(
            title=redaction.title,
            reference=str(redaction.complaint.reference),
            text=text,
            language=extract_language(redaction),
        )
        upload = SimpleUploadedFile(
            f"{redaction.complaint.reference}-extract-{redaction.pk}.pdf", pdf, content_type="application/pdf"
        )
        document = store_document(upload, user=user, description=redaction.title)
        redaction.derivative = document
        redaction.state = RedactionState.PUBLISHED
        redaction.published_at = at
        redaction.published_by = _user(user)
        redaction.version += 1
        redaction.save(update_fields=["derivative", "state", "published_at", "published_by", "version"])
        record_event(
            action="redaction.published",
            obj=redaction,
            before={"state": RedactionState.DRAFT},
            after={
                "state": RedactionState.PUBLISHED,
                "confirmed": _counts(confirmed),
                "rejected": _counts(s for s in spans if s.decision == SpanDecision.REJECTED),
                "size": document.size,
            },
        )
    return redaction


def withdraw_redaction(
    redaction: Redaction, *, user: Any = None, at: datetime.datetime | None = None
) -> Redaction:
    """Take a published extract off the register (its download becomes a 404). Nothing if already
    withdrawn; a draft cannot be withdrawn. The derivative is kept as the record. Records
    ``redaction.withdrawn``; once committed the complaint's public pages are purged."""
    at = at or timezone.now()
    with transaction.atomic():
        redaction = _locked(redaction)
        if redaction.state == RedactionState.WITHDRAWN:
            return redaction
        if RedactionState.WITHDRAWN not in TRANSITIONS[RedactionState(redaction.state)]:
            raise RedactionError(_("Only a published extract can be withdrawn."))
        redaction.state = RedactionState.WITHDRAWN
        redaction.withdrawn_at = at
        redaction.withdrawn_by = _user(user)
        redaction.version += 1
        redaction.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "version"])
        record_event(
            action="redaction.withdrawn",
            obj=redaction,
            before={"state": RedactionState.PUBLISHED},
            after={"state": RedactionState.WITHDRAWN},
        )
    return redaction


def record_redaction_viewed(redaction: Redaction) -> None:
    """Record that a member of staff saw the unredacted text (an access event: ``redaction.viewed``)."""
    record_access(action="redaction.viewed", obj=redaction)
