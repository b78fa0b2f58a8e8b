"""Portal pages for a force: the information requests addressed to it, and its answers
(SI 2018/748 reg 9). A request to another force is a 404, and never in the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from access import rules
from access.decorators import verified_login_required
from common.forms import GovukForm
from evidence import checks
from evidence.downloads import document_download
from evidence.services import store_document
from inquiries.models import ForceRequest
from inquiries.selectors import requests_for_forces
from inquiries.services import InquiryError, submit_force_answer


class AnswerForm(GovukForm):
    file = forms.FileField(label=gettext_lazy("Upload a file (optional)"), required=False)

    def __init__(self, *args: Any, questions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.CharField(
                label=f"{q.position}. {q.text}",
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": _("Answer question %(n)d") % {"n": q.position}},
            )
        self.fields["file"].help_text = _("A %(types)s file, %(limit)s or smaller.") % {
            "types": checks.accepted_labels(),
            "limit": checks.size_label(checks.max_file_size()),
        }

    def question_fields(self) -> list[Any]:
        return [self[f"q{q.pk}"] for q in self.questions]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        try:
            checks.check_upload(upload)
        except checks.UploadRejected as rejected:
            raise forms.ValidationError(str(rejected), code="rejected") from None
        return upload


@verified_login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    forces = rules.forces_of(request.user)
    if not forces:
        raise Http404("Not a force user.")
    return render(request, "portal/requests/list.html", {"force_requests": list(requests_for_forces(forces))})


def _force_request(request: HttpRequest, pk: int) -> ForceRequest:
    force_request = get_object_or_404(
        ForceRequest.objects.select_related("request__complaint", "force"), pk=pk
    )
    if not rules.may_answer_information_request(request.user, force_request):
        raise Http404("Not this force's request.")
    return force_request


@verified_login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    force_request = _force_request(request, pk)
    questions = list(force_request.request.questions.all())
    form = AnswerForm(request.POST or None, request.FILES or None, questions=questions)
    if request.method == "POST" and force_request.answered_at is None and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            documents = [store_document(upload, user=request.user)] if upload else []
            submit_force_answer(
                force_request,
                answers={q.pk: form.cleaned_data[f"q{q.pk}"] for q in questions},
                documents=documents,
                user=request.user,
            )
        except checks.UploadRejected as rejected:
            form.add_error("file", str(rejected))
        except InquiryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your answer was sent to the super-complaints team."))
            return redirect("portal:information_request", pk=force_request.pk)
    return render(
        request,
        "portal/requests/answer.html",
        {
            "force_request": force_request,
            "info": force_request.request,
            "form": form,
            "answers": list(force_request.answers.select_related("question")),
            "documents": list(force_request.documents.all()),
        },
    )


@verified_login_required
@require_GET
def template_download(request: HttpRequest, pk: int) -> FileResponse:
    """The request's data-return spreadsheet, for the force it is addressed to; recorded."""
    force_request = _force_request(request, pk)
    document = force_request.request.template
    if document is None:
        raise Http404("This request has no spreadsheet.")
    return document_download(document)


@verified_login_required
@require_GET
def answer_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A file this force sent with its answer; another force's request (and so its files) is a 404."""
    force_request = _force_request(request, pk)
    return document_download(get_object_or_404(force_request.documents.all(), pk=document_pk))
