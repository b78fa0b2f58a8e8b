"""The body's home in the portal, and its submitted complaints: the confirmation after submitting,
each complaint's stage and dated timeline, the letters sent to it, evidence downloads, withdrawal."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from access.decorators import verified_login_required
from access.rules import get_object_for_user_or_404, may_record_designation, may_view_complaint, may_withdraw
from audit.services import record_access
from common.partial_dates import PartialDate
from complaints.letters import letter_fragment
from complaints.models import (
    ComplaintState,
    EvidenceItem,
    Feature,
    Harm,
    Position,
    SuperComplaint,
)
from complaints.selectors import next_expected_date
from complaints.services import ComplaintError, withdraw_complaint
from deadlines.calendar import long_date
from deadlines.rules import acknowledgement_due, to_london_date
from portal.forms.complaints import WithdrawForm
from portal.views.common import bodies_of, body_complaints, complaint_view, posted


@verified_login_required
def home(request: HttpRequest) -> HttpResponse:
    """The body's drafts and complaints. A person with nothing in the portal is told so (a 200 page,
    not a 404: the address exists, there is simply nothing here for their account)."""
    bodies = bodies_of(request.user)
    designations = may_record_designation(request.user)
    if not bodies and not designations:
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
        },
    )


def _with_content(complaint: SuperComplaint) -> SuperComplaint:
    return SuperComplaint.objects.prefetch_related(
        "complainants",
        Prefetch("features", queryset=Feature.objects.order_by("position", "pk")),
        Prefetch("features__harms", queryset=Harm.objects.order_by("pk")),
        Prefetch("evidence_items", queryset=EvidenceItem.objects.select_related("document")),
        "forces",
    ).get(pk=complaint.pk)


@complaint_view
def confirmation(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    """The GOV.UK confirmation panel: the reference, the London day of receipt and the reg 5 date."""
    due = acknowledgement_due(complaint.received_at) if complaint.received_at else None
    return render(
        request,
        "portal/complaint/confirmation.html",
        {
            "complaint": complaint,
            "received_on": long_date(to_london_date(complaint.received_at)) if complaint.received_at else "",
            "due": due,
            "due_on": long_date(due.due) if due else "",
            "explanation": due.explanation.splitlines() if due else [],
        },
    )


@dataclass(frozen=True)
class TimelineEntry:
    when: Any  # a date, a datetime, or a PartialDate (a month where only that is known)
    title: str
    detail: str = ""

    @property
    def sort_key(self) -> tuple[int, int, int]:
        value = self.when
        if isinstance(value, PartialDate):
            return (value.year, value.month, value.day or 0)
        if isinstance(value, datetime.datetime):
            value = to_london_date(value)
        return (value.year, value.month, value.day)

    @property
    def label(self) -> str:
        if isinstance(self.when, PartialDate):
            # A date known only to the month is shown as the month: never invent a day.
            return long_date(self.when.as_date) if self.when.as_date else str(self.when)
        day = to_london_date(self.when) if isinstance(self.when, datetime.datetime) else self.when
        return long_date(day)


def timeline(complaint: SuperComplaint) -> list[TimelineEntry]:
    """What has happened to the complaint, oldest first, from the dates on its record."""
    entries: list[TimelineEntry] = []
    if complaint.received_at or complaint.received_on:
        entries.append(
            TimelineEntry(
                complaint.received_at or complaint.received_on,
                _("Received by the Chief Inspector"),
                _("Reference %(reference)s.") % {"reference": complaint.reference},
            )
        )
    if complaint.acknowledged_at:
        entries.append(
            TimelineEntry(complaint.acknowledged_at, _("Acknowledged"), _("SI 2018/748 regulation 5."))
        )
    # A missing reverse one-to-one raises an AttributeError subclass, so getattr's default applies.
    decision = getattr(complaint, "eligibility", None)
    if decision is not None and decision.decided_on:
        if decision.outcome == Position.ELIGIBLE:
            entries.append(
                TimelineEntry(
                    decision.decided_on,
                    _("Decision: eligible for investigation"),
                    _("The complaint will be investigated, with progress reports (regulation 6(5))."),
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    decision.decided_on,
                    _("Decision: not eligible"),
                    _("The reasons are in the decision letter (regulation 6(6))."),
                )
            )
    for report in complaint.progress_reports.filter(sent_at__isnull=False).order_by("period"):
        entries.append(
            TimelineEntry(
                report.sent_at,
                _("Progress report %(n)s sent") % {"n": report.period},
                _("Regulation 7."),
            )
        )
    published = _published_report(complaint)
    if published is not None:
        entries.append(TimelineEntry(published.published_on, _("Report published"), published.title))
    if complaint.withdrawn_at:
        entries.append(
            TimelineEntry(complaint.withdrawn_at, _("Withdrawn by the body"), complaint.withdrawal_reason)
        )
    return sorted(entries, key=lambda e: e.sort_key)


def _published_report(complaint: SuperComplaint) -> Any:
    from reports.models import ReportState

    report = getattr(complaint, "report", None)
    if report is not None and report.state == ReportState.PUBLISHED and report.published_on:
        return report
    return None


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
            "timeline": timeline(complaint),
            "letters": letters,
            "expected": next_expected_date(complaint),
            "may_withdraw": may_withdraw(request.user, complaint),
        },
    )


def _sent_letter(complaint: SuperComplaint, letter_pk: int) -> Any:
    return get_object_or_404(complaint.letters.filter(sent_at__isnull=False), pk=letter_pk)


@complaint_view
def letter(request: HttpRequest, complaint: SuperComplaint, letter_pk: int) -> HttpResponse:
    sent = _sent_letter(complaint, letter_pk)
    return render(
        request,
        "portal/complaint/letter.html",
        {"complaint": complaint, "letter": sent, "content": letter_fragment(sent)},
    )


@complaint_view
def letter_pdf(request: HttpRequest, complaint: SuperComplaint, letter_pk: int) -> HttpResponse:
    sent = _sent_letter(complaint, letter_pk)
    if not sent.pdf:
        raise Http404("This letter has no PDF.")
    return FileResponse(
        sent.pdf.open("rb"),
        as_attachment=True,
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
def evidence_download(request: HttpRequest, item_pk: int) -> HttpResponse:
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
    record_access(action="document.viewed", obj=document)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
