"""The investigation's pages for the authorities' staff: starting it with its lead authority, the
plan, the fieldwork log and internal notes, case ownership, and the progress reports (SI 2018/748
reg 7). Views read through selectors and write through ``complaints.services`` and
``complaints.letters``; who may do what is ``access.rules``'s to say.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access import rules
from casework.forms import (
    AssignForm,
    FieldworkForm,
    MilestoneForm,
    NoteForm,
    PlanForm,
    ProgressReportForm,
    StartInvestigationForm,
)
from casework.views import _complaint, staff_only
from complaints import letters
from complaints.models import ComplaintState, InvestigationPlan, ProgressReport, SuperComplaint
from complaints.services import (
    ComplaintError,
    StaleEdit,
    add_internal_note,
    add_milestone,
    assign_caseworker,
    record_fieldwork,
    save_plan,
    save_progress_report_draft,
    start_investigation,
)
from organisations.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)


def _refuse(form: Any, error: ComplaintError, current_version: int | None = None) -> None:
    if isinstance(error, StaleEdit) and current_version is not None:
        form.refused_as_stale(error, current_version)
    else:
        form.add_error(None, str(error))


# --- Starting the investigation ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def start(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    if complaint.state == ComplaintState.INVESTIGATING:
        messages.info(request, _("The investigation has already started."))
        return redirect("casework:investigation", reference=complaint.reference)
    if not rules.may_start_investigation(request.user, complaint):
        raise PermissionDenied(_("An investigation starts only once the complaint is found eligible."))
    authorities = list(Organisation.objects.of_kind(OrganisationKind.AUTHORITY).order_by("name"))
    form = StartInvestigationForm(
        request.POST or None, authorities=authorities, initial={"version": complaint.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            start_investigation(
                complaint, lead_authority=form.lead(), expected_version=form.cleaned_data["version"]
            )
        except ComplaintError as error:
            _refuse(
                form, error, SuperComplaint.objects.values_list("version", flat=True).get(pk=complaint.pk)
            )
        else:
            messages.success(
                request,
                _("The investigation of %(reference)s has started, led by %(lead)s.")
                % {"reference": complaint.reference, "lead": form.lead().name},
            )
            return redirect("casework:investigation", reference=complaint.reference)
    return render(request, "casework/investigation_start.html", {"complaint": complaint, "form": form})


# --- The working file: plan, milestones, fieldwork, notes ----------------------------------------


def _plan_of(complaint: SuperComplaint) -> InvestigationPlan | None:
    return InvestigationPlan.objects.filter(complaint=complaint).first()


@require_http_methods(["GET", "POST"])
@staff_only
def investigation(request: HttpRequest, reference: str) -> HttpResponse:
    """The plan, the milestones, the fieldwork log and the internal notes: four small forms on one
    page, each posting its name in ``form`` (as the eligibility page does)."""
    complaint = _complaint(request, reference)
    may_edit = rules.may_run_investigation(request.user, complaint)
    plan = _plan_of(complaint)
    forms: dict[str, Any] = {
        "plan": PlanForm(
            prefix="plan",
            initial={
                "version": plan.version if plan else 1,
                "terms_of_reference": plan.terms_of_reference if plan else "",
                "methods": plan.methods if plan else "",
            },
        ),
        "milestone": MilestoneForm(prefix="milestone"),
        "fieldwork": FieldworkForm(prefix="fieldwork"),
        "note": NoteForm(prefix="note"),
    }
    failed = None
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which not in forms:
            return HttpResponseBadRequest()
        # A note can be added at any stage; the plan and the fieldwork only during the investigation.
        if which != "note" and not may_edit:
            raise PermissionDenied(_("The investigation’s file cannot change at this stage."))
        form = type(forms[which])(request.POST, prefix=which)
        forms[which] = form
        if form.is_valid() and _save(which, form, complaint, request.user):
            messages.success(request, str(SAVED[which]))
            return redirect(f"{request.path}#{which}")
        failed = form
    return render(
        request,
        "casework/investigation.html",
        {
            "complaint": complaint,
            "form": failed,
            "forms": forms,
            "may_edit": may_edit,
            "plan": plan,
            "milestones": complaint.milestones.all(),
            "fieldwork": complaint.fieldwork.select_related("recorded_by"),
            "notes": complaint.internal_notes.select_related("author").order_by("-created_at", "-pk"),
        },
    )


SAVED = {
    "plan": _("The investigation plan has been saved."),
    "milestone": _("The milestone has been added."),
    "fieldwork": _("The visit or interview has been logged."),
    "note": _("The note has been added."),
}


def _save(which: str, form: Any, complaint: SuperComplaint, user: Any) -> bool:
    data = form.cleaned_data
    try:
        if which == "plan":
            save_plan(
                complaint,
                terms_of_reference=data["terms_of_reference"],
                methods=data["methods"],
                expected_version=data["version"],
            )
        elif which == "milestone":
            add_milestone(complaint, title=data["title"], target_date=data["target_date"])
        elif which == "fieldwork":
            record_fieldwork(
                complaint,
                occurred_on=data["occurred_on"],
                kind=data["kind"],
                place=data["place"],
                summary=data["summary"],
                user=user,
            )
        else:
            add_internal_note(complaint, text=data["text"], user=user)
    except ComplaintError as error:
        plan = _plan_of(complaint)
        _refuse(form, error, plan.version if plan else 1)
        return False
    return True


# --- Case ownership ------------------------------------------------------------------------------


@require_POST
@staff_only
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    if not rules.may_assign_caseworker(request.user, complaint):
        raise PermissionDenied(_("You cannot assign this complaint."))
    form = AssignForm(request.POST, staff=list(rules.dma_staff_users()))
    if form.is_valid():
        try:
            assign_caseworker(
                complaint, caseworker=form.chosen(), expected_version=form.cleaned_data["version"]
            )
        except ComplaintError as error:
            messages.error(request, str(error))
        else:
            chosen = form.chosen()
            messages.success(
                request,
                _("%(reference)s is now assigned to %(name)s.")
                % {"reference": complaint.reference, "name": chosen}
                if chosen
                else _("%(reference)s is no longer assigned to anyone.") % {"reference": complaint.reference},
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("casework:complaint", reference=complaint.reference)


def assign_form(complaint: SuperComplaint) -> AssignForm:
    """The complaint page's form to set its caseworker."""
    return AssignForm(
        staff=list(rules.dma_staff_users()),
        initial={
            "version": complaint.version,
            "caseworker": str(complaint.assigned_to_id) if complaint.assigned_to_id else "",
        },
    )


# --- Progress reports (SI 2018/748 reg 7) --------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def progress_report(request: HttpRequest, reference: str, period: int) -> HttpResponse:
    """Draft a progress report, and send it as its letter (the team only)."""
    complaint = _complaint(request, reference)
    report = get_object_or_404(
        ProgressReport.objects.prefetch_related("deadlines").select_related("letter"),
        complaint=complaint,
        period=period,
    )
    may_draft = not report.is_sent and rules.may_run_investigation(request.user, complaint)
    may_send = may_draft and rules.may_send_progress_report(request.user, complaint)
    form = ProgressReportForm(
        initial={
            "version": report.version,
            "steps_taken": report.steps_taken,
            "steps_proposed": report.steps_proposed,
            "excluded_text": report.excluded_text,
            "exclusion_ground": report.exclusion_ground,
            "exclusion_note": report.exclusion_note,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("save", "send"):
            return HttpResponseBadRequest()
        if not (may_send if action == "send" else may_draft):
            raise PermissionDenied(_("You cannot change or send this progress report."))
        form = ProgressReportForm(request.POST)
        if form.is_valid() and (action == "save" or form.check_complete()):
            done = (
                _save_report(form, report, request.user) if action == "save" else _send_report(form, report)
            )
            if done:
                messages.success(request, done)
                target = "casework:complaint" if action == "send" else "casework:progress_report"
                kwargs: dict[str, Any] = {"reference": complaint.reference}
                if action == "save":
                    kwargs["period"] = report.period
                return redirect(target, **kwargs)
    return render(
        request,
        "casework/progress_report.html",
        {
            "complaint": complaint,
            "report": report,
            "deadline": report.deadline,
            "form": form,
            "may_draft": may_draft,
            "may_send": may_send,
        },
    )


def _save_report(form: ProgressReportForm, report: ProgressReport, user: Any) -> str:
    try:
        save_progress_report_draft(
            report, **form.parts(), user=user, expected_version=form.cleaned_data["version"]
        )
    except ComplaintError as error:
        _refuse(form, error, ProgressReport.objects.values_list("version", flat=True).get(pk=report.pk))
        return ""
    return _("The draft of progress report %(n)d has been saved.") % {"n": report.period}


def _send_report(form: ProgressReportForm, report: ProgressReport) -> str:
    try:
        sent = letters.send_progress_report_letter(
            report, **form.parts(), expected_version=form.cleaned_data["version"]
        )
    except ComplaintError as error:
        _refuse(form, error, ProgressReport.objects.values_list("version", flat=True).get(pk=report.pk))
        return ""
    except Exception:
        # The letter could not be written (its PDF, say): nothing was sent or marked sent.
        logger.exception("Progress report %s of %s could not be sent", report.period, report.complaint_id)
        form.add_error(None, _("The progress report could not be sent. Nothing has been sent: try again."))
        return ""
    letter = sent.letter
    return _(
        "Progress report %(n)d has been sent: the body can read it in its portal, and it was e-mailed "
        "to %(to)s with its PDF."
    ) % {"n": sent.period, "to": (letter.sent_to if letter else "") or _("nobody: no contact e-mail address")}
