"""Search across everything published: complaints (reference, title, subject, features, the
bodies that made them), reports (title, findings), recommendations (text) and organisations (names).

Database-agnostic by choice (docs/decisions/0011-public-register.md): one ``icontains`` query per
kind of content, over the published-only selectors, which runs the same on SQLite and PostgreSQL
and is plenty for a register of tens of complaints and hundreds of recommendations. The database
finds candidates; Python then keeps those where a term is a whole word ("training" is not found
in "restraining"), of the text the page shows: on a Welsh page, the Welsh text where there is one.
Ranking is done on the rows kept: each distinct term found scores 1, found in a title 3 more, and
the whole phrase in a title 5 more. Five queries whatever the number of results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from complaints.models import Complainant, Feature
from organisations.models import Organisation
from public import selectors
from public.templatetags.localisation import is_welsh
from recommendations.models import Recommendation
from reports.models import ReportSection
from reports.selectors import published_passages

MAX_TERMS = 8
SNIPPET_RADIUS = 90
# Words too common to search on alone, in English and Welsh. A query made only of them is kept.
# fmt: off
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "to", "with",
    "ac", "am", "ar", "gan", "i", "o", "y", "yn", "yr", "ei", "eu",
})
# fmt: on
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


def terms_of(query: str) -> list[str]:
    """The distinct words of a query, folded for comparison, stop words dropped unless only they."""
    words = [w.strip("’'-").casefold() for w in _WORD.findall(query)]
    words = [w for w in dict.fromkeys(words) if len(w) > 1]
    kept = [w for w in words if w not in STOP_WORDS]
    return (kept or words)[:MAX_TERMS]


@dataclass
class Result:
    kind: str
    kind_label: str
    title: str
    title_lang: str  # "" when the title is in the page's language, else "en"
    url: str
    score: int
    snippet: SafeString
    snippet_lang: str
    context: str = ""


def _any_term(fields: Iterable[str], terms: list[str]) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields for term in terms))


def _whole_word(term: str) -> re.Pattern[str]:
    # Letters, digits and underscores continue a word; hyphens and apostrophes inside a term are
    # part of it ("honour-based", "SC-2019-002").
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def _found(text: str, terms: list[str]) -> set[str]:
    folded = (text or "").casefold()
    return {term for term in terms if term in folded and _whole_word(term).search(folded)}


def _any_found(texts: Iterable[str], terms: list[str]) -> bool:
    return any(_found(text, terms) for text in texts)


def _score(title: str, texts: list[str], terms: list[str], phrase: str) -> int:
    in_title = _found(title, terms)
    everywhere = set(in_title)
    for text in texts:
        everywhere |= _found(text, terms)
    score = len(everywhere) + 3 * len(in_title)
    if phrase and len(terms) > 1 and phrase in title.casefold():
        score += 5
    return score


def highlight(text: str, terms: list[str]) -> SafeString:
    """An escaped extract of ``text`` around the first term found as a whole word, each such
    term in ``<mark>``."""
    folded = text.casefold()
    matches = [_whole_word(term).search(folded) for term in terms]
    positions = [match.start() for match in matches if match]
    if not positions:
        extract = text[: 2 * SNIPPET_RADIUS]
        return mark_safe(escape(extract) + ("…" if len(text) > len(extract) else ""))
    first = min(positions)
    start = max(0, first - SNIPPET_RADIUS)
    end = min(len(text), first + SNIPPET_RADIUS)
    # Cut at word boundaries so the extract does not start or end mid-word.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    extract = text[start:end]
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(term)}(?!\w)" for term in sorted(terms, key=len, reverse=True)),
        re.IGNORECASE,
    )
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(extract):
        pieces.append(escape(extract[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    pieces.append(escape(extract[last:]))
    return mark_safe(("…" if start > 0 else "") + "".join(pieces) + ("…" if end < len(text) else ""))


def _best_snippet(candidates: list[tuple[str, str]], terms: list[str]) -> tuple[SafeString, str]:
    """The first non-empty text that contains a term, else the first non-empty one."""
    texts = [(text, lang) for text, lang in candidates if text and text.strip()]
    for text, lang in texts:
        if _found(text, terms):
            return highlight(text, terms), lang
    if texts:
        return highlight(texts[0][0], terms), texts[0][1]
    return mark_safe(""), ""


def _complaints(terms: list[str], phrase: str) -> list[Result]:
    feature_match = Feature.objects.filter(_any_term(["text", "text_cy"], terms)).values("complaint_id")
    body_match = Complainant.objects.filter(
        _any_term(["body__name", "body__name_cy", "body__short_name", "body__also_known_as"], terms)
    ).values("complaint_id")
    complaints = (
        selectors.published_complaints()
        .filter(
            _any_term(["reference", "title", "title_cy", "subject", "subject_cy"], terms)
            | Q(pk__in=feature_match)
            | Q(pk__in=body_match)
        )
        .prefetch_related(
            Prefetch("features", queryset=Feature.objects.order_by("position", "pk")),
            Prefetch(
                "complainant_set",
                queryset=Complainant.objects.select_related("body").order_by("position", "pk"),
            ),
        )
    )
    results = []
    for complaint in complaints:
        features = [selectors.localised_text(f, "text") for f in complaint.features.all()]
        bodies = [c.body for c in complaint.complainant_set.all()]
        names = [
            " ".join([selectors.localised_text(b, "name")[0], b.short_name, *b.also_known_as]) for b in bodies
        ]
        title, title_lang = selectors.localised_text(complaint, "title")
        subject = selectors.localised_text(complaint, "subject")
        searched = [subject[0], *(text for text, _lang in features), *names]
        if not _any_found([complaint.reference or "", title, *searched], terms):
            continue
        snippet, lang = _best_snippet([subject, *features], terms)
        results.append(
            Result(
                kind="complaint",
                kind_label=_("Super-complaint"),
                title=title,
                title_lang=title_lang,
                url=selectors.complaint_url(complaint),
                score=_score(f"{complaint.reference} {title}", searched, terms, phrase),
                snippet=snippet,
                snippet_lang=lang,
                context=complaint.reference or "",
            )
        )
    return results


def _reports(terms: list[str], phrase: str) -> list[Result]:
    # Conclusions are passages: only those the published rendition shows (reports.selectors).
    conclusions_of = published_passages().filter(section=ReportSection.CONCLUSIONS)
    reports = (
        selectors.published_reports()
        .filter(
            _any_term(["title", "title_cy", "findings_summary"], terms)
            | Q(pk__in=conclusions_of.filter(_any_term(["text", "text_cy"], terms)).values("report"))
        )
        .select_related("complaint")
        .prefetch_related(Prefetch("passages", queryset=conclusions_of, to_attr="public_conclusions"))
    )
    results = []
    for report in reports:
        title, title_lang = selectors.localised_text(report, "title")
        findings = selectors.localised_text(report, "findings_summary")
        localised = [selectors.localised_text(p, "text") for p in report.public_conclusions]  # type: ignore[attr-defined]
        conclusions = ("\n\n".join(text for text, _lang in localised), localised[0][1] if localised else "")
        if not _any_found([title, findings[0], conclusions[0]], terms):
            continue
        snippet, lang = _best_snippet([findings, conclusions], terms)
        results.append(
            Result(
                kind="report",
                kind_label=_("Report"),
                title=title,
                title_lang=title_lang,
                url=reverse("public:report", args=[report.complaint.reference]),
                score=_score(title, [findings[0], conclusions[0]], terms, phrase),
                snippet=snippet,
                snippet_lang=lang,
                context=report.complaint.reference or "",
            )
        )
    return results


def _recommendations(terms: list[str], phrase: str) -> list[Result]:
    recommendations: QuerySet[Recommendation] = (
        Recommendation.objects.published()
        .filter(_any_term(["text", "text_cy", "label"], terms))
        .select_related("report__complaint")
    )
    results = []
    for recommendation in recommendations:
        complaint = recommendation.report.complaint
        text = selectors.localised_text(recommendation, "text")
        if not _any_found([recommendation.label, text[0]], terms):
            continue
        snippet, lang = _best_snippet([text], terms)
        results.append(
            Result(
                kind="recommendation",
                kind_label=_("Recommendation"),
                title=f"{recommendation.reference}: {recommendation.label}",
                title_lang="en" if is_welsh() else "",
                url=f"{selectors.complaint_url(complaint)}#{recommendation.reference}",
                score=_score(recommendation.label, [text[0]], terms, phrase),
                snippet=snippet,
                snippet_lang=lang,
                context=complaint.reference or "",
            )
        )
    return results


def _organisations(terms: list[str], phrase: str) -> list[Result]:
    organisations = Organisation.objects.filter(
        _any_term(["name", "name_cy", "short_name", "also_known_as"], terms)
    ).order_by("name", "pk")
    results = []
    for organisation in organisations:
        names = " ".join(
            [organisation.name, organisation.name_cy, organisation.short_name, *organisation.also_known_as]
        )
        title, title_lang = selectors.localised_text(organisation, "name")
        # Every name an organisation goes by finds it, in either language: people search for
        # "North Wales Police" on a Welsh page too.
        if not _found(names, terms):
            continue
        results.append(
            Result(
                kind="organisation",
                kind_label=str(organisation.get_kind_display()),
                title=title,
                title_lang=title_lang,
                url=reverse("public:organisation", args=[organisation.slug]),
                score=_score(names, [], terms, phrase),
                snippet=highlight(", ".join(organisation.also_known_as), terms)
                if organisation.also_known_as
                else mark_safe(""),
                snippet_lang="en" if is_welsh() and organisation.also_known_as else "",
            )
        )
    return results


KIND_ORDER = {"complaint": 0, "report": 1, "recommendation": 2, "organisation": 3}


def search(query: str) -> list[Result]:
    """Everything published that matches any term of ``query``, best first."""
    terms = terms_of(query)
    if not terms:
        return []
    phrase = " ".join(query.casefold().split())
    results = (
        _complaints(terms, phrase)
        + _reports(terms, phrase)
        + _recommendations(terms, phrase)
        + _organisations(terms, phrase)
    )
    results.sort(key=lambda r: (-r.score, KIND_ORDER[r.kind], r.title.casefold()))
    return results
