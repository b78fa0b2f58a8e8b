"""Pages for the decision-making authorities' staff (HMICFRS, the IOPC, the College of Policing).

Every page needs both sign-in factors and a DMA membership; anyone else gets a 404, never a 403,
so the pages do not tell a stranger that they exist. Within them, an action the person may not
take on a complaint they can see is a 403. Views only read through selectors and write through
services (``complaints.services``, ``complaints.letters``).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from access.decorators import verified_login_required
from audit.labels import describe
from audit.models import AuditEvent
from audit.selectors import events_for
from audit.services import record_access
from casework.forms import AssignForm, DashboardFilterForm, DecisionForm, PositionForm
from common.downloads import attachment_response
from complaints import letters, selectors
from complaints.models import (
    ComplaintState,
    ForcesScope,
    Letter,
    LetterKind,
    SuperComplaint,
)
from complaints.services import (
    ComplaintError,
    StaleEdit,
    acknowledge_complaint,
    decide_eligibility,
    positions_agree,
    record_position,
)
from complaints.timeline import Audience, complaint_timeline
from deadlines.calendar import long_date
from evidence.downloads import document_download
from organisations.models import Organisation, OrganisationKind
from outbox.selectors import messages_about
from redaction.selectors import redactions_of
from reports.models import Report
from themes import similarity as theme_similarity

logger = logging.getLogger(__name__)


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponse]:
    """Both sign-in factors (else to the sign-in page), then DMA staff only (else 404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not rules.is_dma_staff(request.user):
            raise Http404("Not a page for this user.")
        return view(request, *args, **kwargs)

    return verified_login_required(wrapper)  # type: ignore[arg-type]


def forbidden_unless(allowed: bool) -> None:
    """A page a signed-in member of staff may not use is not there for them (a 404)."""
    if not allowed:
        raise Http404(_("Not a page for this user."))


def _complaint(request: HttpRequest, reference: str) -> SuperComplaint:
    return rules.get_object_for_user_or_404(
        rules.complaints_visible_to(request.user),
        request.user,
        rule=rules.may_view_complaint,
        reference=reference,
    )


def _authority(user: Any) -> Organisation | None:
    try:
        return rules.authority_of(user)
    except rules.MultipleAuthoritiesError:
        # A data error for the admin to correct: this person records nobody's position meanwhile.
        logger.warning("User %s is staff at more than one authority", user.pk)
        return None


def _date_label(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return long_date(timezone.localtime(value).date())
    day = getattr(value, "as_date", value)
    if isinstance(day, datetime.date):
        return long_date(day)
    return str(value)


# --- Dashboard -----------------------------------------------------------------------------------


@require_GET
@staff_only
def home(request: HttpRequest) -> HttpResponse:
    bodies = list(Organisation.objects.designated_bodies().order_by("name"))
    form = DashboardFilterForm(request.GET or None, bodies=bodies)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    body = filters.get("body")
    dashboard = selectors.casework_dashboard(
        today=selectors.london_today(),
        state=filters.get("stage") or "",
        body_id=int(body) if body else None,
        overdue_only=bool(filters.get("overdue")),
        assigned_to_id=request.user.pk if filters.get("mine") else None,
    )
    return render(
        request,
        "casework/home.html",
        {
            "filter_form": form,
            "filtered": bool(filters.get("stage") or body or filters.get("overdue") or filters.get("mine")),
            "dashboard": dashboard,
            "today": long_date(dashboard.today),
            "may_manage_retention": rules.may_manage_retention(request.user),
        },
    )


# --- The complaint -------------------------------------------------------------------------------


def _history(complaint: SuperComplaint) -> list[dict[str, Any]]:
    rows = []
    for event in events_for(complaint):
        description = describe(event)
        rows.append(
            {
                "event": event,
                "when": timezone.localtime(event.occurred_at),
                "who": event.actor_label,
                "organisation": event.organisation_label,
                "what": description.title,
                "is_access": event.kind == AuditEvent.Kind.ACCESS,
                "changes": description.changes,
            }
        )
    return rows


def _positions_by_authority(complaint: SuperComplaint) -> list[dict[str, Any]]:
    authorities = list(Organisation.objects.of_kind(OrganisationKind.AUTHORITY).order_by("name"))
    recorded = {p.authority_id: p for p in complaint.positions.select_related("authority", "recorded_by")}
    return [{"authority": a, "position": recorded.get(a.pk)} for a in authorities]


@require_GET
@staff_only
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    # The page shows the contact's details: an access to personal data, on the audit trail.
    record_access(action="complaint.viewed", obj=complaint)
    positions = _positions_by_authority(complaint)
    all_letters = list(complaint.letters.all())
    today = selectors.london_today()
    decision = getattr(complaint, "eligibility", None)
    is_team = rules.is_super_complaints_team(request.user)
    return render(
        request,
        "casework/complaint.html",
        {
            "complaint": complaint,
            "complainants": complaint.complainant_set.select_related("body").order_by("position"),
            "features": complaint.features.prefetch_related("harms"),
            "forces": complaint.forces.order_by("name")
            if complaint.forces_scope == ForcesScope.NAMED
            else [],
            "evidence_items": complaint.evidence_items.select_related("document"),
            "positions": positions,
            "decision": decision,
            "progress_reports": complaint.progress_reports.prefetch_related("deadlines").order_by("period"),
            "letters": all_letters,
            "outbox_messages": messages_about(complaint),
            "timeline": complaint_timeline(complaint, audience=Audience.STAFF),
            "history": _history(complaint),
            "deadline": selectors.running_deadline(complaint, today=today),
            "received": _date_label(complaint.received_on),
            "may_acknowledge": rules.may_acknowledge(request.user, complaint),
            "letters_due": letters.letters_due(complaint) if is_team else [],
            "shows_eligibility": complaint.state not in (ComplaintState.RECEIVED, ComplaintState.WITHDRAWN)
            and not complaint.is_historical,
            "may_start_investigation": rules.may_start_investigation(request.user, complaint)
            and not complaint.is_historical,
            "may_run_investigation": rules.may_run_investigation(request.user, complaint),
            "report": Report.objects.filter(complaint=complaint).first(),
            "redactions": list(redactions_of(complaint)),
            "may_redact": rules.may_redact(request.user, complaint),
            "may_draft_report": rules.may_draft_report(request.user, complaint),
            "assign_form": AssignForm(
                staff=list(rules.dma_staff_users()),
                initial={"version": complaint.version, "caseworker": str(complaint.assigned_to_id or "")},
            )
            if rules.may_assign_caseworker(request.user, complaint)
            else None,
        },
    )


@require_GET
@staff_only
def evidence_document(request: HttpRequest, reference: str, item_id: int) -> FileResponse:
    """A document the body sent as evidence, as a download; each one is an access on the trail."""
    complaint = _complaint(request, reference)
    item = get_object_or_404(
        rules.evidence_items_visible_to(request.user).filter(complaint=complaint).select_related("document"),
        pk=item_id,
        document__isnull=False,
    )
    document = item.document
    assert document is not None  # filtered above
    return document_download(document)


# --- Acknowledgement (SI 2018/748 reg 5) ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def acknowledge(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    complaint_url = reverse("casework:complaint", args=[complaint.reference])
    if complaint.state != ComplaintState.RECEIVED:
        messages.info(request, _("This complaint has already been acknowledged."))
        return redirect(complaint_url)
    if not rules.may_acknowledge(request.user, complaint):
        raise PermissionDenied(_("Only the HMICFRS super-complaints team acknowledges a complaint."))
    if request.method == "POST":
        try:
            complaint = acknowledge_complaint(complaint)
        except ComplaintError as error:
            messages.error(request, str(error))
            return redirect(complaint_url)
        _send(request, letters.send_acknowledgement_letter, complaint)
        return redirect(complaint_url)
    # The page names the complainants' contact: an access to personal data, on the audit trail.
    record_access(action="complaint.viewed_to_acknowledge", obj=complaint)
    return render(
        request,
        "casework/acknowledge.html",
        {
            "complaint": complaint,
            "complainants": complaint.complainant_set.select_related("body").order_by("position"),
            "received": _date_label(complaint.received_on),
            "deadline": selectors.running_deadline(complaint, today=selectors.london_today()),
        },
    )


def _send(
    request: HttpRequest,
    send: Callable[[SuperComplaint], Letter | list[Letter]],
    complaint: SuperComplaint,
) -> None:
    """Send a letter after its step has committed, and say how it went. The step stands if the
    letter fails: the complaint page then offers to send it again."""
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    try:
        sent = send(complaint)
    except Exception:
        logger.exception("Letter for %s could not be sent", complaint.reference)
        messages.warning(
            request,
            _("%(step)s The letter could not be sent. Try again from this page.")
            % {"step": _done_message(complaint)},
        )
        return
    for letter in sent if isinstance(sent, list) else [sent]:
        if letter.kind == LetterKind.ACKNOWLEDGEMENT:
            said = _("The acknowledgement letter was e-mailed to %(to)s, with its PDF.") % {
                "to": letter.sent_to or _("nobody: the complaint has no contact e-mail address")
            }
        else:
            said = _(
                "The decision letter was sent: the body can read it in its portal, and has been e-mailed."
            )
        messages.success(request, f"{_done_message(complaint)} {said}")


def _done_message(complaint: SuperComplaint) -> str:
    if complaint.state == ComplaintState.ACKNOWLEDGED:
        return _("Complaint %(reference)s acknowledged.") % {"reference": complaint.reference}
    if complaint.state == ComplaintState.ELIGIBLE:
        return _("Complaint %(reference)s decided: eligible.") % {"reference": complaint.reference}
    if complaint.state == ComplaintState.NOT_ELIGIBLE:
        return _("Complaint %(reference)s decided: not eligible.") % {"reference": complaint.reference}
    return ""


# --- Eligibility (SI 2018/748 regs 4, 6 and 11(1)) -----------------------------------------------


def _decision_blocker(complaint: SuperComplaint, positions: list[dict[str, Any]], user: Any) -> str:
    """Why this person cannot record the decision now, in plain words ("" if they can)."""
    if complaint.state != ComplaintState.ASSESSING:
        return ""
    missing = [p["authority"].short_name or p["authority"].name for p in positions if not p["position"]]
    if missing:
        return _(
            "Each authority must record its position before the decision is made. Still to record: %(names)s."
        ) % {"names": ", ".join(missing)}
    if positions_agree(complaint) is None:
        if not rules.is_chief_inspector(user):
            return _(
                "The authorities do not agree, so only the Chief Inspector can decide whether the "
                "complaint is eligible (regulation 11(1))."
            )
        return ""
    if not rules.is_super_complaints_team(user):
        return _("The HMICFRS super-complaints team records the decision the authorities agree on.")
    return ""


@require_http_methods(["GET", "POST"])
@staff_only
def eligibility(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    user = request.user
    similar, similarity_method = theme_similarity.similar_complaints(complaint)
    authority = _authority(user)
    own = complaint.positions.filter(authority=authority).first() if authority else None
    position_form = PositionForm(
        prefix="position",
        initial={
            "version": complaint.version,
            "position": own.position if own else None,
            "reasons": own.reasons if own else "",
        },
    )
    agreed = positions_agree(complaint)
    decision_form = DecisionForm(
        prefix="decision", similar=similar, initial={"version": complaint.version, "outcome": agreed}
    )
    failed: PositionForm | DecisionForm | None = None

    if request.method == "POST":
        which = request.POST.get("form")
        if which == "position":
            if authority is None or not rules.may_record_position(user, complaint, authority):
                raise PermissionDenied(_("You cannot record a position for this complaint."))
            position_form = PositionForm(request.POST.copy(), prefix="position")
            if _record_position(position_form, complaint, authority, user):
                messages.success(
                    request,
                    _("The position of %(authority)s has been recorded.")
                    % {"authority": authority.short_name or authority.name},
                )
                return redirect("casework:eligibility", reference=complaint.reference)
            failed = position_form
        elif which == "decision":
            if not rules.may_decide_eligibility(user, complaint):
                raise PermissionDenied(_("You cannot record the eligibility decision for this complaint."))
            decision_form = DecisionForm(request.POST.copy(), prefix="decision", similar=similar)
            if _decide(decision_form, complaint, user):
                _send(request, letters.send_decision_letter, complaint)
                return redirect("casework:complaint", reference=complaint.reference)
            failed = decision_form
        else:
            return HttpResponseBadRequest()
        complaint.refresh_from_db()

    positions = _positions_by_authority(complaint)
    differ = all(p["position"] for p in positions) and positions_agree(complaint) is None
    decision = getattr(complaint, "eligibility", None)
    return render(
        request,
        "casework/eligibility.html",
        {
            "complaint": complaint,
            "form": failed,
            "position_form": position_form,
            "decision_form": decision_form,
            "similar": similar,
            "similarity_method": similarity_method,
            "positions": positions,
            "authority": authority,
            "own_position": own,
            "may_record_position": authority is not None
            and rules.may_record_position(user, complaint, authority),
            "may_decide": rules.may_decide_eligibility(user, complaint),
            "decision_blocker": _decision_blocker(complaint, positions, user),
            "positions_differ": differ,
            "decision": decision,
            "names_contact": bool(complaint.contact_name.strip()),
            "evidence_count": complaint.evidence_items.count(),
            "features": complaint.features.prefetch_related("harms"),
        },
    )


def _record_position(
    form: PositionForm, complaint: SuperComplaint, authority: Organisation, user: Any
) -> bool:
    if not form.is_valid():
        return False
    try:
        record_position(
            complaint,
            authority=authority,
            position=form.cleaned_data["position"],
            reasons=form.cleaned_data["reasons"],
            user=user,
            expected_version=form.cleaned_data["version"],
        )
    except ComplaintError as error:
        _refuse(form, complaint, error)
        return False
    return True


def _decide(form: DecisionForm, complaint: SuperComplaint, user: Any) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        decide_eligibility(
            complaint,
            outcome=data["outcome"],
            reasons=data["reasons"],
            checklist=form.checklist(),
            repeat_finding=data["repeat_finding"],
            related_complaint=form.related(),
            material_change=data["material_change"],
            checklist_notes=data["checklist_notes"],
            by_chief_inspector=rules.is_chief_inspector(user),
            user=user,
            expected_version=data["version"],
        )
    except ComplaintError as error:
        _refuse(form, complaint, error)
        return False
    return True


def _refuse(form: PositionForm | DecisionForm, complaint: SuperComplaint, error: ComplaintError) -> None:
    """The service said no. A stale form comes back as typed against the latest version, so that
    saving again is a choice; any other refusal is shown on the form as it is."""
    if isinstance(error, StaleEdit):
        form.refused_as_stale(
            error, SuperComplaint.objects.values_list("version", flat=True).get(pk=complaint.pk)
        )
    else:
        form.add_error(None, str(error))


# --- Letters -------------------------------------------------------------------------------------


@require_GET
@staff_only
def letter_detail(request: HttpRequest, reference: str, letter_id: int) -> HttpResponse:
    """The letter's HTML inside the service's page: the site's CSP forbids the document's own
    <style>, so only its content is shown here; the PDF is the printable copy."""
    complaint = _complaint(request, reference)
    letter = get_object_or_404(complaint.letters, pk=letter_id)
    # A letter is addressed to the complaint's contact by name: an access to personal data.
    record_access(action="letter.viewed", obj=letter)
    return render(
        request,
        "casework/letter.html",
        {"complaint": complaint, "letter": letter, "content": letters.letter_fragment(letter)},
    )


@require_GET
@staff_only
def letter_pdf(request: HttpRequest, reference: str, letter_id: int) -> FileResponse:
    complaint = _complaint(request, reference)
    letter = get_object_or_404(complaint.letters.exclude(pdf=""), pk=letter_id)
    record_access(action="letter.pdf_downloaded", obj=letter)
    return attachment_response(
        letter.pdf.open("rb"), filename=letters.pdf_filename(letter), content_type="application/pdf"
    )


@require_POST
@staff_only
def send_letters(request: HttpRequest, reference: str) -> HttpResponse:
    """Send again a letter whose sending failed after its step committed (the team only)."""
    complaint = _complaint(request, reference)
    if not rules.is_super_complaints_team(request.user):
        raise PermissionDenied(_("Only the HMICFRS super-complaints team sends letters."))
    _send(request, letters.send_letters_due, complaint)
    return redirect("casework:complaint", reference=complaint.reference)
