"""Casework pages for the themes in a call's responses: start the grouping, watch its progress
(the page refreshes itself; no JavaScript needed), then name, merge, split and confirm themes,
move responses between them, and export them as CSV. A theme's page also shows the evidence
passages closest to it, from the documents of the complaint the person may open.

Staff of the authorities only (a 404 to anyone else, as for the responses themselves). The pages
show parts of responses, so each showing is an access event on the audit trail.
"""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from audit.services import record_access
from casework.calls import _call
from casework.search import download_url
from casework.views import forbidden_unless, staff_only
from common.forms import GovukForm
from evidence import search
from themes import embedding, selectors, services
from themes.models import AnalysisState, Theme, ThemeAnalysis, ThemeAssignment
from themes.services import ThemeError


class RenameForm(GovukForm):
    name = forms.CharField(
        label=gettext_lazy("Name of the theme"),
        max_length=services.MAX_NAME_LENGTH,
        error_messages={"required": gettext_lazy("Enter a name for the theme")},
    )


def _grouped(request: HttpRequest, call_pk: int) -> tuple[Any, ThemeAnalysis]:
    call = _call(request, call_pk)
    forbidden_unless(rules.may_review_call_responses(request.user))
    analysis = selectors.analysis_of(call)
    if analysis is None or analysis.state != AnalysisState.GROUPED:
        raise Http404(_("The responses to this call have not been grouped into themes."))
    return call, analysis


def _theme(request: HttpRequest, pk: int) -> Theme:
    theme = Theme.objects.select_related("analysis__call").filter(pk=pk).first()
    if theme is None:
        raise Http404(_("No theme has this number."))
    _grouped(request, theme.analysis.call_id)
    return theme


@staff_only
@require_http_methods(["GET", "POST"])
def call_themes(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    forbidden_unless(rules.may_review_call_responses(request.user))
    may_change = rules.may_manage_calls(request.user, call.complaint)
    if request.method == "POST":
        forbidden_unless(may_change)
        try:
            services.start_analysis(call, user=request.user)
        except ThemeError as error:
            messages.error(request, str(error))
        return redirect("casework:call_themes", pk=call.pk)
    analysis = selectors.analysis_of(call)
    context: dict[str, Any] = {
        "call": call,
        "complaint": call.complaint,
        "analysis": analysis,
        "installed": embedding.available(),
        "may_change": may_change,
        "response_count": call.responses.count(),
    }
    if analysis is not None and analysis.state == AnalysisState.GROUPED:
        context["summaries"] = selectors.theme_summaries(analysis)
        context["confirmed_total"], context["candidate_total"] = selectors.totals(analysis)
        record_access(action="theme_analysis.viewed", obj=analysis)
    return render(request, "casework/call_themes.html", context)


@staff_only
@require_POST
def merge_themes(request: HttpRequest, pk: int) -> HttpResponse:
    call, analysis = _grouped(request, pk)
    forbidden_unless(rules.may_manage_calls(request.user, call.complaint))
    chosen = list(Theme.objects.filter(analysis=analysis, pk__in=_ints(request.POST.getlist("themes"))))
    try:
        target = services.merge_themes(chosen, user=request.user)
    except ThemeError as error:
        messages.error(request, str(error))
        return redirect("casework:call_themes", pk=call.pk)
    messages.success(request, _("The themes have been merged into “%(name)s”.") % {"name": target.name})
    return redirect("casework:theme", pk=target.pk)


@staff_only
@require_POST
def confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    call, analysis = _grouped(request, pk)
    forbidden_unless(rules.may_manage_calls(request.user, call.complaint))
    count = services.confirm_assignments(analysis, user=request.user)
    messages.success(request, _("%(count)d assignments confirmed.") % {"count": count})
    return redirect("casework:call_themes", pk=call.pk)


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: make it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@staff_only
@require_GET
def themes_csv(request: HttpRequest, pk: int) -> HttpResponse:
    call, analysis = _grouped(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="themes-call-{call.pk}.csv"'
    writer = csv.writer(response)
    for row in selectors.csv_rows(analysis):
        writer.writerow([_spreadsheet_safe(cell) for cell in row])
    record_access(action="theme_analysis.exported", obj=analysis)
    return response


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


def _closest_passages(request: HttpRequest, theme: Theme) -> dict[str, Any]:
    """The evidence passages nearest the theme, from the documents of the call's complaint that
    the person may open (evidence.search's rules, the same as the downloads), each with its
    download address."""
    if not embedding.available():
        return {"passages_installed": False}
    complaint = theme.analysis.call.complaint
    matches = selectors.closest_passages(theme, search.visible_documents(request.user, complaint=complaint))
    hits = search.hits_for(
        request.user, [(p.document_id, p.text) for p in matches.closest], complaint=complaint
    )
    return {
        "passages_installed": True,
        "passages_embedded": matches.embedded,
        "passages": [(hit, download_url(hit)) for hit in hits],
    }


@staff_only
@require_http_methods(["GET", "POST"])
def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _theme(request, pk)
    analysis = theme.analysis
    may_change = rules.may_manage_calls(request.user, analysis.call.complaint)
    rename_form = RenameForm(
        request.POST if request.POST.get("action") == "rename" else None, initial={"name": theme.name}
    )
    if request.method == "POST":
        forbidden_unless(may_change)
        action = request.POST.get("action")
        chosen = list(
            ThemeAssignment.objects.filter(
                theme=theme, pk__in=_ints(request.POST.getlist("members"))
            ).select_related("response")
        )
        try:
            if action == "rename":
                if rename_form.is_valid():
                    services.rename_theme(theme, name=rename_form.cleaned_data["name"], user=request.user)
                    messages.success(request, _("The theme has been renamed."))
                    return redirect("casework:theme", pk=theme.pk)
            elif action == "confirm":
                count = services.confirm_assignments(analysis, theme=theme, user=request.user)
                messages.success(request, _("%(count)d assignments confirmed.") % {"count": count})
                return redirect("casework:theme", pk=theme.pk)
            elif action == "split":
                new = services.split_theme(theme, user=request.user)
                messages.success(
                    request, _("The theme has been split. The new theme is “%(name)s”.") % {"name": new.name}
                )
                return redirect("casework:call_themes", pk=analysis.call_id)
            elif action == "split_chosen":
                if not chosen:
                    raise ThemeError(_("Choose the responses for the new theme."))
                new = services.split_theme(
                    theme, receipt_codes=[a.response.receipt_code for a in chosen], user=request.user
                )
                messages.success(
                    request, _("The chosen responses are now in “%(name)s”.") % {"name": new.name}
                )
                return redirect("casework:theme", pk=new.pk)
            elif action == "move":
                target = Theme.objects.filter(
                    analysis=analysis, pk__in=_ints([request.POST.get("to", "")])
                ).first()
                if not chosen:
                    raise ThemeError(_("Choose the responses to move."))
                if target is None:
                    raise ThemeError(_("Choose the theme to move the responses to."))
                for assignment in chosen:
                    services.move_assignment(assignment, theme=target, user=request.user)
                messages.success(
                    request,
                    _("%(count)d responses moved to “%(name)s”.")
                    % {"count": len(chosen), "name": target.name},
                )
                return redirect("casework:theme", pk=theme.pk)
            else:
                raise ThemeError(_("Choose what to do."))
        except ThemeError as error:
            messages.error(request, str(error))
            if action != "rename":
                return redirect("casework:theme", pk=theme.pk)
    theme.refresh_from_db()
    record_access(action="theme_analysis.viewed", obj=theme)
    members = selectors.members(theme)
    return render(
        request,
        "casework/theme.html",
        {
            "theme": theme,
            "analysis": analysis,
            "call": analysis.call,
            "complaint": analysis.call.complaint,
            "members": [(a, selectors.quote(a)) for a in members],
            "confirmed": sum(1 for a in members if a.confirmed),
            "candidates": sum(1 for a in members if not a.confirmed),
            "others": Theme.objects.filter(analysis=analysis).exclude(pk=theme.pk),
            "form": rename_form,
            "may_change": may_change,
            **_closest_passages(request, theme),
        },
    )
