"""Staff search the evidence they may see: complaint evidence, forces' information returns and
request spreadsheets (evidence.search.search_documents, which asks the same rules as the downloads)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import rules
from casework.views import staff_only
from common.search_form import EvidenceSearchForm, is_search
from evidence import search


def source_choices() -> list[tuple[str, str]]:
    return [
        (search.EVIDENCE, _("Complaint evidence")),
        (search.RETURN, _("Information returned by a force")),
        (search.TEMPLATE, _("Information request spreadsheet")),
        (search.CALL, _("File sent with a response to a call for evidence")),
    ]


def download_url(hit: search.Hit) -> str:
    """The casework download for a hit: the same permission-checked views the complaint and
    request pages link to."""
    if hit.source == search.EVIDENCE:
        return reverse("casework:evidence_document", args=[hit.complaint.reference, hit.evidence_item_id])
    if hit.source == search.CALL:
        return reverse("casework:call_response_document", args=[hit.call_response_id, hit.document.pk])
    return reverse(
        "casework:information_request_document", args=[hit.information_request_id, hit.document.pk]
    )


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@staff_only
@require_GET
def search_evidence(request: HttpRequest) -> HttpResponse:
    complaints = {
        c.reference: c
        for c in rules.complaints_visible_to(request.user).exclude(reference="").order_by("-pk")
        if c.reference
    }
    sources = source_choices()
    searched = is_search(request.GET)
    form = EvidenceSearchForm(
        request.GET if searched else None,
        complaints=[(ref, f"{ref}: {c.title}") for ref, c in complaints.items()],
        sources=sources,
    )
    context: dict[str, Any] = {"form": form, "searched": searched, "complaint_url": "casework:complaint"}
    labels = dict(sources)
    if searched and form.is_valid():
        data = form.cleaned_data
        filters = {
            "complaint": complaints.get(data["complaint"]) if data["complaint"] else None,
            "source": data["source"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
        try:
            results = search.search_documents(
                request.user, data["q"], page=_page_number(request.GET.get("page")), **filters
            )
        except search.SearchError as error:
            form.add_error("q", str(error))
        else:
            search.record_search(
                terms=len(results.terms),
                total=results.total,
                more=results.more,
                audience="casework",
                **filters,
            )
            paginator: Paginator[Any] = Paginator(range(results.total), results.page_size)
            context |= {
                "results": results,
                "rows": [(hit, download_url(hit), labels[hit.source]) for hit in results.hits],
                "page_obj": Page(results.hits, min(results.page, paginator.num_pages), paginator),
            }
    return render(request, "casework/search.html", context)
