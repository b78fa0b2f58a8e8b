"""Casework pages for information requests to forces (SI 2018/748 reg 9): send one to many forces,
and see which have answered (the completeness view, and its CSV)."""

from __future__ import annotations

import csv
import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from access import rules
from casework.views import _complaint, staff_only
from common.date_fields import DateField
from common.forms import GovukForm
from complaints.selectors import london_today
from evidence import checks
from evidence.downloads import document_download
from evidence.models import Document
from evidence.services import store_document
from inquiries.models import ForceRequest, InformationRequest
from inquiries.selectors import Completeness, completeness, status_of
from inquiries.services import InquiryError, send_information_request
from organisations.models import Organisation
from recommendations.models import AddresseeGroup

SPREADSHEET_TYPES = frozenset({"xlsx", "ods", "csv"})


class InformationRequestForm(GovukForm):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter a title for the request")},
    )
    questions = forms.CharField(
        label=gettext_lazy("Questions"),
        help_text=gettext_lazy("One question a line, in the order the force should answer them."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Enter at least one question")},
    )
    due = DateField(
        subject=gettext_lazy("the date answers are due"),
        label=gettext_lazy("Answers due by the end of"),
        help_text=gettext_lazy("For example, 27 2 2027"),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Which forces?"),
        choices=[
            ("all", gettext_lazy("All 47 forces")),
            ("group", gettext_lazy("A group of forces")),
            ("chosen", gettext_lazy("Chosen forces")),
        ],
        error_messages={"required": gettext_lazy("Select which forces to send the request to")},
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group"),
        queryset=AddresseeGroup.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a group"),
    )
    forces = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Forces"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    template = forms.FileField(label=gettext_lazy("Data-return spreadsheet (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forces = Organisation.objects.forces().order_by("name")
        self.fields["forces"].queryset = forces  # type: ignore[attr-defined]
        self.fields["group"].queryset = AddresseeGroup.objects.filter(  # type: ignore[attr-defined]
            members__in=forces
        ).distinct()
        self.fields["template"].help_text = _("An XLSX, ODS or CSV file, %(limit)s or smaller.") % {
            "limit": checks.size_label(checks.max_file_size())
        }

    def clean_template(self) -> Any:
        upload = self.cleaned_data.get("template")
        if not upload:
            return None
        try:
            file_type = checks.check_upload(upload)
        except checks.UploadRejected as rejected:
            raise forms.ValidationError(str(rejected), code="rejected") from None
        if file_type.key not in SPREADSHEET_TYPES:
            raise forms.ValidationError(_("The data-return template must be an XLSX, ODS or CSV file"))
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = cleaned.get("scope")
        if scope == "group" and not cleaned.get("group"):
            self.add_error("group", _("Choose a group of forces"))
        if scope == "chosen" and not cleaned.get("forces"):
            self.add_error("forces", _("Select at least one force"))
        return cleaned

    def chosen_forces(self) -> list[Organisation]:
        scope = self.cleaned_data["scope"]
        forces = Organisation.objects.forces()
        if scope == "group":
            return list(forces.filter(addressee_groups=self.cleaned_data["group"]))
        if scope == "chosen":
            return list(self.cleaned_data["forces"])
        return list(forces)


@staff_only
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    if not rules.may_send_information_request(request.user, complaint):
        raise PermissionDenied(_("Only the authorities' staff send information requests."))
    form = InformationRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("template")
        try:
            template = store_document(upload, user=request.user) if upload else None
            sent = send_information_request(
                complaint,
                title=form.cleaned_data["title"],
                questions=form.cleaned_data["questions"].splitlines(),
                due=form.cleaned_data["due"],
                forces=form.chosen_forces(),
                template=template,
                user=request.user,
            )
        except checks.UploadRejected as rejected:
            form.add_error("template", str(rejected))
        except InquiryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The request was sent to %(count)d forces.") % {"count": sent.force_requests.count()},
            )
            return redirect("casework:information_request", pk=sent.pk)
    return render(request, "casework/information_request_new.html", {"complaint": complaint, "form": form})


def _request_for(request: HttpRequest, pk: int) -> InformationRequest:
    info = get_object_or_404(
        rules.information_requests_visible_to(request.user).select_related("complaint"), pk=pk
    )
    # The complaint's own gate: a request is seen by whoever may see its complaint.
    _complaint(request, info.complaint.reference or "")
    return info


@staff_only
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    info = _request_for(request, pk)
    table = completeness(info, today=london_today())
    counts = [(status.label, table.counts[status.value]) for status in Completeness]
    return render(
        request,
        "casework/information_request.html",
        {
            "info": info,
            "complaint": info.complaint,
            "table": table,
            "counts": counts,
            "returned_files": [
                (force_request.force, document)
                for force_request in info.force_requests.select_related("force").prefetch_related("documents")
                for document in force_request.documents.all()
            ],
        },
    )


@staff_only
@require_GET
def request_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """The request's spreadsheet or a file a force returned, for staff who may see the complaint."""
    info = _request_for(request, pk)
    documents = Document.objects.filter(
        Q(pk=info.template_id)
        | Q(
            pk__in=ForceRequest.documents.through.objects.filter(forcerequest__request=info).values(
                "document_id"
            )
        )
    )
    return document_download(get_object_or_404(documents, pk=document_pk))


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


@staff_only
@require_GET
def request_csv(request: HttpRequest, pk: int) -> HttpResponse:
    info = _request_for(request, pk)
    table = completeness(info, today=london_today())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="information-request-{info.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Force"), _("Status"), _("Due"), _("Answered on")])
    for row in table.rows:
        writer.writerow([row.force.name, row.status.label, _day(info.due), _day(row.answered_on)])
    return response


@staff_only
@require_GET
def force_answer(request: HttpRequest, pk: int, force_request_id: int) -> HttpResponse:
    """One force's answer to a request: each question with what the force wrote, and its files."""
    info = _request_for(request, pk)
    force_request = get_object_or_404(
        ForceRequest.objects.select_related("force", "answered_by"), pk=force_request_id, request=info
    )
    answers = {a.question_id: a.text for a in force_request.answers.all()}
    questions = [(q, answers.get(q.pk)) for q in info.questions.all()]
    return render(
        request,
        "casework/information_request_answer.html",
        {
            "info": info,
            "complaint": info.complaint,
            "force_request": force_request,
            "status": status_of(force_request, info.due, london_today()),
            "questions": questions,
            "documents": list(force_request.documents.order_by("uploaded_at", "pk")),
        },
    )
