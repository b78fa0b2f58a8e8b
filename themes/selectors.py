"""The reads of theme grouping: an analysis's themes with their sizes (confirmed and candidate
counted apart) and representative quotes, one theme's members, and the CSV export's rows.

Quotes are the responses nearest the theme's centroid (``ThemeAssignment.distance``, kept current
by the services). The export carries receipt codes, never names or e-mail addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from calls.models import CallForEvidence, ResponseAnswer
from themes.models import Theme, ThemeAnalysis, ThemeAssignment

QUOTES = 3
QUOTE_LENGTH = 300


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
