"""Casework pages for redaction for publication: start redacting a call-for-evidence response or a
document, confirm or reject the proposed redactions, mark other passages, preview and publish the
extract, withdraw it.

The text being redacted holds personal data: every page is for the authorities' staff only (a 404
to anyone else) and showing it records an access event. Views only call ``redaction.services``
and ``redaction.selectors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from access import rules
from calls.models import CallResponse
from casework.calls import staff_call_response
from casework.views import _complaint, forbidden_unless, staff_only
from common.forms import GovukForm, VersionedForm
from complaints.models import SuperComplaint
from evidence.models import Document
from redaction import derivative, services
from redaction.models import Redaction, RedactionState, SpanDecision, SpanKind, SpanOrigin
from redaction.selectors import redaction_for_staff


class StartForm(GovukForm):
    title = forms.CharField(
        label=gettext_lazy("Title of the extract"),
        help_text=gettext_lazy(
            "Shown on the public register and in the PDF. Do not put anyone’s name in it."
        ),
        max_length=services.MAX_TITLE_LENGTH,
    )


class PassageForm(GovukForm):
    passage = forms.CharField(
        label=gettext_lazy("Words to take out"),
        help_text=gettext_lazy("Copy them exactly from the text above, for example a name or a place."),
        max_length=500,
    )
    kind = forms.ChoiceField(label=gettext_lazy("What they are"), choices=SpanKind.staff_kinds)
    occurrence = forms.IntegerField(
        label=gettext_lazy("Which time they appear (optional)"),
        help_text=gettext_lazy(
            "Leave this empty to take them out every time they appear. Enter 2 for the second time."
        ),
        min_value=1,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class PublishForm(VersionedForm):
    out_of_date_message = gettext_lazy(
        "This page is out of date. Open it again, check the preview, then publish."
    )


def _start(
    request: HttpRequest,
    complaint: SuperComplaint,
    *,
    call_response: CallResponse | None = None,
    document: Document | None = None,
    back: str,
    initial_title: str,
) -> HttpResponse:
    forbidden_unless(rules.may_redact(request.user, complaint))
    form = StartForm(request.POST or None, initial={"title": initial_title})
    if request.method == "POST" and form.is_valid():
        try:
            redaction = services.start_redaction(
                complaint,
                title=form.cleaned_data["title"],
                call_response=call_response,
                document=document,
                user=request.user,
            )
        except services.RedactionError as error:
            form.add_error(None, str(error))
        else:
            found = redaction.spans.count()
            messages.success(
                request,
                _("Redaction started. %(count)d possible personal details were found: check each one.")
                % {"count": found},
            )
            return redirect("casework:redaction", pk=redaction.pk)
    return render(
        request,
        "casework/redaction_start.html",
        {
            "complaint": complaint,
            "form": form,
            "back": back,
            "document": document,
            "call_response": call_response,
        },
    )


def _default_title(response: CallResponse) -> str:
    return _("Extract from a response to “%(call)s”") % {"call": response.call.title}


@staff_only
@require_http_methods(["GET", "POST"])
def start_from_response(request: HttpRequest, pk: int) -> HttpResponse:
    response = staff_call_response(request, pk)
    return _start(
        request,
        response.call.complaint,
        call_response=response,
        back=reverse("casework:call_response", args=[response.pk]),
        initial_title=_default_title(response),
    )


@staff_only
@require_http_methods(["GET", "POST"])
def start_from_response_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    response = staff_call_response(request, pk)
    document = get_object_or_404(response.documents.all(), pk=document_pk)
    return _start(
        request,
        response.call.complaint,
        document=document,
        back=reverse("casework:call_response", args=[response.pk]),
        initial_title=_("Extract from a file sent in response to “%(call)s”") % {"call": response.call.title},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def start_from_evidence(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    complaint = _complaint(request, reference)
    item = get_object_or_404(
        rules.evidence_items_visible_to(request.user).filter(complaint=complaint).select_related("document"),
        pk=item_id,
        document__isnull=False,
    )
    assert item.document is not None  # filtered above
    return _start(
        request,
        complaint,
        document=item.document,
        back=reverse("casework:complaint", args=[complaint.reference]) + "#evidence",
        initial_title=_("Extract from evidence to super-complaint %(reference)s")
        % {"reference": complaint.reference},
    )


def _redaction(request: HttpRequest, pk: int) -> Redaction:
    redaction = redaction_for_staff(pk)
    if redaction is None:
        raise Http404(_("No redaction has this number."))
    complaint = _complaint(request, str(redaction.complaint.reference))
    forbidden_unless(rules.may_redact(request.user, complaint))
    return redaction


def _page(
    request: HttpRequest,
    redaction: Redaction,
    *,
    passage_form: PassageForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.record_redaction_viewed(redaction)
    spans = list(redaction.spans.select_related("decided_by"))
    labels = {value: str(label) for value, label in SpanKind.choices}
    text = redaction.source_text
    rows = [
        {
            "number": number,
            "span": span,
            "kind_label": labels.get(span.kind, span.kind),
            "text": text[span.start : span.end],
        }
        for number, span in enumerate(spans, start=1)
    ]
    waiting = [span for span in spans if span.decision == SpanDecision.PROPOSED]
    return render(
        request,
        "casework/redaction.html",
        {
            "complaint": redaction.complaint,
            "redaction": redaction,
            "segments": derivative.segments(
                text, [(s.start, s.end, s.decision, labels.get(s.kind, s.kind)) for s in spans]
            ),
            "rows": rows,
            "waiting_count": len(waiting),
            "detected_waiting": any(span.origin == SpanOrigin.DETECTED for span in waiting),
            "preview": services.published_text(redaction),
            "passage_form": passage_form or PassageForm(),
            "publish_form": publish_form or PublishForm(initial={"version": redaction.version}),
            "form": passage_form if passage_form is not None and passage_form.errors else publish_form,
            "is_draft": redaction.state == RedactionState.DRAFT,
            "is_published": redaction.state == RedactionState.PUBLISHED,
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET"])
def redaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _redaction(request, pk))


def _refused(request: HttpRequest, error: services.RedactionError, pk: int) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("casework:redaction", pk=pk)


@staff_only
@require_POST
def decide(request: HttpRequest, pk: int, span_pk: int) -> HttpResponse:
    redaction = _redaction(request, pk)
    span = get_object_or_404(redaction.spans.all(), pk=span_pk)
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        messages.error(request, _("Choose whether to take the text out or keep it."))
        return redirect("casework:redaction", pk=redaction.pk)
    try:
        if decision == "confirm":
            services.confirm_span(span, user=request.user)
        else:
            services.reject_span(span, user=request.user)
    except services.RedactionError as error:
        return _refused(request, error, redaction.pk)
    return redirect(reverse("casework:redaction", args=[redaction.pk]) + "#spans")


@staff_only
@require_POST
def confirm_detected(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _redaction(request, pk)
    try:
        count = services.confirm_all_detected(redaction, user=request.user)
    except services.RedactionError as error:
        return _refused(request, error, redaction.pk)
    messages.success(request, _("%(count)d detected redactions confirmed.") % {"count": count})
    return redirect("casework:redaction", pk=redaction.pk)


@staff_only
@require_POST
def add_passage(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _redaction(request, pk)
    form = PassageForm(request.POST)
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            added = services.mark_passage(
                redaction,
                passage=data["passage"],
                kind=data["kind"],
                occurrence=data.get("occurrence"),
                user=request.user,
            )
        except services.RedactionError as error:
            form.add_error("passage", str(error))
        else:
            messages.success(request, _("%(count)d passages marked for removal.") % {"count": len(added)})
            return redirect("casework:redaction", pk=redaction.pk)
    return _page(request, redaction, passage_form=form, status=400)


@staff_only
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _redaction(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_redaction(
                redaction, expected_version=form.cleaned_data["version"], user=request.user
            )
        except services.StaleRedaction as error:
            redaction.refresh_from_db()
            form.refused_as_stale(error, redaction.version)
        except services.RedactionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The extract is published on the public register."))
            return redirect("casework:redaction", pk=redaction.pk)
    return _page(request, redaction, publish_form=form, status=400)


@staff_only
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    redaction = _redaction(request, pk)
    try:
        services.withdraw_redaction(redaction, user=request.user)
    except services.RedactionError as error:
        return _refused(request, error, redaction.pk)
    messages.success(request, _("The extract has been taken off the public register."))
    return redirect("casework:redaction", pk=redaction.pk)
