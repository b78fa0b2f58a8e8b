"""The body's home in the portal, and its submitted complaints: the confirmation after submitting,
each complaint's stage and dated timeline, the letters sent to it, evidence downloads, withdrawal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from access.decorators import verified_login_required
from access.rules import (
    accuracy_organisations_of,
    calendar_organisations_of,
    forces_of,
    get_object_for_user_or_404,
    may_record_designation,
    may_view_complaint,
    may_withdraw,
    organisations_managed_by,
    response_organisations_of,
)
from accuracy.selectors import open_checks_for
from audit.services import record_access
from common.downloads import attachment_response
from complaints.letters import letter_fragment
from complaints.models import (
    ComplaintState,
    EvidenceItem,
    Feature,
    Harm,
    SuperComplaint,
)
from complaints.selectors import london_today, next_expected_date
from complaints.services import ComplaintError, withdraw_complaint
from complaints.timeline import Audience, complaint_timeline
from deadlines.calendar import long_date
from deadlines.rules import to_london_date
from evidence.downloads import document_download
from inquiries.selectors import requests_for_forces
from portal.forms.complaints import WithdrawForm
from portal.views.common import bodies_of, body_complaints, complaint_view, posted
from portal.views.responses import rows_for
from reports.selectors import published_reports


@verified_login_required
def home(request: HttpRequest) -> HttpResponse:
    """The body's drafts and complaints. A person with nothing in the portal is told so (a 200 page,
    not a 404: the address exists, there is simply nothing here for their account)."""
    bodies = bodies_of(request.user)
    designations = may_record_designation(request.user)
    forces = forces_of(request.user)
    # An organisation a draft report's recommendations are addressed to sees the checks open to it.
    accuracy_checks = open_checks_for(accuracy_organisations_of(request.user), today=london_today())
    # An addressee's drafters and signatories: the recommendations still to answer come first.
    answering = response_organisations_of(request.user)
    # An organisation administrator manages its users, whatever else they do.
    administered = organisations_managed_by(request.user)
    # Forces, local policing bodies and national bodies have a private calendar of their deadlines.
    calendar_organisations = calendar_organisations_of(request.user)
    if not (
        bodies
        or designations
        or forces
        or accuracy_checks
        or answering
        or administered
        or calendar_organisations
    ):
        return render(request, "portal/nothing_here.html")
    mine = body_complaints(request.user).prefetch_related("complainants")
    return render(
        request,
        "portal/home.html",
        {
            "bodies": bodies,
            "drafts": list(mine.filter(state=ComplaintState.DRAFT).order_by("-updated_at")),
            "complaints": list(mine.submitted().order_by("-received_at", "-pk")),
            "designations": designations,
            "forces": forces,
            # A force's work: the requests it has yet to answer, the soonest due first.
            "open_requests": list(requests_for_forces(forces).filter(answered_at__isnull=True)),
            "accuracy_checks": accuracy_checks,
            "answering": answering,
            "to_answer": rows_for(request.user, open_only=True) if answering else [],
            "show_organisation": len(answering) > 1,
            "calendar_organisations": calendar_organisations,
            # The checks are a section under another heading, or the page's own subject.
            "accuracy_as_section": bool(bodies or designations or forces or answering),
            "administered": administered,
            "users_as_section": bool(bodies or designations or forces or accuracy_checks or answering),
        },
    )


def _with_content(complaint: SuperComplaint) -> SuperComplaint:
    # .all() first: on a manager made by as_manager(), django-stubs 5.2 loses the type variables of
    # prefetch_related and refuses every Prefetch (typeddjango/django-stubs#3263). On the queryset
    # the call is typed, and the lookups are checked.
    return (
        SuperComplaint.objects.all()
        .prefetch_related(
            "complainants",
            Prefetch("features", queryset=Feature.objects.order_by("position", "pk")),
            Prefetch("features__harms", queryset=Harm.objects.order_by("pk")),
            Prefetch("evidence_items", queryset=EvidenceItem.objects.select_related("document")),
            "forces",
        )
        .get(pk=complaint.pk)
    )


@complaint_view
def confirmation(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    """The GOV.UK confirmation panel: the reference, the London day of receipt and the reg 5 date."""
    due = complaint.acknowledgement_deadline
    return render(
        request,
        "portal/complaint/confirmation.html",
        {
            "complaint": complaint,
            "received_on": long_date(to_london_date(complaint.received_at)) if complaint.received_at else "",
            "due": due,
            "due_on": long_date(due.due) if due else "",
            "explanation": due.explanation_lines if due else [],
        },
    )


@complaint_view
def detail(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    complaint = _with_content(complaint)
    letters = list(complaint.letters.filter(sent_at__isnull=False).order_by("sent_at", "pk"))
    return render(
        request,
        "portal/complaint/detail.html",
        {
            "complaint": complaint,
            "body_name": ", ".join(b.name for b in complaint.complainants.all()),
            "timeline": complaint_timeline(complaint, audience=Audience.BODY),
            "letters": letters,
            # Only what was sent: a draft, and anything excluded under reg 7(3), stay with the
            # authorities (the page shows each report as the letter the body received).
            "progress_reports": list(
                complaint.progress_reports.filter(sent_at__isnull=False, letter__isnull=False)
                .select_related("letter")
                .order_by("period")
            ),
            "expected": next_expected_date(complaint),
            "may_withdraw": may_withdraw(request.user, complaint),
            # The report reaches the body when it becomes public (reg 8(2)(a)), never before.
            "report": published_reports().filter(complaint=complaint).first(),
        },
    )


def _sent_letter(complaint: SuperComplaint, letter_pk: int) -> Any:
    return get_object_or_404(complaint.letters.filter(sent_at__isnull=False), pk=letter_pk)


@complaint_view
def letter(request: HttpRequest, complaint: SuperComplaint, letter_pk: int) -> HttpResponse:
    sent = _sent_letter(complaint, letter_pk)
    # A letter is addressed to the complaint's contact by name: an access to personal data.
    record_access(action="letter.viewed", obj=sent)
    return render(
        request,
        "portal/complaint/letter.html",
        {"complaint": complaint, "letter": sent, "content": letter_fragment(sent)},
    )


@complaint_view
def letter_pdf(request: HttpRequest, complaint: SuperComplaint, letter_pk: int) -> FileResponse:
    sent = _sent_letter(complaint, letter_pk)
    if not sent.pdf:
        raise Http404("This letter has no PDF.")
    record_access(action="letter.pdf_downloaded", obj=sent)
    return attachment_response(
        sent.pdf.open("rb"),
        filename=f"{complaint.reference}-{sent.kind}-{sent.pk}.pdf",
        content_type="application/pdf",
    )


@complaint_view
def withdraw(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    """Withdrawal, with a reason. Non-statutory: the regulations have no withdrawal procedure."""
    if complaint.state == ComplaintState.WITHDRAWN:
        return redirect("portal:complaint", reference=complaint.reference)
    if not may_withdraw(request.user, complaint):
        raise Http404("This complaint cannot be withdrawn.")
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_complaint(complaint, reason=form.cleaned_data["reason"])
        except ComplaintError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Super-complaint %(reference)s has been withdrawn.") % {"reference": complaint.reference},
            )
            return redirect("portal:complaint", reference=complaint.reference)
    return render(request, "portal/complaint/withdraw.html", {"complaint": complaint, "form": form})


@verified_login_required
def evidence_download(request: HttpRequest, item_pk: int) -> FileResponse:
    """A stored evidence file, for those who may view its complaint; every download is recorded."""
    item = get_object_for_user_or_404(
        EvidenceItem.objects.filter(
            complaint__in=body_complaints(request.user), document__isnull=False
        ).select_related("document", "complaint"),
        request.user,
        rule=lambda user, found: may_view_complaint(user, found.complaint),
        pk=item_pk,
    )
    document = item.document
    assert document is not None  # the queryset above keeps only items with a document
    return document_download(document)
