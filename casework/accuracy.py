"""Casework pages for the factual-accuracy check of a draft report: open it with a closing date,
extend or close it, read every comment, and accept or reject each with a reason (the decision log).

Views parse the form, call ``accuracy.services`` and redirect, or show the page again with the
errors and what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from access import rules
from accuracy.models import AccuracyCheck, AccuracyComment, CommentDecisionChoice
from accuracy.selectors import all_comments, checks_of_report
from accuracy.services import (
    AccuracyCheckError,
    ClosingDateError,
    StaleDecision,
    close_accuracy_check,
    decide_comment,
    extend_accuracy_check,
    open_accuracy_check,
)
from audit.labels import describe
from audit.selectors import events_for
from casework.views import _complaint, staff_only
from common.date_fields import DateField
from common.forms import GovukForm, VersionedForm
from complaints.selectors import london_today


class ClosingDateForm(GovukForm):
    closes_on = DateField(
        label="Closing date",
        subject="the closing date",
        help_text="Comments can be sent until the end of this day (UK time). For example, 27 3 2026.",
    )


class DecisionForm(VersionedForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=CommentDecisionChoice.choices,
        error_messages={"required": "Select whether the comment is accepted or rejected"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )


def _check_for(request: HttpRequest, pk: int) -> AccuracyCheck:
    check = get_object_or_404(
        AccuracyCheck.objects.select_related("report__complaint").prefetch_related("deadlines"), pk=pk
    )
    # The complaint's own gate first: a check is seen by whoever may see its complaint.
    _complaint(request, check.report.complaint.reference or "")
    if not rules.may_view_accuracy_check(request.user, check):
        raise PermissionDenied("Only the authorities' staff see factual-accuracy checks.")
    return check


def _decision_form(comment: AccuracyComment, data: Any = None) -> DecisionForm:
    return DecisionForm(
        data,
        prefix=f"c{comment.pk}",
        initial={"version": comment.version, "decision": comment.decision, "reason": comment.decision_reason},
    )


def _render_check(
    request: HttpRequest,
    check: AccuracyCheck,
    *,
    bound: dict[int, DecisionForm] | None = None,
    extend_form: ClosingDateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    today = london_today()
    comments = list(all_comments(check))
    rows = [{"comment": c, "form": bound.get(c.pk) or _decision_form(c)} for c in comments]
    is_open = check.is_open_on(today)
    may_manage = rules.may_manage_accuracy_check(request.user, check.report)
    history = [
        {"event": e, "what": describe(e).title, "changes": describe(e).changes} for e in events_for(check)
    ]
    errors = [f for f in bound.values() if f.errors]
    return render(
        request,
        "casework/accuracy_check.html",
        {
            "check": check,
            "complaint": check.report.complaint,
            "rows": rows,
            "error_form": errors[0]
            if errors
            else extend_form
            if extend_form and extend_form.errors
            else None,
            "is_open": is_open,
            "may_manage": may_manage and is_open,
            "extend_form": extend_form or ClosingDateForm(prefix="extend"),
            "addressees": list(check.addressees.select_related("organisation")),
            "history": history,
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def open_check(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    report = getattr(complaint, "report", None)
    if report is None or not rules.may_manage_accuracy_check(request.user, report):
        raise PermissionDenied(
            "A factual-accuracy check is opened by the authorities' staff on a draft report."
        )
    form = ClosingDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = open_accuracy_check(report, closes_on=form.cleaned_data["closes_on"], user=request.user)
        except AccuracyCheckError as error:
            form.add_error("closes_on" if isinstance(error, ClosingDateError) else None, str(error))
        else:
            messages.success(
                request,
                f"The check was opened. {check.addressees.count()} organisations were asked to comment.",
            )
            return redirect("casework:accuracy_check", pk=check.pk)
    return render(
        request,
        "casework/accuracy_check_new.html",
        {"complaint": complaint, "report": report, "form": form, "checks": list(checks_of_report(report.pk))},
    )


@staff_only
@require_http_methods(["GET"])
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_check(request, _check_for(request, pk))


@staff_only
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    check = _check_for(request, pk)
    if not rules.may_manage_accuracy_check(request.user, check.report):
        raise PermissionDenied("Only the authorities' staff change a check on a draft report.")
    form = ClosingDateForm(request.POST, prefix="extend")
    if form.is_valid():
        try:
            extend_accuracy_check(check, closes_on=form.cleaned_data["closes_on"])
        except AccuracyCheckError as error:
            form.add_error("closes_on", str(error))
        else:
            messages.success(request, "The closing date was changed and the organisations were told.")
            return redirect("casework:accuracy_check", pk=check.pk)
    return _render_check(request, check, extend_form=form)


@staff_only
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    check = _check_for(request, pk)
    if not rules.may_manage_accuracy_check(request.user, check.report):
        raise PermissionDenied("Only the authorities' staff close a check on a draft report.")
    try:
        close_accuracy_check(check, user=request.user)
    except AccuracyCheckError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The check was closed. It no longer takes comments.")
    return redirect("casework:accuracy_check", pk=check.pk)


@staff_only
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(AccuracyComment.objects.select_related("addressee__accuracy_check"), pk=pk)
    check = _check_for(request, comment.addressee.accuracy_check_id)
    if not rules.may_decide_accuracy_comment(request.user, comment):
        raise PermissionDenied("Only the authorities' staff decide on comments.")
    form = _decision_form(comment, request.POST)
    if form.is_valid():
        try:
            decide_comment(
                comment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleDecision as error:
            comment.refresh_from_db()
            form.refused_as_stale(error, comment.version)
        except AccuracyCheckError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"The decision on the comment on {comment.recommendation.reference} was recorded."
            )
            return redirect(reverse("casework:accuracy_check", args=[check.pk]) + f"#comment-{comment.pk}")
    return _render_check(request, check, bound={comment.pk: form})
