"""The published derivative: the source text with every confirmed span taken out, as a new PDF.

The text is rebuilt, not covered: each confirmed span's characters are replaced by a marker before
any HTML is written, so the removed words are in no layer, stream, or metadata of the PDF. The PDF
is made by WeasyPrint from a standalone HTML document (common.pdf.render_pdf, the path of letters
and reports), carrying nothing of the original file: its title is the extract's title.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from common.pdf import render_pdf
from common.text import strip_bidi_controls

Interval = tuple[int, int]


def merged_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals as one, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def marker() -> str:
    return _("[redacted]")


def redacted_text(text: str, removed: Iterable[Interval]) -> str:
    """``text`` with each of the ``removed`` stretches replaced by one marker."""
    out, position = [], 0
    for start, end in merged_intervals(removed):
        out.append(text[position:start])
        out.append(marker())
        position = end
    out.append(text[position:])
    return "".join(out)


@dataclass(frozen=True)
class Segment:
    """A stretch of the source text for the staff page: plain, or marked with a span's decision."""

    text: str
    decision: str = ""
    kind_label: str = ""


def segments(text: str, spans: Iterable[tuple[int, int, str, str]]) -> list[Segment]:
    """The text cut where spans start and end, for showing it with the spans highlighted.

    ``spans``: ``(start, end, decision, kind label)``. Where spans overlap, the stretch is shown
    with the strongest decision (confirmed, then proposed, then rejected)."""
    ordered = sorted(spans)
    strength = {"confirmed": 3, "proposed": 2, "rejected": 1}
    cuts = sorted({0, len(text), *(s for s, *_ in ordered), *(e for _s, e, *_ in ordered)})
    out: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        covering = [span for span in ordered if span[0] <= start and span[1] >= end]
        if covering:
            best = max(covering, key=lambda span: strength.get(span[2], 0))
            out.append(Segment(text[start:end], best[2], best[3]))
        else:
            out.append(Segment(text[start:end]))
    return [segment for segment in out if segment.text]


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each a list of its lines."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block.split("\n") for block in blocks if block.strip()]


def render_html(*, title: str, reference: str, text: str, language: str = "en") -> str:
    """The extract as a standalone HTML document: its title, the complaint's reference, a note that
    personal details were removed, and the redacted text (already with its markers)."""
    with translation.override(language):
        document = render_to_string(
            "redaction/extract.html",
            {
                "title": title,
                "reference": reference,
                "paragraphs": paragraphs(text),
                "marker": marker(),
                "language": language,
            },
        )
    return strip_bidi_controls(document)


def render_extract_pdf(*, title: str, reference: str, text: str, language: str = "en") -> bytes:
    """The redacted text as tagged PDF (PDF/UA-1), titled ``title``."""
    return render_pdf(render_html(title=title, reference=reference, text=text, language=language))
