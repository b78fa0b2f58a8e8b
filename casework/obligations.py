"""Casework pages for the obligations of a published report: the matrix of recommendations ×
addressees as staff see it (drafts included), one obligation's timeline and response with the
forms to record verification and to withhold personal data, and the report's own ladder of
reminders and escalation.

Every page is for the authorities' staff (anyone else: 404); the forms are the super-complaints
team's (``access.rules``; another member of staff posting one: 403). Views parse the form, call
``recommendations.verification`` or ``recommendations.escalation`` and redirect, or show the page
again with the errors and what was typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from access import rules
from casework.views import _complaint, staff_only
from common.forms import GovukForm
from complaints.selectors import london_today
from recommendations.escalation import EscalationError, ladder_for, obligation_timeline, set_escalation_ladder
from recommendations.models import Obligation, Response, ResponseState, Verification, WithheldField
from recommendations.oversight import Standing, staff_matrix
from recommendations.verification import VerificationError, record_verification, withhold_from_response
from reports.models import Report, ReportState


class VerificationForm(GovukForm):
    state = forms.ChoiceField(
        label=gettext_lazy("Verification"),
        choices=Verification.choices,
        error_messages={"required": gettext_lazy("Select a verification state")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Required for “verified”: what the inspectorate saw."),
    )


class WithholdForm(GovukForm):
    field = forms.ChoiceField(
        label=gettext_lazy("Which part of the response is the passage in?"),
        choices=WithheldField.choices,
        error_messages={"required": gettext_lazy("Select the part of the response the passage is in")},
    )
    passage = forms.CharField(
        label=gettext_lazy("Passage to withhold"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Copy it exactly from the response as published."),
        error_messages={"required": gettext_lazy("Enter the passage to withhold")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for withholding it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Enter the reason for withholding the passage")},
    )


class LadderForm(GovukForm):
    reminder_days_before = forms.CharField(
        label=gettext_lazy("Reminders before the deadline (days before the due day)"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("Separate the numbers with commas, for example 14, 3. Leave empty for none."),
    )
    chaser_days_after = forms.IntegerField(
        label=gettext_lazy("Reminder after the deadline (days after the due day)"),
        min_value=1,
        max_value=365,
    )
    letter_days_after = forms.IntegerField(
        label=gettext_lazy("Letter to the head of the organisation (days after the due day)"),
        min_value=1,
        max_value=365,
    )
    public_mark_days_after = forms.IntegerField(
        label=gettext_lazy("Marked overdue on the register (days after the due day)"),
        min_value=1,
        max_value=365,
    )

    def clean_reminder_days_before(self) -> list[int]:
        text = self.cleaned_data.get("reminder_days_before") or ""
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Enter the reminders as whole numbers of days separated by commas, for example 14, 3")
            )
        return [int(part) for part in parts]


def _published_report(complaint: Any) -> Report:
    """The complaint's report, once published and released: only then are there obligations."""
    report = Report.objects.filter(complaint=complaint).first()
    if report is None or report.state != ReportState.PUBLISHED or report.released_at is None:
        raise Http404("No published report.")
    return report


def _team_only(request: HttpRequest, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only the HMICFRS super-complaints team can do this."))


@require_GET
@staff_only
def responses(request: HttpRequest, reference: str) -> HttpResponse:
    """Every addressee × recommendation of the report, with its standing and verification."""
    complaint = _complaint(request, reference)
    report = _published_report(complaint)
    matrix = staff_matrix(report, today=london_today())
    return render(
        request,
        "casework/obligations/responses.html",
        {
            "complaint": complaint,
            "report": report,
            "matrix": matrix,
            "counts": {
                "on_time": matrix.count(Standing.ON_TIME),
                "late": matrix.count(Standing.LATE),
                "overdue": matrix.count(Standing.OVERDUE),
            },
            "ladder": ladder_for(report),
        },
    )


def _obligation(report: Report, pk: int) -> Obligation:
    return get_object_or_404(
        Obligation.objects.select_related("organisation", "recommendation", "verified_by"),
        pk=pk,
        recommendation__report=report,
    )


@require_http_methods(["GET", "POST"])
@staff_only
def obligation(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """One obligation: its timeline and response, and the team's forms."""
    complaint = _complaint(request, reference)
    report = _published_report(complaint)
    found = _obligation(report, pk)
    response = Response.objects.filter(obligation=found).prefetch_related("withholdings__withheld_by").first()
    verification_form = VerificationForm(
        prefix="verification", initial={"state": found.verification, "note": found.verification_note}
    )
    withhold_form = WithholdForm(prefix="withhold")
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "verification":
            _team_only(request, rules.may_verify(request.user, found))
            verification_form = VerificationForm(request.POST, prefix="verification")
            if verification_form.is_valid():
                data = verification_form.cleaned_data
                try:
                    record_verification(found, state=data["state"], note=data["note"], user=request.user)
                except VerificationError as error:
                    verification_form.add_error(
                        "note" if data["state"] == Verification.VERIFIED else None, str(error)
                    )
                else:
                    messages.success(request, _("The verification is recorded."))
                    return redirect("casework:obligation", reference=complaint.reference, pk=found.pk)
        elif which == "withhold" and response is not None:
            _team_only(request, rules.may_withhold(request.user, response))
            withhold_form = WithholdForm(request.POST, prefix="withhold")
            if withhold_form.is_valid():
                data = withhold_form.cleaned_data
                try:
                    withhold_from_response(
                        response,
                        field=data["field"],
                        passage=data["passage"],
                        reason=data["reason"],
                        user=request.user,
                    )
                except VerificationError as error:
                    withhold_form.add_error("passage", str(error))
                else:
                    messages.success(request, _("The passage is withheld from the register."))
                    return redirect("casework:obligation", reference=complaint.reference, pk=found.pk)
        else:
            return HttpResponseBadRequest()
    today = london_today()
    submitted = response is not None and response.state in ResponseState.submitted_states()
    return render(
        request,
        "casework/obligations/obligation.html",
        {
            "complaint": complaint,
            "report": report,
            "obligation": found,
            "due": found.due,
            "overdue": not submitted and found.due is not None and found.due < today,
            "response": response,
            "submitted": submitted,
            "published": response is not None and response.state == ResponseState.PUBLISHED,
            "timeline": obligation_timeline(found),
            "may_verify": rules.may_verify(request.user, found),
            "may_withhold": response is not None and rules.may_withhold(request.user, response),
            "verification_form": verification_form,
            "withhold_form": withhold_form,
            "form": verification_form if verification_form.errors else withhold_form,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_only
def escalation(request: HttpRequest, reference: str) -> HttpResponse:
    """The report's reminders and escalation: the defaults, or its own days."""
    complaint = _complaint(request, reference)
    report = _published_report(complaint)
    current = ladder_for(report)
    may_set = rules.may_set_escalation_ladder(request.user, report)
    form = LadderForm(
        request.POST if request.method == "POST" else None,
        initial={
            "reminder_days_before": ", ".join(str(n) for n in current.reminder_days_before),
            "chaser_days_after": current.chaser_days_after,
            "letter_days_after": current.letter_days_after,
            "public_mark_days_after": current.public_mark_days_after,
        },
    )
    if request.method == "POST":
        _team_only(request, may_set)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_escalation_ladder(
                    report,
                    reminder_days_before=data["reminder_days_before"],
                    chaser_days_after=data["chaser_days_after"],
                    letter_days_after=data["letter_days_after"],
                    public_mark_days_after=data["public_mark_days_after"],
                    user=request.user,
                )
            except EscalationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The reminders and escalation for this report are saved."))
                return redirect("casework:report_responses", reference=complaint.reference)
    return render(
        request,
        "casework/obligations/escalation.html",
        {"complaint": complaint, "report": report, "form": form, "ladder": current, "may_set": may_set},
    )
