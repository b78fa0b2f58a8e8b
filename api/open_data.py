"""Open data: the published register as CSV files under the Open Government Licence v3.0, and the
page that lists them with a data dictionary of every column.

The rows come from ``api.selectors``, which start from the published-only selectors: the files hold
exactly what the public register and the JSON API show, nothing more.

File format (docs/decisions/0008-api.md): RFC 4180 CSV, UTF-8 with a byte order mark so that
spreadsheet programs detect the encoding, CRLF line endings, a header row, fields quoted where they
need it. Dates are ISO 8601 (YYYY-MM-DD), or YYYY-MM where only the month is known.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from api import selectors
from common.site import absolute_url

app_name = "open_data"

BYTE_ORDER_MARK = "\ufeff"
LIST_SEPARATOR = "; "
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    description: str | Promise


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str | Promise
    description: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[HttpRequest], Iterable[dict[str, Any]]]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def cell(value: Any) -> str:
    """One value as CSV text: empty for none, true/false, lists joined, formulas defused.

    A leading apostrophe stops a spreadsheet running a text that starts like a formula
    (``=HYPERLINK(...)``); it is the only change ever made to a published text.
    """
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(cell(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


# --- Rows ------------------------------------------------------------------------------------------


def complaint_rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    for complaint in selectors.published_complaints():
        data = selectors.complaint_data(complaint)
        eligibility = data["eligibility"] or {}
        report = data["report"] or {}
        yield {
            "reference": data["reference"],
            "title": data["title"],
            "title_verified": data["title_verified"],
            "stage": data["stage"],
            "is_demonstration": data["is_demonstration"],
            "complainants": data["complainants"],
            "received": data["received"],
            "eligibility_outcome": eligibility.get("outcome"),
            "eligibility_decided": eligibility.get("decided"),
            "forces_scope": data["forces_scope"],
            "forces": [force["name"] for force in data["forces"]],
            # One per line: a feature's text may itself contain semicolons.
            "features": "\n".join(data["features"]),
            "progress_reports_sent": data["progress_reports_sent"],
            "report_title": report.get("title"),
            "report_title_verified": report.get("title_verified"),
            "report_published": report.get("published"),
            "report_publication_url": report.get("publication_url"),
            "url": absolute_url(data["url"]),
        }


def recommendation_rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    for recommendation in selectors.published_recommendations():
        data = selectors.recommendation_data(recommendation)
        yield {
            "reference": data["reference"],
            "complaint_reference": data["complaint"],
            "report_title": data["report_title"],
            "label": data["label"],
            "text": data["text"],
            "text_verified": data["text_verified"],
            "addressee_groups": [group["name"] for group in data["addressee_groups"]],
            "addressees": [organisation["name"] for organisation in data["addressees"]],
        }


def obligation_rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    for obligation in selectors.published_obligations():
        responses = list(obligation.responses.all())
        yield {
            "recommendation_reference": obligation.recommendation.reference,
            "complaint_reference": obligation.recommendation.report.complaint.reference,
            "organisation_slug": obligation.organisation.slug,
            "organisation_name": obligation.organisation.name,
            "addressed_as": obligation.via_group.name if obligation.via_group else None,
            "due": obligation.due.isoformat() if obligation.due else None,
            "responses_published": len(responses),
            # The register's public "overdue" mark, placed by the escalation ladder; gone once answered.
            "marked_overdue_on": obligation.publicly_overdue_on.isoformat()
            if obligation.publicly_overdue_on and not responses
            else None,
        }


def response_rows(request: HttpRequest) -> Iterator[dict[str, Any]]:
    for obligation in selectors.published_obligations():
        for response in obligation.responses.all():
            data = selectors.response_data(response, obligation)
            yield {
                "recommendation_reference": obligation.recommendation.reference,
                "complaint_reference": obligation.recommendation.report.complaint.reference,
                "organisation_slug": obligation.organisation.slug,
                "organisation_name": obligation.organisation.name,
                "status": data["status"],
                "submitted": data["submitted"],
                "published": data["published"],
                "due": obligation.due.isoformat() if obligation.due else None,
                "on_time": data["on_time"],
                "explanation": data["explanation"],
                "reasons": data["reasons"],
                "actions": "; ".join(
                    f"{a['description']} ({a['owner_role']}, by {a['target_date']})" for a in data["actions"]
                ),
            }


# --- The datasets and their data dictionary ---------------------------------------------------------

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        name="complaints",
        title=_("Super-complaints"),
        description=_("One row for each super-complaint on the public register."),
        rows=complaint_rows,
        columns=(
            Column("reference", _("The complaint's reference, for example SC-2019-002. It never changes.")),
            Column("title", _("What the complaint is about.")),
            Column(
                "title_verified",
                _("false where the title comes from press reports and is not yet confirmed; otherwise true."),
            ),
            Column(
                "stage",
                _(
                    "Where the complaint has got to: eligible, not_eligible, investigating, "
                    "report_published, monitoring, closed or withdrawn."
                ),
            ),
            Column(
                "is_demonstration",
                _("true for demonstration data, made to show the service, not a real super-complaint."),
            ),
            Column(
                "complainants", _("The designated bodies that made the complaint, separated by semicolons.")
            ),
            Column(
                "received",
                _(
                    "When the Chief Inspector received the complaint: YYYY-MM-DD, or YYYY-MM where only the month is known."
                ),
            ),
            Column("eligibility_outcome", _("The eligibility decision: eligible or not_eligible.")),
            Column(
                "eligibility_decided",
                _(
                    "When eligibility was decided: YYYY-MM-DD, or YYYY-MM where only the month is known. "
                    "Empty where the public record gives no date."
                ),
            ),
            Column(
                "forces_scope",
                _(
                    "all: the complaint concerns every police force in England and Wales; named: the forces listed."
                ),
            ),
            Column("forces", _("The forces the complaint names, separated by semicolons.")),
            Column("features", _("The features of policing complained of, one per line.")),
            Column(
                "progress_reports_sent",
                _(
                    "How many progress reports have been sent to the complainants. Empty where it is not "
                    "known: for a complaint made before this service, they are not recorded here."
                ),
            ),
            Column("report_title", _("The title of the published report. Empty until it is published.")),
            Column(
                "report_title_verified",
                _("false where the report's title is descriptive and not yet confirmed; true where it is."),
            ),
            Column(
                "report_published",
                _("When the report was published: YYYY-MM-DD, or YYYY-MM where only the month is known."),
            ),
            Column(
                "report_publication_url",
                _(
                    "The official publication of a report published before this service (GOV.UK or "
                    "HMICFRS). Empty where the report is written here or the address is not yet confirmed."
                ),
            ),
            Column("url", _("The complaint's page on the public register.")),
        ),
    ),
    Dataset(
        name="recommendations",
        title=_("Recommendations"),
        description=_("One row for each recommendation of a published report."),
        rows=recommendation_rows,
        columns=(
            Column(
                "reference",
                _("The recommendation's reference, for example SC-2019-002-R1. It never changes."),
            ),
            Column("complaint_reference", _("The reference of the super-complaint the report answers.")),
            Column("report_title", _("The title of the report that makes the recommendation.")),
            Column("label", _("How the report numbers or names the recommendation.")),
            Column("text", _("The recommendation as the report words it.")),
            Column(
                "text_verified",
                _(
                    "false where the text is a paraphrase or incomplete and is still being checked; otherwise true."
                ),
            ),
            Column(
                "addressee_groups",
                _(
                    "Groups the recommendation is addressed to, such as chief constables, separated by semicolons."
                ),
            ),
            Column(
                "addressees",
                _("Every organisation the recommendation is addressed to, separated by semicolons."),
            ),
        ),
    ),
    Dataset(
        name="obligations",
        title=_("Addressees and deadlines"),
        description=_("One row for each organisation a recommendation is addressed to, with its deadline."),
        rows=obligation_rows,
        columns=(
            Column("recommendation_reference", _("The recommendation's reference.")),
            Column("complaint_reference", _("The super-complaint's reference.")),
            Column("organisation_slug", _("A short, stable identifier for the organisation.")),
            Column("organisation_name", _("The organisation's name.")),
            Column("addressed_as", _("The group through which the organisation is addressed, if any.")),
            Column(
                "due",
                _(
                    "The deadline the report sets for this organisation (YYYY-MM-DD). Empty where there is none."
                ),
            ),
            Column("responses_published", _("How many of the organisation's responses have been published.")),
            Column(
                "marked_overdue_on",
                _(
                    "The day the register marked the response overdue (YYYY-MM-DD), while it is still "
                    "missing; empty otherwise."
                ),
            ),
        ),
    ),
    Dataset(
        name="responses",
        title=_("Responses"),
        description=_("One row for each published response to a recommendation."),
        rows=response_rows,
        columns=(
            Column("recommendation_reference", _("The recommendation's reference.")),
            Column("complaint_reference", _("The super-complaint's reference.")),
            Column("organisation_slug", _("A short, stable identifier for the organisation that responded.")),
            Column("organisation_name", _("The name of the organisation that responded.")),
            Column(
                "status",
                _("The response: accepted, partially_accepted, not_accepted or already_in_place."),
            ),
            Column("submitted", _("When the organisation submitted the response (YYYY-MM-DD, London time).")),
            Column("published", _("When the response was published (YYYY-MM-DD, London time).")),
            Column("due", _("The organisation's deadline (YYYY-MM-DD). Empty where there is none.")),
            Column(
                "on_time",
                _(
                    "true if submitted on or before the deadline, false if after it, empty where there is no deadline."
                ),
            ),
            Column("explanation", _("The organisation's explanation of its position, as published.")),
            Column("reasons", _("Its reasons where it does not accept the recommendation, as published.")),
            Column(
                "actions",
                _("The actions it committed to, each with the role that owns it and its target date."),
            ),
        ),
    ),
)


# --- Views -----------------------------------------------------------------------------------------


class OpenDataView(TemplateView):
    """The downloads, their format, their licence and a data dictionary of every column."""

    template_name = "public/open_data/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["datasets"] = DATASETS
        return context


def download(request: HttpRequest, name: str) -> HttpResponse:
    """One dataset as a CSV attachment."""
    dataset = next(d for d in DATASETS if d.name == name)
    response = HttpResponse(content_type="text/csv; charset=utf-8; header=present")
    response["Content-Disposition"] = f'attachment; filename="{dataset.filename}"'
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response, lineterminator="\r\n")
    columns = [column.name for column in dataset.columns]
    writer.writerow(columns)
    for row in dataset.rows(request):
        writer.writerow([cell(row[column]) for column in columns])
    return response


urlpatterns = [
    path("", OpenDataView.as_view(), name="index"),
    *(path(dataset.filename, download, {"name": dataset.name}, name=dataset.name) for dataset in DATASETS),
]
