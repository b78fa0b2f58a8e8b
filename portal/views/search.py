"""A force searches the information it returned and the spreadsheets it was sent; a body searches
its own complaints' evidence (evidence.search.search_documents, which asks the same rules as the
portal's downloads). Staff of the authorities search from casework instead."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from access import rules
from access.decorators import verified_login_required
from common.search_form import EvidenceSearchForm, is_search
from evidence import search
from portal.views.common import bodies_of


def _sources(user: Any) -> list[tuple[str, str]]:
    sources = []
    if bodies_of(user):
        sources.append((search.EVIDENCE, _("Your complaint’s evidence")))
    if rules.forces_of(user):
        sources += [
            (search.RETURN, _("Information your force returned")),
            (search.TEMPLATE, _("Information request spreadsheet")),
        ]
    return sources


def _download_urls(user: Any, hits: list[search.Hit]) -> list[str]:
    """The portal's own download for each hit: the same views the complaint and request pages use."""
    # A spreadsheet is downloaded through the request to this user's force.
    own = {
        request_id: pk
        for pk, request_id in rules.force_requests_visible_to(user)
        .filter(request_id__in=[h.information_request_id for h in hits if h.source == search.TEMPLATE])
        .values_list("pk", "request_id")
    }
    urls = []
    for hit in hits:
        if hit.source == search.EVIDENCE:
            urls.append(reverse("portal:evidence_download", args=[hit.evidence_item_id]))
        elif hit.source == search.RETURN:
            urls.append(
                reverse("portal:information_request_document", args=[hit.force_request_id, hit.document.pk])
            )
        else:
            urls.append(
                reverse("portal:information_request_template", args=[own[hit.information_request_id]])
            )
    return urls


@verified_login_required
@require_GET
def search_documents(request: HttpRequest) -> HttpResponse:
    user = request.user
    sources = _sources(user)
    if not sources or rules.is_dma_staff(user):
        raise Http404("Not a page for this user.")
    searched = is_search(request.GET)
    form = EvidenceSearchForm(request.GET if searched else None, complaints=[], sources=sources)
    context: dict[str, Any] = {"form": form, "searched": searched}
    if searched and form.is_valid():
        data = form.cleaned_data
        filters = {
            "source": data["source"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
        try:
            page = max(1, int(request.GET.get("page") or 1))
        except ValueError:
            page = 1
        try:
            results = search.search_documents(user, data["q"], page=page, **filters)
        except search.SearchError as error:
            form.add_error("q", str(error))
        else:
            search.record_search(
                terms=len(results.terms),
                total=results.total,
                more=results.more,
                audience="portal",
                **filters,
            )
            labels = dict(sources)
            paginator: Paginator[Any] = Paginator(range(results.total), results.page_size)
            context |= {
                "results": results,
                "rows": list(
                    zip(
                        results.hits,
                        _download_urls(user, results.hits),
                        [labels[hit.source] for hit in results.hits],
                        strict=True,
                    )
                ),
                "page_obj": Page(results.hits, min(results.page, paginator.num_pages), paginator),
            }
    return render(request, "portal/search.html", context)
