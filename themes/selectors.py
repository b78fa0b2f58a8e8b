"""The reads of theme grouping: an analysis's themes with their sizes (confirmed and candidate
counted apart) and representative quotes, one theme's members, the evidence passages closest to a
theme, and the CSV export's rows.

Quotes are the responses nearest the theme's centroid (``ThemeAssignment.distance``, kept current
by the services). The export carries receipt codes, never names or e-mail addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet

from calls.models import CallForEvidence, ResponseAnswer
from evidence.models import Document
from themes import embedding
from themes.models import Embedding, Theme, ThemeAnalysis, ThemeAssignment

QUOTES = 3
QUOTE_LENGTH = 300
PASSAGES = 3
# Passage vectors read from the database at a time: memory stays bounded whatever the evidence.
PASSAGE_CHUNK = 2000


def analysis_of(call: CallForEvidence) -> ThemeAnalysis | None:
    return ThemeAnalysis.objects.filter(call=call).first()


def quote(assignment: ThemeAssignment) -> str:
    """The start of a response's answers, cut at a word within ``QUOTE_LENGTH`` characters."""
    text = " ".join(" ".join(a.text.split()) for a in assignment.response.answers.all())
    if len(text) <= QUOTE_LENGTH:
        return text
    return text[:QUOTE_LENGTH].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class ThemeSummary:
    theme: Theme
    confirmed: int
    candidates: int
    quotes: list[str]

    @property
    def size(self) -> int:
        return self.confirmed + self.candidates


def _counted(analysis: ThemeAnalysis):  # type: ignore[no-untyped-def]
    return Theme.objects.filter(analysis=analysis).annotate(
        confirmed_count=Count("assignments", filter=Q(assignments__confirmed=True)),
        candidate_count=Count("assignments", filter=Q(assignments__confirmed=False)),
    )


def theme_summaries(analysis: ThemeAnalysis) -> list[ThemeSummary]:
    """Every theme in order, with its counts and its most representative quotes (three queries
    plus one per theme for the quotes, whatever the number of responses)."""
    summaries = []
    for theme in _counted(analysis):
        nearest = list(
            ThemeAssignment.objects.filter(theme=theme)
            .select_related("response")
            .prefetch_related(
                Prefetch("response__answers", queryset=ResponseAnswer.objects.order_by("question__position"))
            )
            .order_by("distance", "pk")[:QUOTES]
        )
        summaries.append(
            ThemeSummary(
                theme=theme,
                confirmed=theme.confirmed_count,  # type: ignore[attr-defined]
                candidates=theme.candidate_count,  # type: ignore[attr-defined]
                quotes=[quote(a) for a in nearest],
            )
        )
    return summaries


def members(theme: Theme) -> list[ThemeAssignment]:
    """A theme's responses, most representative first, with their answers."""
    return list(
        ThemeAssignment.objects.filter(theme=theme)
        .select_related("response", "confirmed_by")
        .prefetch_related(
            Prefetch("response__answers", queryset=ResponseAnswer.objects.order_by("question__position"))
        )
        .order_by("distance", "pk")
    )


def totals(analysis: ThemeAnalysis) -> tuple[int, int]:
    """(confirmed, candidate) assignments over the whole analysis."""
    counts = ThemeAssignment.objects.filter(analysis=analysis).aggregate(
        confirmed_count=Count("pk", filter=Q(confirmed=True)),
        candidate_count=Count("pk", filter=Q(confirmed=False)),
    )
    return counts["confirmed_count"], counts["candidate_count"]


def csv_rows(analysis: ThemeAnalysis) -> Iterator[list[str]]:
    """The export: a summary row per theme, then a row per response. No personal data."""
    yield ["record", "theme", "confirmed responses", "candidate responses", "receipt code", "confirmed"]
    for theme in _counted(analysis):
        yield ["theme", theme.name, str(theme.confirmed_count), str(theme.candidate_count), "", ""]  # type: ignore[attr-defined]
    assignments = (
        ThemeAssignment.objects.filter(analysis=analysis)
        .select_related("theme", "response")
        .order_by("theme__position", "theme__pk", "response__receipt_code")
    )
    for assignment in assignments:
        yield [
            "response",
            assignment.theme.name,
            "",
            "",
            assignment.response.receipt_code,
            "yes" if assignment.confirmed else "no",
        ]


@dataclass(frozen=True)
class Passage:
    document_id: int
    text: str
    similarity: float  # cosine similarity to the theme's centroid


@dataclass(frozen=True)
class PassageMatches:
    # How many passages of the documents given the model has read (their current text): none
    # means nothing can be matched yet, which is not the same as nothing being close.
    embedded: int
    closest: list[Passage] = field(default_factory=list)


def theme_centroid(theme: Theme):  # type: ignore[no-untyped-def]
    """The mean of the theme's responses' vectors, of length 1; None when none is embedded."""
    import numpy as np

    responses = ThemeAssignment.objects.filter(theme=theme).values("response_id")
    rows = Embedding.objects.filter(
        kind=Embedding.Kind.RESPONSE, model_name=embedding.MODEL_NAME, response_id__in=responses
    ).values_list("vector", flat=True)
    vectors = [embedding.from_bytes(v) for v in rows]
    if not vectors:
        return None
    centroid = np.mean(np.stack(vectors), axis=0)
    norm = float(np.linalg.norm(centroid))
    return centroid / norm if norm else centroid


def closest_passages(theme: Theme, documents: QuerySet[Document], *, limit: int = PASSAGES) -> PassageMatches:
    """The ``limit`` passages of ``documents`` (the caller passes those the person may open) most
    similar to the theme's centroid, best first (ties: the one stored first). Only passages cut from
    a document's current text count; vectors are read ``PASSAGE_CHUNK`` at a time."""
    import numpy as np

    rows = Embedding.objects.filter(
        kind=Embedding.Kind.PASSAGE,
        model_name=embedding.MODEL_NAME,
        document__in=documents,
        text_extracted_at=F("document__text_extracted_at"),
    ).order_by("pk")
    centroid = theme_centroid(theme)
    if centroid is None:
        return PassageMatches(embedded=rows.count())
    best: list[tuple[float, int]] = []  # (similarity, embedding pk)
    embedded = 0
    chunk: list[tuple[int, bytes]] = []

    def score(chunk: list[tuple[int, bytes]]) -> None:
        matrix = np.stack([embedding.from_bytes(vector) for _pk, vector in chunk])
        similarities = matrix @ centroid
        best.extend((float(similarity), pk) for (pk, _v), similarity in zip(chunk, similarities, strict=True))
        best.sort(key=lambda pair: (-pair[0], pair[1]))
        del best[limit:]

    for pk, vector in rows.values_list("pk", "vector").iterator(chunk_size=PASSAGE_CHUNK):
        embedded += 1
        chunk.append((pk, vector))
        if len(chunk) == PASSAGE_CHUNK:
            score(chunk)
            chunk = []
    if chunk:
        score(chunk)
    found: dict[int, tuple[int, str]] = {
        pk: (document_id, text)
        for pk, document_id, text in Embedding.objects.filter(pk__in=[pk for _s, pk in best]).values_list(
            "pk", "document_id", "passage_text"
        )
    }
    return PassageMatches(
        embedded=embedded,
        closest=[
            Passage(document_id=found[pk][0], text=found[pk][1], similarity=similarity)
            for similarity, pk in best
        ],
    )
