"""The writes of theme grouping: start the grouping of a call's responses, the task worker's run
(embed in batches, then group), and staff's changes to the themes (rename, merge, split, move a
response, confirm).

Each staff change is one transaction with the analysis row locked and its audit event. The events
record theme names, counts and receipt codes, never what a response says. The machine's
assignments are candidates (``confirmed`` False); a person's move or confirmation makes one
confirmed, with who and when.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from calls.models import CallForEvidence, CallResponse
from evidence.models import Document, ExtractionStatus, ScanStatus
from themes import embedding, grouping
from themes.models import AnalysisState, Embedding, Theme, ThemeAnalysis, ThemeAssignment

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 120
PASSAGE_SENTENCES = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class ThemeError(Exception):
    """A change to themes that the rules do not allow."""


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- Embeddings -------------------------------------------------------------------------------------


def response_text(response: CallResponse) -> str:
    """What is embedded for a response: its answers, in question order."""
    return "\n".join(answer.text.strip() for answer in response.answers.all() if answer.text.strip())


def embed_responses(responses: Sequence[CallResponse], *, batch_size: int = embedding.BATCH_SIZE) -> int:
    """Embed the responses whose text has changed since they were last embedded (or never were);
    returns how many were embedded. One short transaction per call, so progress can be written
    between batches."""
    texts = {response.pk: response_text(response) for response in responses}
    current = dict(
        Embedding.objects.filter(
            kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response_id__in=list(texts)
        ).values_list("response_id", "text_hash")
    )
    stale = [pk for pk in texts if current.get(pk) != embedding.text_hash(texts[pk])]
    if stale:
        _store_response_vectors(
            stale, texts, embedding.encode([texts[pk] for pk in stale], batch_size=batch_size)
        )
    return len(stale)


def _store_response_vectors(pks: Sequence[int], texts: dict[int, str], vectors: np.ndarray) -> None:
    """Write the responses' vectors in one transaction and a few statements: the rows they have
    are updated together, the rest created together (not a query or two per response)."""
    now = timezone.now()
    with transaction.atomic():
        existing = {
            row.response_id: row
            for row in Embedding.objects.filter(
                kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response_id__in=list(pks)
            ).only("pk", "response_id")
        }
        new: list[Embedding] = []
        for pk, vector in zip(pks, vectors, strict=True):
            row = existing.get(pk) or Embedding(
                kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response_id=pk
            )
            row.text_hash = embedding.text_hash(texts[pk])
            row.vector = embedding.to_bytes(vector)
            row.created_at = now
            if row.pk is None:
                new.append(row)
        if existing:
            Embedding.objects.bulk_update(existing.values(), ["text_hash", "vector", "created_at"])
        Embedding.objects.bulk_create(new)


def split_passages(text: str, sentences: int = PASSAGE_SENTENCES) -> list[str]:
    """A document's text as passages of a few sentences (blank lines always end a passage)."""
    passages: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        parts = [p.strip() for p in _SENTENCE_END.split(" ".join(paragraph.split())) if p.strip()]
        for start in range(0, len(parts), sentences):
            passages.append(" ".join(parts[start : start + sentences]))
    return passages


def embed_document_passages(document: Document) -> int:
    """Embed a document's extracted text passage by passage; passages whose text is unchanged
    keep their vectors, passages past the new end are removed, and every passage is stamped with
    the ``text_extracted_at`` of the text it was cut from. Returns how many were embedded.

    The model runs outside any transaction; the writes happen under the document's row lock and
    only if its text is still the one read (extracted again meanwhile: nothing is written, and the
    document stays waiting for the next run)."""
    extracted_at = document.text_extracted_at
    passages = split_passages(document.extracted_text or "")
    existing = dict(
        Embedding.objects.filter(
            kind=Embedding.Kind.PASSAGE, model_name=embedding.MODEL_NAME, document=document
        ).values_list("passage", "text_hash")
    )
    stale = [n for n, text in enumerate(passages) if existing.get(n) != embedding.text_hash(text)]
    vectors = embedding.encode([passages[n] for n in stale])
    with transaction.atomic():
        current = (
            Document.objects.select_for_update()
            .filter(pk=document.pk)
            .values_list("text_extracted_at", flat=True)
        )
        if list(current) != [extracted_at]:
            return 0
        mine = Embedding.objects.filter(
            kind=Embedding.Kind.PASSAGE, model_name=embedding.MODEL_NAME, document=document
        )
        mine.filter(passage__gte=len(passages)).delete()
        for n, vector in zip(stale, vectors, strict=True):
            Embedding.objects.update_or_create(
                kind=Embedding.Kind.PASSAGE,
                model_name=embedding.MODEL_NAME,
                document=document,
                passage=n,
                defaults={
                    "text_hash": embedding.text_hash(passages[n]),
                    "vector": embedding.to_bytes(vector),
                    "passage_text": passages[n],
                    "text_extracted_at": extracted_at,
                },
            )
        mine.exclude(text_extracted_at=extracted_at).update(text_extracted_at=extracted_at)
    return len(stale)


def documents_awaiting_passages() -> QuerySet[Document]:
    """Released documents with extracted text whose passages have not been embedded by the current
    model since that text was extracted (never, or before it was extracted again)."""
    embedded = Embedding.objects.filter(
        kind=Embedding.Kind.PASSAGE,
        model_name=embedding.MODEL_NAME,
        document=OuterRef("pk"),
        text_extracted_at=OuterRef("text_extracted_at"),
    )
    return (
        Document.objects.filter(
            scan_status__in=[ScanStatus.NOT_SCANNED, ScanStatus.CLEAN],
            extraction_status__in=[ExtractionStatus.EXTRACTED, ExtractionStatus.TRUNCATED],
            text_extracted_at__isnull=False,
        )
        .exclude(file="")
        .exclude(extracted_text="")
        .exclude(Exists(embedded))
    )


@dataclass(frozen=True)
class PassageRun:
    documents: int = 0
    passages: int = 0
    # False when the model is not installed and nothing could be read.
    installed: bool = True


def embed_pending_passages(
    *, limit: int | None = None, document_ids: Iterable[int] | None = None
) -> PassageRun:
    """Embed the passages of every document waiting for it (``documents_awaiting_passages``), or
    of those of ``document_ids`` that are waiting, one document at a time (the model reads each
    document's passages in batches). Returns how many documents were done and passages embedded.

    Idempotent: a document done is no longer waiting, so a second run embeds nothing. Without the
    model it does nothing and says so in the log. Side effects: passage embeddings written and
    removed; no audit event (nothing a person decided, and the vectors hold no new information).
    """
    waiting = documents_awaiting_passages()
    if document_ids is not None:
        waiting = waiting.filter(pk__in=list(document_ids))
    if not embedding.available():
        logger.warning(
            "Evidence passages not embedded: the embedding model is not installed (%d documents wait)",
            waiting.count(),
        )
        return PassageRun(installed=False)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True))
    if limit is not None:
        ids = ids[:limit]
    documents = passages = 0
    for pk in ids:
        document = waiting.filter(pk=pk).first()
        if document is None:  # done meanwhile by another run, or no longer released
            continue
        passages += embed_document_passages(document)
        documents += 1
    if documents:
        logger.info("Evidence passages embedded: %d documents, %d passages", documents, passages)
    return PassageRun(documents=documents, passages=passages)


def queue_pending_passages() -> int:
    """Ask the task worker to embed the passages of the documents waiting (the sweep calls this,
    for documents extracted before passages were embedded or whose task was lost). Returns how
    many documents wait; enqueues nothing when none does or the model is not installed (said in
    the log)."""
    from themes.tasks import embed_passages

    waiting = documents_awaiting_passages().count()
    if not waiting:
        return 0
    if not embedding.available():
        logger.warning(
            "Evidence passages not embedded: the embedding model is not installed (%d documents wait)",
            waiting,
        )
        return 0
    embed_passages.enqueue()
    return waiting


def response_vectors(response_ids: Iterable[int]) -> dict[int, np.ndarray]:
    rows = Embedding.objects.filter(
        kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response_id__in=list(response_ids)
    ).values_list("response_id", "vector")
    return {pk: embedding.from_bytes(vector) for pk, vector in rows if pk is not None}


# --- The grouping run -----------------------------------------------------------------------------


def start_analysis(call: CallForEvidence, *, user: Any = None) -> ThemeAnalysis:
    """Ask the task worker to group the call's responses into themes.

    Side effects: the call's analysis row is created or reset to "queued" with the number of
    responses to read (the themes of an earlier run are replaced when the new run groups); an
    audit event; on commit, the ``embed_and_group`` task is enqueued. Does nothing while a run is
    already queued or embedding. Refused when the model is not installed or there is no response.
    """
    from themes.tasks import embed_and_group

    if not embedding.available():
        raise ThemeError(_("Theme grouping is not installed on this service."))
    with transaction.atomic():
        total = CallResponse.objects.filter(call=call).count()
        if total == 0:
            raise ThemeError(_("There are no responses to group yet."))
        analysis, created = ThemeAnalysis.objects.select_for_update().get_or_create(
            call=call, defaults={"requested_at": timezone.now(), "total": total}
        )
        if not created and analysis.running:
            return analysis
        before = None if created else {"state": analysis.state}
        analysis.state = AnalysisState.QUEUED
        analysis.done = 0
        analysis.total = total
        analysis.requested_at = timezone.now()
        analysis.requested_by = _user(user)
        analysis.started_at = None
        analysis.finished_at = None
        analysis.error = ""
        analysis.save()
        record_event(
            action="theme_analysis.started",
            obj=analysis,
            before=before,
            after={"state": analysis.state, "responses": total},
        )
        analysis_id = analysis.pk
        transaction.on_commit(lambda: embed_and_group.enqueue(analysis_id))
    return analysis


def _set_progress(analysis_id: int, **values: Any) -> None:
    with transaction.atomic():
        ThemeAnalysis.objects.filter(pk=analysis_id).update(**values)


def _call_texts(call_id: int) -> dict[int, str]:
    """Each response's embedded text by primary key, in primary-key order, read a chunk at a time."""
    responses = (
        CallResponse.objects.filter(call_id=call_id).order_by("pk").prefetch_related("answers")
    ).iterator(chunk_size=2000)
    return {response.pk: response_text(response) for response in responses}


def _call_vectors(call_id: int) -> dict[int, np.ndarray]:
    rows = Embedding.objects.filter(
        kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response__call_id=call_id
    ).values_list("response_id", "vector")
    return {pk: embedding.from_bytes(vector) for pk, vector in rows if pk is not None}


def run_analysis(
    analysis_id: int,
    *,
    batch_size: int = embedding.BATCH_SIZE,
    after_batch: Callable[[int], None] | None = None,
) -> ThemeAnalysis | None:
    """The task worker's run: embed the call's responses in batches, writing progress after each
    batch in its own short transaction, then group them into themes in one transaction (replacing
    any earlier run's themes). A failure is recorded on the analysis (state "failed", a short
    note, an audit event) so staff can start it again. Returns None for an analysis not waiting.

    The responses are read once. Those whose text is unchanged since it was embedded count as
    read from the start; the others are embedded longest first, each batch of texts of about one
    length (as the model orders one long list itself, so little of a batch is padding), and each
    batch's vectors written in a few statements."""
    analysis = ThemeAnalysis.objects.filter(pk=analysis_id, state__in=AnalysisState.running_states()).first()
    if analysis is None:
        return None
    try:
        _set_progress(analysis_id, state=AnalysisState.EMBEDDING, started_at=timezone.now(), done=0)
        texts = _call_texts(analysis.call_id)
        current = dict(
            Embedding.objects.filter(
                kind=Embedding.Kind.RESPONSE,
                model_name=embedding.MODEL_NAME,
                response__call_id=analysis.call_id,
            ).values_list("response_id", "text_hash")
        )
        stale = [pk for pk, text in texts.items() if current.get(pk) != embedding.text_hash(text)]
        stale.sort(key=lambda pk: -len(texts[pk]))  # stable: equal lengths stay in receipt order
        done = len(texts) - len(stale)
        _set_progress(analysis_id, total=len(texts), done=done)
        for start in range(0, len(stale), batch_size):
            batch = stale[start : start + batch_size]
            _store_response_vectors(
                batch, texts, embedding.encode([texts[pk] for pk in batch], batch_size=batch_size)
            )
            done += len(batch)
            _set_progress(analysis_id, done=done)
            if after_batch is not None:
                after_batch(done)
        _group(analysis_id, texts)
    except Exception as error:
        logger.exception("Theme grouping of analysis %s failed", analysis_id)
        with transaction.atomic():
            failed = ThemeAnalysis.objects.select_for_update().get(pk=analysis_id)
            failed.state = AnalysisState.FAILED
            failed.finished_at = timezone.now()
            failed.error = f"{type(error).__name__}: {error}"[:300]
            failed.save(update_fields=["state", "finished_at", "error"])
            record_event(action="theme_analysis.failed", obj=failed, after={"error": failed.error})
    analysis.refresh_from_db()
    return analysis


def _group(analysis_id: int, texts: dict[int, str]) -> None:
    """Group the embedded responses (``texts``: each one's text by primary key, in receipt
    order) and write the themes and one assignment per response, replacing the earlier run's."""
    import numpy as np

    analysis_call = ThemeAnalysis.objects.values_list("call_id", flat=True).get(pk=analysis_id)
    vectors_by_id = _call_vectors(analysis_call)
    ids = [pk for pk in texts if pk in vectors_by_id]
    vectors = np.stack([vectors_by_id[pk] for pk in ids]) if ids else np.zeros((0, embedding.DIMENSIONS))
    labels = grouping.cluster(vectors)
    row = {pk: n for n, pk in enumerate(ids)}
    groups: dict[int, list[int]] = {}
    for pk, label in zip(ids, labels, strict=True):
        groups.setdefault(label, []).append(pk)
    order = sorted(groups, key=lambda label: (label == grouping.OTHER, label))
    terms = dict(zip(ids, grouping.term_sets([texts[pk] for pk in ids]), strict=True))
    overall = grouping.document_frequencies(terms.values())
    with transaction.atomic():
        analysis = ThemeAnalysis.objects.select_for_update().get(pk=analysis_id)
        analysis.themes.all().delete()  # and their assignments
        assignments = []
        for position, label in enumerate(order, start=1):
            members = groups[label]
            if label == grouping.OTHER:
                name = _("Other responses")
            else:
                words = grouping.distinctive_words_of([terms[pk] for pk in members], overall, len(ids))
                name = _("Theme %(number)d") % {"number": position}
                if words:
                    name = f"{name}: {', '.join(words)}"
            theme = Theme.objects.create(analysis=analysis, name=name[:MAX_NAME_LENGTH], position=position)
            distances = grouping.distances_to_centroid(vectors[[row[pk] for pk in members]])
            assignments += [
                ThemeAssignment(analysis=analysis, theme=theme, response_id=pk, distance=d)
                for pk, d in zip(members, distances, strict=True)
            ]
        ThemeAssignment.objects.bulk_create(assignments, batch_size=2000)
        analysis.state = AnalysisState.GROUPED
        analysis.model_name = embedding.MODEL_NAME
        analysis.distance_threshold = grouping.DISTANCE_THRESHOLD
        analysis.done = analysis.total = len(ids)
        analysis.finished_at = timezone.now()
        analysis.save()
        record_event(
            action="theme_analysis.grouped",
            obj=analysis,
            after={"themes": len(order), "responses": len(ids), "model": embedding.MODEL_NAME},
        )


# --- Staff's changes --------------------------------------------------------------------------------


def _locked(analysis: ThemeAnalysis) -> ThemeAnalysis:
    locked = ThemeAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if locked.state != AnalysisState.GROUPED:
        raise ThemeError(_("The themes cannot be changed while the responses are being grouped."))
    return locked


def _refresh_distances(themes: Iterable[Theme]) -> None:
    """Each member's distance to its theme's new centroid, so the quotes shown stay the most
    representative after a change."""
    import numpy as np

    for theme in themes:
        assignments = list(theme.assignments.all())
        vectors = response_vectors(a.response_id for a in assignments)
        kept = [a for a in assignments if a.response_id in vectors]
        if not kept:
            continue
        distances = grouping.distances_to_centroid(np.stack([vectors[a.response_id] for a in kept]))
        for assignment, distance in zip(kept, distances, strict=True):
            assignment.distance = distance
        ThemeAssignment.objects.bulk_update(kept, ["distance"])


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ThemeError(_("Enter a name for the theme."))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ThemeError(
            _("A theme's name must be %(count)d characters or fewer.") % {"count": MAX_NAME_LENGTH}
        )
    return cleaned


def rename_theme(theme: Theme, *, name: str, user: Any = None) -> Theme:
    """Give a theme the name staff chose. Side effect: an audit event with the old name."""
    cleaned = _clean_name(name)
    with transaction.atomic():
        _locked(theme.analysis)
        theme.refresh_from_db()
        if theme.name == cleaned:
            return theme
        before = theme.name
        theme.name = cleaned
        theme.save(update_fields=["name"])
        record_event(action="theme.renamed", obj=theme, before={"name": before}, after={"name": cleaned})
    return theme


def merge_themes(themes: Sequence[Theme], *, name: str = "", user: Any = None) -> Theme:
    """Join two or more themes of one analysis into the first: the others' responses move to it
    (keeping whether each was confirmed) and the others are removed. Side effects: distances to
    the new centroid; an audit event naming the themes merged."""
    if len({t.pk for t in themes}) < 2:
        raise ThemeError(_("Choose two or more themes to merge."))
    if len({t.analysis_id for t in themes}) != 1:
        raise ThemeError(_("Only themes of the same call can be merged."))
    cleaned = _clean_name(name) if name.strip() else ""
    with transaction.atomic():
        analysis = _locked(themes[0].analysis)
        rows = {t.pk: t for t in Theme.objects.filter(analysis=analysis, pk__in=[t.pk for t in themes])}
        if len(rows) != len({t.pk for t in themes}):
            raise ThemeError(_("One of the themes has been removed. Reload the page and try again."))
        ordered = sorted(rows.values(), key=lambda t: (t.position, t.pk))
        target, others = ordered[0], ordered[1:]
        before = [t.name for t in ordered]
        ThemeAssignment.objects.filter(theme__in=others).update(theme=target)
        Theme.objects.filter(pk__in=[t.pk for t in others]).delete()
        if cleaned:
            target.name = cleaned
        target.origin = Theme.Origin.PERSON
        target.save(update_fields=["name", "origin"])
        _refresh_distances([target])
        record_event(
            action="theme.merged",
            obj=target,
            before={"themes": before},
            after={"name": target.name, "responses": target.assignments.count()},
        )
    return target


def split_theme(
    theme: Theme, *, receipt_codes: Sequence[str] = (), name: str = "", user: Any = None
) -> Theme:
    """Split a theme in two and return the new one. With ``receipt_codes``, those responses (a
    person's choice) move to the new theme, confirmed by ``user``; without, the model splits the
    members into their two most natural groups, as candidates to confirm. Side effects:
    distances recomputed in both; an audit event with the sizes."""
    with transaction.atomic():
        analysis = _locked(theme.analysis)
        theme.refresh_from_db()
        assignments = list(theme.assignments.select_related("response").order_by("pk"))
        if len(assignments) < 2:
            raise ThemeError(_("A theme needs at least two responses to be split."))
        by_person = bool(receipt_codes)
        if by_person:
            chosen = {code.strip().upper() for code in receipt_codes if code.strip()}
            moving = [a for a in assignments if a.response.receipt_code in chosen]
            if len(moving) != len(chosen):
                raise ThemeError(_("Choose only responses that are in this theme."))
            if len(moving) == len(assignments):
                raise ThemeError(_("Leave at least one response in the theme."))
        else:
            import numpy as np

            vectors = response_vectors(a.response_id for a in assignments)
            if len(vectors) != len(assignments):
                raise ThemeError(
                    _("Some responses of this theme have not been read. Group the responses again.")
                )
            halves = grouping.split_in_two(np.stack([vectors[a.response_id] for a in assignments]))
            moving = [a for a, half in zip(assignments, halves, strict=True) if half == 1]
        cleaned = _clean_name(name) if name.strip() else _("%(name)s (split)") % {"name": theme.name}
        Theme.objects.filter(analysis=analysis, position__gt=theme.position).update(
            position=F("position") + 1
        )
        new = Theme.objects.create(
            analysis=analysis,
            name=cleaned[:MAX_NAME_LENGTH],
            origin=Theme.Origin.PERSON,
            position=theme.position + 1,
        )
        now = timezone.now()
        for assignment in moving:
            assignment.theme = new
            if by_person:
                assignment.origin = ThemeAssignment.Origin.PERSON
                assignment.confirmed = True
                assignment.confirmed_by = _user(user)
                assignment.confirmed_at = now
            else:
                # The model's new grouping: a candidate again, whatever was confirmed before.
                assignment.origin = ThemeAssignment.Origin.MACHINE
                assignment.confirmed = False
                assignment.confirmed_by = None
                assignment.confirmed_at = None
        ThemeAssignment.objects.bulk_update(
            moving, ["theme", "origin", "confirmed", "confirmed_by", "confirmed_at"]
        )
        if not by_person:
            theme.assignments.update(confirmed=False, confirmed_by=None, confirmed_at=None, origin="machine")
        _refresh_distances([theme, new])
        record_event(
            action="theme.split",
            obj=theme,
            before={"name": theme.name, "responses": len(assignments)},
            after={
                "kept": len(assignments) - len(moving),
                "new_theme": new.name,
                "moved": len(moving),
                "by": "person" if by_person else "model",
            },
        )
    return new


def move_assignment(assignment: ThemeAssignment, *, theme: Theme, user: Any = None) -> ThemeAssignment:
    """Move one response to another theme of the same call: a person's decision, so the
    assignment becomes confirmed by ``user``. Side effects: distances in both themes; an audit
    event with the receipt code and both themes' names."""
    if theme.analysis_id != assignment.analysis_id:
        raise ThemeError(_("Choose a theme of the same call."))
    with transaction.atomic():
        _locked(assignment.analysis)
        assignment = (
            ThemeAssignment.objects.select_for_update()
            .select_related("theme", "response")
            .get(pk=assignment.pk)
        )
        theme = Theme.objects.get(pk=theme.pk)
        old = assignment.theme
        if old.pk == theme.pk and assignment.confirmed:
            return assignment
        assignment.theme = theme
        assignment.origin = ThemeAssignment.Origin.PERSON
        assignment.confirmed = True
        assignment.confirmed_by = _user(user)
        assignment.confirmed_at = timezone.now()
        assignment.save(update_fields=["theme", "origin", "confirmed", "confirmed_by", "confirmed_at"])
        _refresh_distances([old, theme] if old.pk != theme.pk else [theme])
        record_event(
            action="theme_assignment.moved",
            obj=assignment,
            before={"theme": old.name},
            after={"theme": theme.name, "receipt_code": assignment.response.receipt_code},
        )
    return assignment


def confirm_assignments(analysis: ThemeAnalysis, *, theme: Theme | None = None, user: Any = None) -> int:
    """Confirm the model's candidate assignments: one theme's, or every theme's. Returns how many
    were confirmed. Side effect: an audit event with the count (none when nothing was waiting)."""
    if theme is not None and theme.analysis_id != analysis.pk:
        raise ThemeError(_("Choose a theme of this call."))
    with transaction.atomic():
        locked = _locked(analysis)
        waiting = ThemeAssignment.objects.filter(analysis=locked, confirmed=False)
        if theme is not None:
            waiting = waiting.filter(theme=theme)
        count = waiting.update(confirmed=True, confirmed_by=_user(user), confirmed_at=timezone.now())
        if count:
            record_event(
                action="theme_assignment.confirmed",
                obj=theme if theme is not None else locked,
                after={"confirmed": count, "theme": theme.name if theme is not None else "all"},
            )
    return count
