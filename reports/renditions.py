"""The two renditions of a report, from one source (SI 2018/748 reg 8(3)).

- ``Rendition.FULL``: for the authorities' staff only. Every passage is there; an excluded one is
  shown marked as excluded, with its ground, its reason, and who proposed and approved it.
- ``Rendition.PUBLISHED``: what the body receives and the public reads. A passage excluded (or
  proposed for exclusion) is absent from the document: it is never read into the page, so no
  stylesheet, script or copy-and-paste can bring it back.

Both come as accessible HTML and as tagged PDF (PDF/UA-1: headings, bookmarks from them, the
document's language and title) from the same templates, so they cannot drift apart. Who may read
which rendition is for the caller to decide: the public reads only a report from
``reports.selectors.published_reports``; staff preview either before publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.translation import get_language

from common.pdf import render_pdf
from common.text import strip_bidi_controls
from complaints.models import Complainant, SuperComplaint
from organisations.models import Organisation
from recommendations.models import AddresseeGroup, Recommendation
from reports.models import DissentingOpinion, DmaAction, Exclusion, Report, ReportPassage, ReportSection


class Rendition(StrEnum):
    FULL = "full"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Passage:
    passage: ReportPassage
    # Only ever set in the full rendition: the published one has no excluded passage to mark.
    exclusion: Exclusion | None = None


@dataclass(frozen=True)
class Section:
    section: ReportSection
    passages: list[Passage]

    @property
    def title(self) -> str:
        return str(self.section.label)


@dataclass(frozen=True)
class RecommendationEntry:
    recommendation: Recommendation
    groups: list[AddresseeGroup]
    organisations: list[Organisation]


@dataclass
class ReportDocument:
    report: Report
    complaint: SuperComplaint
    rendition: Rendition
    complainants: list[Organisation]
    steps_taken: Section
    conclusions: Section
    actions: list[DmaAction] = field(default_factory=list)
    opinions: list[DissentingOpinion] = field(default_factory=list)
    recommendations: list[RecommendationEntry] = field(default_factory=list)
    # Free-standing withheld passages (their text held by the exclusion): full rendition only.
    withheld: list[Exclusion] = field(default_factory=list)

    @property
    def is_full(self) -> bool:
        return self.rendition == Rendition.FULL

    @property
    def sections(self) -> list[Section]:
        return [self.steps_taken, self.conclusions]


def build_document(report: Report, rendition: Rendition) -> ReportDocument:
    """The report's content as ``rendition`` gives it (see the module's docstring)."""
    full = rendition == Rendition.FULL
    complaint = report.complaint
    passages = list(
        ReportPassage.objects.filter(report=report)
        .select_related("exclusion__proposed_by", "exclusion__approved_by")
        .order_by("position", "pk")
    )
    by_section: dict[str, list[Passage]] = {s.value: [] for s in ReportSection}
    for passage in passages:
        exclusion = getattr(passage, "exclusion", None)
        if exclusion is not None and not full:
            # Reg 8(3): absent, not hidden. A proposed exclusion withholds as an approved one does.
            continue
        by_section[passage.section].append(Passage(passage, exclusion))
    recommendations = (
        Recommendation.objects.filter(report=report)
        .prefetch_related(
            Prefetch("addressee_groups", queryset=AddresseeGroup.objects.order_by("name", "pk")),
            Prefetch("addressee_organisations", queryset=Organisation.objects.order_by("name", "pk")),
        )
        .order_by("position", "pk")
    )
    return ReportDocument(
        report=report,
        complaint=complaint,
        rendition=rendition,
        complainants=[
            c.body
            for c in Complainant.objects.filter(complaint=complaint)
            .select_related("body")
            .order_by("position", "pk")
        ],
        steps_taken=Section(ReportSection.STEPS_TAKEN, by_section[ReportSection.STEPS_TAKEN]),
        conclusions=Section(ReportSection.CONCLUSIONS, by_section[ReportSection.CONCLUSIONS]),
        actions=list(report.actions.select_related("authority").order_by("position", "pk")),
        opinions=list(report.opinions.select_related("authority").order_by("pk")),
        recommendations=[
            RecommendationEntry(r, list(r.addressee_groups.all()), list(r.addressee_organisations.all()))
            for r in recommendations
        ],
        withheld=list(report.exclusions.filter(target__isnull=True).order_by("pk")) if full else [],
    )


def render_html(report: Report, rendition: Rendition) -> str:
    """The rendition as a standalone, accessible HTML document in the active language, with its
    title and its own print CSS (what the PDF is made from)."""
    document = build_document(report, rendition)
    context = {
        "document": document,
        "report": report,
        "complaint": document.complaint,
        "LANGUAGE_CODE": get_language(),
    }
    # Text arrives by the builder, the admin and the public record: whatever the route, no
    # bidirectional control may reorder what the report says ("Trojan Source").
    return strip_bidi_controls(render_to_string("reports/rendition/document.html", context))


def render_report_pdf(report: Report, rendition: Rendition) -> bytes:
    """The rendition as tagged PDF (PDF/UA-1), from the same HTML document as ``render_html``."""
    return render_pdf(render_html(report, rendition))
