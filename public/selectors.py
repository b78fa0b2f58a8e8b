"""Reads for the public register pages, feeds and search.

Every query on a domain model starts from a published-only selector
(``SuperComplaint.objects.published()``, ``Report.objects.published()``,
``Recommendation.objects.published()``, ``Obligation.objects.published()``,
``Response.objects.published()``), so an unpublished record cannot reach a public page through a
forgotten filter. Organisations and designations are public data and are read directly.

Lists are read in a fixed number of queries whatever their length: related rows come through
``select_related`` and ``prefetch_related``, never one query per row.

What the public never sees, and so nothing here reads: contact details, authority positions, the
eligibility checklist, notes and reasons, progress report contents (only how many were sent),
letters, reg 8(3) exclusions, draft or embargoed reports, unpublished responses, internal notes on
organisations and designations.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from calls.selectors import published_call, published_calls, published_calls_for  # noqa: F401
from common.partial_dates import PartialDate
from complaints.models import Complainant, ComplaintState, SuperComplaint
from complaints.published import (  # noqa: F401  (the register's pages read them here)
    AFTER_REPORT,
    PUBLIC_STAGES,
    filter_register,
    progress_reports_known,
    public_stage,
    published_complaints,
)
from complaints.selectors import RunningDeadline, running_deadline
from complaints.timeline import Audience, TimelineEntry, complaint_timeline
from deadlines.rules import to_london_date
from organisations.models import Designation, Organisation
from public.templatetags.localisation import is_welsh
from recommendations.models import AddresseeGroup, Obligation, ObligationQuerySet, Recommendation, Response
from recommendations.selectors import (  # noqa: F401
    ResponseCell,
    ResponseStatistics,
    Timeliness,
    cell_for,
    published_responses,
    statistics_of,
)
from reports.models import DissentingOpinion, DmaAction, Report
from reports.selectors import published_reports


def london_today() -> datetime.date:
    """Today in London, where deadlines are counted."""
    return to_london_date(timezone.now())


# --- Base selectors -----------------------------------------------------------------------------


def _complainants_prefetch() -> Prefetch:
    return Prefetch(
        "complainant_set",
        queryset=Complainant.objects.select_related("body").order_by("position", "pk"),
        to_attr="complainants_in_order",
    )


def _report_prefetch() -> Prefetch:
    return Prefetch("report", queryset=Report.objects.published(), to_attr="published_report")


def complaint_url(complaint: SuperComplaint) -> str:
    return reverse("public:complaint", args=[complaint.reference])


# --- The register -------------------------------------------------------------------------------


def register_complaints() -> QuerySet[SuperComplaint]:
    """The register, newest first, with what each row shows: four queries for a page of it."""
    return (
        published_complaints()
        .select_related("eligibility")
        .prefetch_related(_complainants_prefetch(), _report_prefetch())
        .order_by("-received_on", "-pk")
    )


def register_years() -> list[int]:
    """The years in which complaints on the register were received, newest first (one query)."""
    received = published_complaints().values_list("received_on", flat=True)
    return sorted({day.year for day in received if day is not None}, reverse=True)


def designated_bodies() -> QuerySet[Organisation]:
    return Organisation.objects.designated_bodies().order_by("name", "pk")


def forces() -> QuerySet[Organisation]:
    return Organisation.objects.forces().order_by("name", "pk")


# --- Responses and their timeliness -------------------------------------------------------------


def obligations_prefetch(queryset: ObligationQuerySet | None = None) -> Prefetch:
    """A recommendation's published obligations with their addressee, deadline day and published
    responses."""
    queryset = queryset if queryset is not None else Obligation.objects.published()
    return Prefetch(
        "obligations",
        queryset=queryset.select_related("organisation", "via_group")
        .with_due()
        .prefetch_related(
            Prefetch("responses", queryset=published_responses(), to_attr="published_responses")
        )
        .order_by("organisation__name", "pk"),
        to_attr="public_obligations",
    )


@dataclass
class RecommendationEntry:
    recommendation: Recommendation
    cells: list[ResponseCell]

    @property
    def groups(self) -> list[AddresseeGroup]:
        return list(self.recommendation.addressee_groups.all())

    @property
    def organisations(self) -> list[Organisation]:
        return list(self.recommendation.addressee_organisations.all())

    @property
    def responded(self) -> int:
        return sum(1 for cell in self.cells if cell.responses)


def report_recommendations(report: Report) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.published()
        .filter(report=report)
        .prefetch_related(
            Prefetch("addressee_groups", queryset=AddresseeGroup.objects.order_by("name", "pk")),
            Prefetch("addressee_organisations", queryset=Organisation.objects.order_by("name", "pk")),
            obligations_prefetch(),
        )
        .order_by("position", "pk")
    )


# --- One complaint ------------------------------------------------------------------------------


@dataclass
class ComplaintRecord:
    """Everything the public register shows of one complaint."""

    complaint: SuperComplaint
    stage: ComplaintState
    complainants: list[Organisation]
    features: list
    forces: list[Organisation]
    eligibility: object | None
    progress_reports_sent: int
    report: Report | None
    recommendations: list[RecommendationEntry] = field(default_factory=list)
    actions: list[DmaAction] = field(default_factory=list)
    opinions: list[DissentingOpinion] = field(default_factory=list)
    today: datetime.date = field(default_factory=london_today)
    # The next date the public can expect (a progress report, reg 7), from the deadlines ledger.
    next_deadline: RunningDeadline | None = None

    @property
    def progress_reports_known(self) -> bool:
        return progress_reports_known(self.complaint)

    @property
    def recommendations_entered(self) -> int:
        return len(self.recommendations)

    @property
    def responses_published(self) -> int:
        return sum(len(cell.responses) for entry in self.recommendations for cell in entry.cells)

    @property
    def timeline(self) -> list[TimelineEntry]:
        """The one complaint timeline (``complaints.timeline``), as the public may see it."""
        return complaint_timeline(self.complaint, audience=Audience.PUBLIC, report=self.report)

    @property
    def public_record_notes(self) -> list[tuple[str, list[NoteLine]]]:
        """Facts from the public record the service does not yet hold as structured data."""
        if self.report is None:
            return []
        return public_record_notes(self.report.public_record_notes or {})


@dataclass(frozen=True)
class NoteLine:
    text: str  # as the public record gives it, in English
    due: PartialDate | None = None
    due_text: str = ""  # a due date the record gives in a form that is not a date


def public_record_notes(notes: dict) -> list[tuple[str, list[NoteLine]]]:
    """The report's ``public_record_notes`` as (heading, lines), in a fixed order."""
    labelled = []
    for key, heading in (
        ("recommendation_addressees", _("Recommendations addressed to")),
        ("dma_actions_for", _("Actions by the decision-making authorities")),
        ("responses_known", _("Responses known from")),
    ):
        if notes.get(key):
            labelled.append((heading, [NoteLine(str(item)) for item in notes[key]]))
    deadlines = []
    for item in notes.get("response_deadlines") or []:
        text = ": ".join(str(part) for part in (item.get("addressee"), item.get("what")) if part)
        due, due_text = None, ""
        if item.get("due"):
            try:
                due = PartialDate.parse(str(item["due"]))
            except ValueError:
                due_text = str(item["due"])
        deadlines.append(NoteLine(text, due, due_text))
    if deadlines:
        labelled.append((_("Response deadlines"), deadlines))
    return labelled


def complaint_record(
    reference: str, *, today: datetime.date | None = None, with_recommendations: bool = True
) -> ComplaintRecord | None:
    """The complaint on the register with this reference, or None if there is none."""
    complaint = (
        published_complaints()
        .filter(reference=reference)
        .select_related("eligibility")
        .annotate(sent_reports=Count("progress_reports", filter=Q(progress_reports__sent_at__isnull=False)))
        .prefetch_related(
            _complainants_prefetch(),
            "features",
            Prefetch("forces", queryset=Organisation.objects.order_by("name", "pk")),
        )
        .first()
    )
    if complaint is None:
        return None
    today = today or london_today()
    report = (
        published_reports()
        .filter(complaint=complaint)
        .prefetch_related(
            Prefetch(
                "actions", queryset=DmaAction.objects.select_related("authority").order_by("position", "pk")
            ),
            Prefetch(
                "opinions", queryset=DissentingOpinion.objects.select_related("authority").order_by("pk")
            ),
        )
        .first()
    )
    # The attribute _report_prefetch()'s to_attr sets elsewhere; the type checker cannot see those.
    complaint.published_report = report  # type: ignore[attr-defined]
    record = ComplaintRecord(
        complaint=complaint,
        stage=public_stage(complaint),
        # Set by _complainants_prefetch()'s to_attr.
        complainants=[c.body for c in complaint.complainants_in_order],  # type: ignore[attr-defined]
        features=list(complaint.features.all()),
        forces=list(complaint.forces.all()),
        eligibility=getattr(complaint, "eligibility", None),
        progress_reports_sent=complaint.sent_reports,
        report=report,
        today=today,
        next_deadline=running_deadline(complaint, today=today),
    )
    if report is not None:
        record.actions = list(report.actions.all())
        record.opinions = list(report.opinions.all())
        if with_recommendations:
            record.recommendations = [
                # Set by obligations_prefetch()'s to_attr.
                RecommendationEntry(rec, [cell_for(o, today) for o in rec.public_obligations])  # type: ignore[attr-defined]
                for rec in report_recommendations(report)
            ]
    return record


# --- The recommendation × addressee matrix ------------------------------------------------------


@dataclass
class MatrixRow:
    organisation: Organisation
    cells: list[ResponseCell]


@dataclass
class Matrix:
    recommendations: list[Recommendation]
    rows: list[MatrixRow]

    @property
    def responses_entered(self) -> int:
        """How many addressee-and-recommendation pairs have a published response: what the
        table's cells show, so that its heading claims no more."""
        return sum(1 for row in self.rows for cell in row.cells if cell.responses)

    @property
    def statistics(self) -> ResponseStatistics:
        """On time, late and missing over every cell of the table."""
        return statistics_of([cell for row in self.rows for cell in row.cells])


def recommendation_matrix(report: Report, *, today: datetime.date) -> Matrix:
    """One row per addressee, one column per recommendation: three queries whatever the size."""
    recommendations = list(
        Recommendation.objects.published()
        .filter(report=report)
        .prefetch_related(obligations_prefetch())
        .order_by("position", "pk")
    )
    organisations: dict[int, Organisation] = {}
    by_pair: dict[tuple[int, int], Obligation] = {}
    for recommendation in recommendations:
        # Set by obligations_prefetch()'s to_attr.
        for obligation in recommendation.public_obligations:  # type: ignore[attr-defined]
            organisations[obligation.organisation_id] = obligation.organisation
            by_pair[(obligation.organisation_id, recommendation.pk)] = obligation
    ordered = sorted(organisations.values(), key=lambda o: (o.name.casefold(), o.pk))
    rows = [
        MatrixRow(
            organisation,
            [cell_for(by_pair.get((organisation.pk, rec.pk)), today) for rec in recommendations],
        )
        for organisation in ordered
    ]
    return Matrix(recommendations=recommendations, rows=rows)


# --- Organisations ------------------------------------------------------------------------------


def organisation(slug: str) -> Organisation | None:
    return (
        Organisation.objects.select_related("local_policing_body")
        .prefetch_related(
            Prefetch("designations", queryset=Designation.objects.order_by("in_force_from", "pk"))
        )
        .filter(slug=slug)
        .first()
    )


def force_of(local_policing_body: Organisation) -> Organisation | None:
    """The force a local policing body holds to account (the reverse of ``local_policing_body``)."""
    return Organisation.objects.filter(local_policing_body=local_policing_body).first()


def complaints_by(body: Organisation) -> list[SuperComplaint]:
    return list(
        register_complaints().filter(pk__in=Complainant.objects.filter(body=body).values("complaint_id"))
    )


def complaints_concerning(force: Organisation) -> list[SuperComplaint]:
    """Complaints on the register naming the force, or about every force."""
    return list(filter_register(register_complaints(), force=force.slug))


@dataclass
class AddressedEntry:
    obligation: Obligation
    cell: ResponseCell

    @property
    def recommendation(self) -> Recommendation:
        return self.obligation.recommendation

    @property
    def complaint(self) -> SuperComplaint:
        return self.obligation.recommendation.report.complaint


def addressed_to(organisation: Organisation, *, today: datetime.date) -> list[AddressedEntry]:
    """Every published recommendation addressed to the organisation (directly or through a
    group), with its published responses and deadlines: three queries whatever their number."""
    obligations = (
        Obligation.objects.published()
        .filter(organisation=organisation)
        .select_related("via_group", "recommendation__report__complaint")
        .with_due()
        .prefetch_related(
            Prefetch("responses", queryset=published_responses(), to_attr="published_responses")
        )
        .order_by(
            "-recommendation__report__complaint__received_on",
            "recommendation__report__complaint__pk",
            "recommendation__position",
            "recommendation__pk",
        )
    )
    return [AddressedEntry(o, cell_for(o, today)) for o in obligations]


def statistics_by_report(entries: list[AddressedEntry]) -> list[tuple[Report, ResponseStatistics]]:
    """One organisation's answers counted report by report, in the order of ``entries``."""
    by_report: dict[int, tuple[Report, list[ResponseCell]]] = {}
    for entry in entries:
        report = entry.obligation.recommendation.report
        by_report.setdefault(report.pk, (report, []))[1].append(entry.cell)
    return [(report, statistics_of(cells)) for report, cells in by_report.values()]


@dataclass
class PublishedResponseRecord:
    """One addressee's published answer to one recommendation, as its own page shows it."""

    obligation: Obligation
    cell: ResponseCell

    @property
    def recommendation(self) -> Recommendation:
        return self.obligation.recommendation

    @property
    def response(self) -> Response | None:
        return self.cell.response


def published_response(
    reference: str, recommendation: str, organisation: str
) -> PublishedResponseRecord | None:
    """The published obligation of ``organisation`` (slug) under ``recommendation`` (its reference)
    of the complaint, with its published response, if there is one: None otherwise, so that an
    unpublished response is not found at all."""
    obligation = (
        Obligation.objects.published()
        .filter(
            recommendation__reference=recommendation,
            recommendation__report__complaint__reference=reference,
            organisation__slug=organisation,
        )
        .select_related("organisation", "via_group", "recommendation__report__complaint")
        .with_due()
        .prefetch_related(
            Prefetch("responses", queryset=published_responses(), to_attr="published_responses")
        )
        .first()
    )
    if obligation is None or not obligation.published_responses:  # type: ignore[attr-defined]
        return None
    return PublishedResponseRecord(obligation, cell_for(obligation, london_today()))


def named_in_public_record(organisation: Organisation, *, besides: list[AddressedEntry]) -> list[Report]:
    """Published reports whose recommendations the public record says are addressed to the
    organisation, by its name, its short name or a group it belongs to ("chief constables"),
    where none of them is yet entered here as a recommendation to it (``besides``): two queries.

    So a page never says nothing is addressed to an organisation that a report's public-record
    facts name."""
    labels = {organisation.name.casefold(), organisation.short_name.casefold()} - {""}
    labels |= {name.casefold() for name in organisation.addressee_groups.values_list("name", flat=True)}
    entered = {entry.complaint.pk for entry in besides}
    reports = published_reports().select_related("complaint").order_by("-published_on", "pk")
    return [
        report
        for report in reports
        if report.complaint_id not in entered
        and labels
        & {str(label).casefold() for label in report.public_record_notes.get("recommendation_addressees", [])}
    ]


def actions_of(authority: Organisation) -> list[DmaAction]:
    """Further action a decision-making authority proposed in published reports (reg 8(1)(c))."""
    return list(
        DmaAction.objects.filter(report__in=published_reports(), authority=authority)
        .select_related("report__complaint")
        .order_by("-report__published_on", "position", "pk")
    )


@dataclass
class DesignationRow:
    body: Organisation
    designation: Designation


@dataclass
class DesignationTable:
    current: list[DesignationRow]
    upcoming: list[DesignationRow]
    past: list[DesignationRow]


def designation_table(*, today: datetime.date) -> DesignationTable:
    """Every designation, split into in force today, coming into force later, and ended: one query."""
    table = DesignationTable([], [], [])
    designations = Designation.objects.select_related("body").order_by("body__name", "in_force_from", "pk")
    for designation in designations:
        row = DesignationRow(designation.body, designation)
        if designation.in_force_from > today:
            table.upcoming.append(row)
        elif designation.revoked_from is not None and designation.revoked_from <= today:
            table.past.append(row)
        else:
            table.current.append(row)
    return table


# --- Activity: the register's changes, for the home page and the feeds ---------------------------


@dataclass(frozen=True)
class Activity:
    """One published event. ``date`` is when it happened, as precisely as the record knows it
    (a month where that is all it knows); ``moment`` is when it became public on this service,
    which the Atom feeds use, since a feed entry must carry a full time and no day is invented.
    ``title`` is plain text (feeds); ``title_html`` marks English text on a Welsh page."""

    kind: str
    key: str
    title: str
    title_html: SafeString
    url: str
    date: PartialDate | None
    moment: datetime.datetime
    summary: str
    complaint_reference: str
    title_verified: bool = True

    @property
    def feed_title(self) -> str:
        """The plain title, flagged where it is not yet verified: a feed has no tags to show."""
        if self.title_verified:
            return self.title
        return _("%(title)s (title not yet verified)") % {"title": self.title}

    @property
    def sort_key(self) -> tuple:
        date = self.date
        day_key = (date.year, date.month, date.day or 0) if date else (0, 0, 0)
        return (day_key, self.moment)


def localised_text(obj, field: str) -> tuple[str, str]:
    """``obj.<field>`` in the page's language where it has a Welsh twin, and "en" when English
    text stands in on a Welsh page ("cy" when Welsh text is shown on an English page)."""
    english = getattr(obj, field, "") or ""
    if getattr(obj, "language", "en") == "cy":
        # Written in Welsh (a complaint a body made in Welsh): the main field holds the Welsh.
        return english, "" if is_welsh() else "cy"
    if is_welsh():
        welsh = getattr(obj, f"{field}_cy", "") or ""
        if welsh.strip():
            return welsh, ""
        return english, "en"
    return english, ""


def _titled(template: str, obj, field: str, **values: str) -> tuple[str, SafeString]:
    text, lang = localised_text(obj, field)
    plain = template % {"title": text, **values}
    shown = format_html('<span lang="{}">{}</span>', lang, text) if lang else escape(text)
    html = mark_safe(
        conditional_escape(template) % {"title": shown, **{k: escape(v) for k, v in values.items()}}
    )
    return plain, html


def _midnight(date: PartialDate | None, fallback: datetime.datetime) -> datetime.datetime:
    day = date.as_date if date else None
    if day is None:
        return fallback
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _bodies(complaint: SuperComplaint) -> str:
    # Set by _complainants_prefetch()'s to_attr.
    in_order = complaint.complainants_in_order  # type: ignore[attr-defined]
    return ", ".join(localised_text(c.body, "name")[0] for c in in_order)


def _on_register(complaint: SuperComplaint) -> tuple[str, datetime.datetime]:
    """The reference of a complaint on the register, and when it went public. It has both: every
    submitted complaint has a reference (constraint complaint_submitted_has_reference), and
    ``published()`` keeps only complaints with a ``public_since``."""
    assert complaint.reference is not None
    assert complaint.public_since is not None
    return complaint.reference, complaint.public_since


def _complaint_activity(complaint: SuperComplaint) -> Activity:
    decision = getattr(complaint, "eligibility", None)
    reference, public_since = _on_register(complaint)
    if decision is not None and decision.decided_on is not None:
        if decision.outcome == "eligible":
            template = _("Eligible for investigation: %(title)s")
        else:
            template = _("Not eligible: %(title)s")
        date = decision.decided_on
        moment = public_since if not complaint.is_historical else _midnight(date, public_since)
        kind = "decision"
    else:
        template = _("Super-complaint received: %(title)s")
        date = complaint.received_on
        moment = _midnight(date, public_since) if complaint.is_historical else public_since
        kind = "received"
    title, title_html = _titled(template, complaint, "title")
    return Activity(
        kind=kind,
        key=f"complaint-{complaint.pk}",
        title=title,
        title_html=title_html,
        url=complaint_url(complaint),
        date=date,
        moment=moment,
        summary=_("Made by %(bodies)s.") % {"bodies": _bodies(complaint)},
        complaint_reference=reference,
        title_verified=complaint.title_verified,
    )


def _report_activity(report: Report) -> Activity:
    complaint = report.complaint
    reference, public_since = _on_register(complaint)
    public_at = max(filter(None, [report.published_at, report.embargo_until]), default=None)
    moment = public_at or _midnight(report.published_on, public_since)
    title, title_html = _titled(_("Report published: %(title)s"), report, "title")
    return Activity(
        kind="report",
        key=f"report-{report.pk}",
        title=title,
        title_html=title_html,
        url=reverse("public:report", args=[reference]),
        date=report.published_on,
        moment=moment,
        summary=_("The report on super-complaint %(reference)s.") % {"reference": reference},
        complaint_reference=reference,
        title_verified=report.title_verified,
    )


def _response_activity(response: Response) -> Activity:
    obligation = response.obligation
    recommendation = obligation.recommendation
    complaint = recommendation.report.complaint
    reference, _public_since = _on_register(complaint)
    moment = response.published_at or response.submitted_at
    # A published response was submitted first (constraint response_submitted_has_moment).
    assert moment is not None
    title, title_html = _titled(
        _("Response published: %(title)s on %(recommendation)s"),
        obligation.organisation,
        "name",
        recommendation=recommendation.reference,
    )
    return Activity(
        kind="response",
        key=f"response-{response.pk}",
        title=title,
        title_html=title_html,
        url=f"{complaint_url(complaint)}#{recommendation.reference}",
        date=PartialDate.from_date(to_london_date(moment)),
        moment=moment,
        summary=_("%(status)s. Recommendation %(recommendation)s.")
        % {"status": response.get_status_display(), "recommendation": recommendation.reference},
        complaint_reference=reference,
    )


def activity(*, complaint: SuperComplaint | None = None, limit: int = 50) -> list[Activity]:
    """The latest published events, newest first: complaints entering the register, reports
    published, responses published. Four queries, for the whole register or one complaint."""
    complaints = (
        published_complaints().select_related("eligibility").prefetch_related(_complainants_prefetch())
    )
    reports = published_reports().select_related("complaint")
    responses = Response.objects.published().select_related(
        "obligation__organisation", "obligation__recommendation__report__complaint"
    )
    if complaint is not None:
        complaints = complaints.filter(pk=complaint.pk)
        reports = reports.filter(complaint=complaint)
        responses = responses.filter(obligation__recommendation__report__complaint=complaint)
    events: list[Activity] = [_complaint_activity(c) for c in complaints]
    events += [_report_activity(r) for r in reports]
    events += [_response_activity(r) for r in responses.order_by("-published_at", "-pk")[:limit]]
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return events[:limit]
