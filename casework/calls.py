"""Casework pages for calls for evidence: open a call on a complaint, change it before it opens,
close it early; and the review queue of responses (filter, read, tag, mark reviewed).

Responses can hold survivors' accounts: every page is for the authorities' staff only (a 404 to
anyone else), reading one response records an access event, and the queue shows no answer text.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from calls.models import CallForEvidence, CallResponse, ResponseTag, Signpost
from calls.selectors import QueueFilters, calls_of, response_for_staff, review_queue
from calls.services import (
    MAX_QUESTIONS,
    CallError,
    QuestionSpec,
    StaleCall,
    close_call,
    mark_reviewed,
    open_call,
    record_response_viewed,
    tag_response,
    update_call,
)
from casework.views import _complaint, forbidden_unless, staff_only
from common.date_fields import DateField
from common.forms import GovukForm, VersionedForm
from evidence.checks import ACCEPTED_TYPES
from evidence.downloads import document_download
from redaction.selectors import redactions_of_response

QUEUE_PAGE_SIZE = 25


class CallForm(GovukForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    title_cy = forms.CharField(
        label=gettext_lazy("Title in Welsh (optional)"), max_length=200, required=False
    )
    introduction = forms.CharField(
        label=gettext_lazy("Introduction"),
        help_text=gettext_lazy(
            "What the call is about and who it is for. Leave a blank line between paragraphs."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    introduction_cy = forms.CharField(
        label=gettext_lazy("Introduction in Welsh (optional)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    opens_on = DateField(
        label=gettext_lazy("Opens on"),
        subject=gettext_lazy("the date the call opens"),
        help_text=gettext_lazy(
            "The call appears on the public register from the start of this day. For example, 2 3 2027."
        ),
    )
    closes_on = DateField(
        label=gettext_lazy("Closes at the end of"),
        subject=gettext_lazy("the date the call closes"),
        help_text=gettext_lazy("Answers are accepted until midnight (London time) at the end of this day."),
    )
    signposts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Other support services to show"),
        help_text=gettext_lazy("The Modern Slavery & Exploitation Helpline and 999 are always shown."),
        queryset=Signpost.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["signposts"]
        field.queryset = Signpost.objects.filter(always=False)  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.name} ({s.phone})"  # type: ignore[attr-defined]
        for n in range(1, MAX_QUESTIONS + 1):
            self.fields[f"q{n}_text"] = forms.CharField(
                label=_("Question %(number)d") % {"number": n},
                required=n == 1,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                error_messages={"required": _("Enter at least one question")},
            )
            self.fields[f"q{n}_text_cy"] = forms.CharField(
                label=_("Question %(number)d in Welsh (optional)") % {"number": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )
            self.fields[f"q{n}_required"] = forms.BooleanField(
                label=_("An answer to question %(number)d is needed") % {"number": n}, required=False
            )

    @property
    def question_slots(self) -> list[tuple[int, Any, Any, Any]]:
        return [
            (n, self[f"q{n}_text"], self[f"q{n}_text_cy"], self[f"q{n}_required"])
            for n in range(1, MAX_QUESTIONS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on", _("The date the call closes must be the same as or after the date it opens")
            )
        return cleaned

    def questions(self) -> list[QuestionSpec]:
        data = self.cleaned_data
        return [
            QuestionSpec(
                data.get(f"q{n}_text") or "",
                data.get(f"q{n}_text_cy") or "",
                bool(data.get(f"q{n}_required")),
            )
            for n in range(1, MAX_QUESTIONS + 1)
            if (data.get(f"q{n}_text") or "").strip()
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "title_cy": data.get("title_cy") or "",
            "introduction": data["introduction"],
            "introduction_cy": data.get("introduction_cy") or "",
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "questions": self.questions(),
            "signposts": list(data.get("signposts") or []),
        }

    @staticmethod
    def initial_for(call: CallForEvidence) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": call.title,
            "title_cy": call.title_cy,
            "introduction": call.introduction,
            "introduction_cy": call.introduction_cy,
            "opens_on": call.opens_on,
            "closes_on": call.closes_on,
            "signposts": [s.pk for s in call.signposts.all() if not s.always],
            "version": call.version,
        }
        for question in call.questions.all():
            initial[f"q{question.position}_text"] = question.text
            initial[f"q{question.position}_text_cy"] = question.text_cy
            initial[f"q{question.position}_required"] = question.required
        return initial


class CallEditForm(CallForm, VersionedForm):
    pass


def _call(request: HttpRequest, pk: int) -> CallForEvidence:
    call = CallForEvidence.objects.select_related("complaint").filter(pk=pk).first()
    if call is None:
        raise Http404(_("No call for evidence has this number."))
    # The complaint must be one this member of staff may see, like every casework page.
    _complaint(request, str(call.complaint.reference))
    return call


@staff_only
@require_http_methods(["GET", "POST"])
def new_call(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    forbidden_unless(rules.may_manage_calls(request.user, complaint))
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = open_call(complaint, **form.values(), user=request.user)
        except CallError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The call for evidence has been set up."))
            return redirect("casework:call", pk=call.pk)
    return render(request, "casework/call_form.html", {"complaint": complaint, "form": form, "call": None})


@staff_only
@require_http_methods(["GET", "POST"])
def edit_call(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    forbidden_unless(rules.may_manage_calls(request.user, call.complaint))
    form = CallEditForm(request.POST or None, initial=CallForm.initial_for(call))
    if request.method == "POST" and form.is_valid():
        try:
            update_call(
                call, **form.values(), expected_version=form.cleaned_data["version"], user=request.user
            )
        except StaleCall as error:
            call.refresh_from_db()
            form.refused_as_stale(error, call.version)
        except CallError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The call for evidence has been changed."))
            return redirect("casework:call", pk=call.pk)
    return render(
        request, "casework/call_form.html", {"complaint": call.complaint, "form": form, "call": call}
    )


@staff_only
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    now = timezone.now()
    counted = calls_of(call.complaint).get(pk=call.pk)
    return render(
        request,
        "casework/call.html",
        {
            "complaint": call.complaint,
            "call": call,
            "questions": list(call.questions.all()),
            "signposts": list(call.signposts.all()),
            "response_count": getattr(counted, "response_count", 0),
            "unreviewed_count": getattr(counted, "unreviewed_count", 0),
            "has_opened": call.has_opened(now),
            "is_open": call.is_open(now),
            "may_manage": rules.may_manage_calls(request.user, call.complaint),
            "deadline": call.deadlines.first(),
        },
    )


@staff_only
@require_POST
def close_call_view(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    forbidden_unless(rules.may_manage_calls(request.user, call.complaint))
    try:
        close_call(call, user=request.user)
    except CallError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The call for evidence is closed. It no longer takes answers."))
    return redirect("casework:call", pk=call.pk)


class QueueFilterForm(GovukForm):
    call = forms.ModelChoiceField(
        label=gettext_lazy("Call for evidence"),
        queryset=CallForEvidence.objects.none(),
        required=False,
        empty_label=gettext_lazy("All calls"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            ("", gettext_lazy("All responses")),
            ("unreviewed", gettext_lazy("Not reviewed")),
            ("reviewed", gettext_lazy("Reviewed")),
        ],
        required=False,
    )
    tag = forms.ModelChoiceField(
        label=gettext_lazy("Tag"),
        queryset=ResponseTag.objects.none(),
        required=False,
        empty_label=gettext_lazy("Any tag"),
    )
    submitted_from = forms.DateField(
        label=gettext_lazy("Sent on or after"),
        help_text=gettext_lazy("For example, 27/02/2027."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        required=False,
        error_messages={"invalid": gettext_lazy("Enter the date as day/month/year, for example 27/02/2027")},
    )
    submitted_to = forms.DateField(
        label=gettext_lazy("Sent on or before"),
        help_text=gettext_lazy("For example, 27/02/2027."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        required=False,
        error_messages={"invalid": gettext_lazy("Enter the date as day/month/year, for example 27/02/2027")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = CallForEvidence.objects.select_related("complaint").order_by(  # type: ignore[attr-defined]
            "-opens_on", "-pk"
        )
        self.fields["call"].label_from_instance = lambda c: f"{c.complaint.reference}: {c.title}"  # type: ignore[attr-defined]
        self.fields["tag"].queryset = ResponseTag.objects.order_by("name")  # type: ignore[attr-defined]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters(reviewed=False)
        data = self.cleaned_data
        status = data.get("status")
        return QueueFilters(
            call=data.get("call"),
            reviewed=True if status == "reviewed" else False if status == "unreviewed" else None,
            tag=data.get("tag"),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
        )


@staff_only
@require_GET
def response_queue(request: HttpRequest) -> HttpResponse:
    forbidden_unless(rules.may_review_call_responses(request.user))
    form = QueueFilterForm(request.GET or {"status": "unreviewed"})
    responses = review_queue(form.filters())
    page = Paginator(responses, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casework/call_responses.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class TagForm(GovukForm):
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        help_text=gettext_lazy("Separate tags with commas, for example: language barrier, follow up."),
        max_length=500,
        required=False,
    )


def staff_call_response(request: HttpRequest, pk: int) -> CallResponse:
    """The response a member of staff may read, or a 404 (another complaint's, or none)."""
    forbidden_unless(rules.may_review_call_responses(request.user))
    response = response_for_staff(pk)
    if response is None:
        raise Http404(_("No response has this number."))
    _complaint(request, str(response.call.complaint.reference))
    return response


def _type_label(content_type: str) -> str:
    """ "PDF" for application/pdf: the name people know a stored document's type by."""
    return next((t.label for t in ACCEPTED_TYPES if t.content_type == content_type), content_type)


@staff_only
@require_http_methods(["GET", "POST"])
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = staff_call_response(request, pk)
    tag_form = TagForm(request.POST or None, initial={"tags": ", ".join(t.name for t in response.tags.all())})
    if request.method == "POST" and tag_form.is_valid():
        try:
            tag_response(response, tags=tag_form.cleaned_data["tags"].split(","), user=request.user)
        except CallError as error:
            tag_form.add_error("tags", str(error))
        else:
            messages.success(request, _("The tags have been saved."))
            return redirect("casework:call_response", pk=response.pk)
    else:
        record_response_viewed(response)
    return render(
        request,
        "casework/call_response.html",
        {
            "response": response,
            "call": response.call,
            "complaint": response.call.complaint,
            "answers": list(response.answers.all()),
            "documents": [(d, _type_label(d.content_type)) for d in response.documents.all()],
            "tag_form": tag_form,
            "form": tag_form,
            "redactions": redactions_of_response(response),
            "may_redact": rules.may_redact(request.user, response.call.complaint),
        },
    )


@staff_only
@require_GET
def response_document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A file the person attached to their response, as a download (``document_download``: safe
    headers, and each download is an access on the audit trail). Only a file of this response;
    one waiting for its virus scan is a 404."""
    response = staff_call_response(request, pk)
    return document_download(get_object_or_404(response.documents.all(), pk=document_pk))


@staff_only
@require_POST
def response_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    response = staff_call_response(request, pk)
    mark_reviewed(response, user=request.user)
    messages.success(request, _("The response is marked as reviewed."))
    return redirect("casework:call_response", pk=response.pk)
