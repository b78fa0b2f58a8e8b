"""Portal pages for an organisation a published report's recommendations are addressed to: the
recommendations it has to answer, and each one's response, drafted, sent for sign-off, signed off
and submitted (which publishes it), then its action plan documents and progress on its actions.

Every write is a ``recommendations.responding`` service. Another organisation's obligation, its
response and its files are a 404 (``access.rules.obligations_visible_to``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from access.decorators import verified_login_required
from complaints import selectors as complaint_selectors
from deadlines.rules import to_london_date
from deadlines.selectors import explanation_in_active_language
from evidence import checks
from evidence.downloads import document_download
from evidence.models import Document
from evidence.services import delete_document, store_document
from portal.forms.responses import (
    INTENT_ADD_ACTION,
    INTENT_SIGN_OFF,
    MAX_ACTION_ROWS,
    ActionPlanForm,
    ProgressForm,
    ResponseForm,
    ReturnForm,
    SignOffForm,
)
from recommendations import responding
from recommendations.models import (
    ActionUpdate,
    Obligation,
    ObligationQuerySet,
    Response,
    ResponseAction,
    ResponseState,
)

# --- Where each obligation stands ----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One obligation as the list shows it: its deadline against today, and its status."""

    obligation: Obligation
    response: Response | None
    today: datetime.date

    @property
    def due(self) -> datetime.date | None:
        return self.obligation.due

    @property
    def is_submitted(self) -> bool:
        return self.response is not None and self.response.state in ResponseState.submitted_states()

    @property
    def days_text(self) -> str:
        """ "12 days left", "Due today", "3 days overdue"; nothing once answered or with no deadline."""
        due = self.due
        if due is None or self.is_submitted:
            return ""
        days = (due - self.today).days
        if days == 0:
            return _("Due today")
        if days > 0:
            return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}

    @property
    def is_overdue(self) -> bool:
        due = self.due
        return due is not None and not self.is_submitted and due < self.today

    @property
    def status_text(self) -> str:
        response = self.response
        if response is None:
            return _("Not started")
        if response.state == ResponseState.DRAFT:
            return _("Draft")
        if response.state == ResponseState.AWAITING_SIGN_OFF:
            return _("Awaiting sign-off")
        assert response.submitted_at is not None  # the database's check constraint
        day = to_london_date(response.submitted_at)
        when = formats.date_format(day, "j F Y")
        if self.due is None:
            return _("Submitted on %(day)s") % {"day": when}
        if day <= self.due:
            return _("Submitted on %(day)s, on time") % {"day": when}
        return _("Submitted on %(day)s, late") % {"day": when}

    @property
    def status_class(self) -> str:
        response = self.response
        if response is None:
            return "govuk-tag--grey"
        if response.state == ResponseState.DRAFT:
            return "govuk-tag--yellow"
        if response.state == ResponseState.AWAITING_SIGN_OFF:
            return "govuk-tag--blue"
        return "govuk-tag--green"


def _obligations(user: Any) -> Any:
    visible = cast(ObligationQuerySet, rules.obligations_visible_to(user))
    return (
        visible.select_related("recommendation__report__complaint", "organisation")
        .with_due()
        .prefetch_related(Prefetch("responses", queryset=Response.objects.all(), to_attr="own_responses"))
    )


def rows_for(user: Any, *, open_only: bool = False) -> list[Row]:
    """The user's organisations' obligations with where each stands, the soonest due first."""
    today = complaint_selectors.london_today()
    rows = [
        Row(obligation=o, response=next(iter(o.own_responses), None), today=today) for o in _obligations(user)
    ]
    if open_only:
        rows = [r for r in rows if not r.is_submitted]
    return sorted(
        rows,
        key=lambda r: (
            r.due is None,
            r.due or datetime.date.max,
            r.obligation.recommendation.reference,
            r.obligation.organisation.name,
        ),
    )


@verified_login_required
@require_GET
def obligation_list(request: HttpRequest) -> HttpResponse:
    organisations = rules.response_organisations_of(request.user)
    if not organisations:
        raise Http404("Not an addressee's responder or signatory.")
    return render(
        request,
        "portal/responses/list.html",
        {
            "organisations": organisations,
            "rows": rows_for(request.user),
            "show_organisation": len(organisations) > 1,
        },
    )


# --- One obligation and its response -------------------------------------------------------------


def _obligation(request: HttpRequest, pk: int) -> Obligation:
    obligation: Obligation = get_object_or_404(
        rules.obligations_visible_to(request.user)
        .select_related("recommendation__report__complaint", "organisation")
        .prefetch_related("deadlines"),
        pk=pk,
    )
    if not rules.may_draft_response(request.user, obligation):
        raise Http404("Not this organisation's recommendation.")
    return obligation


def _response_of(obligation: Obligation) -> Response | None:
    return (
        Response.objects.filter(obligation=obligation)
        .select_related("signed_off_by", "sign_off_requested_by", "updated_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=ResponseAction.objects.prefetch_related(
                    Prefetch(
                        "updates",
                        queryset=ActionUpdate.objects.select_related("posted_by").prefetch_related(
                            "documents"
                        ),
                    )
                ),
            ),
            "documents",
        )
        .first()
    )


def _saved_rows(response: Response) -> list[tuple[str, str]]:
    """What is saved now, to show beside what this person typed after a conflict."""
    rows = [
        (_("Position"), str(response.get_status_display()) if response.status else ""),
        (_("Explanation"), response.explanation),
        (_("Reasons"), response.reasons),
    ]
    for action in response.actions.all():
        rows.append(
            (
                _("Action %(n)d") % {"n": action.position},
                " – ".join(
                    part
                    for part in (
                        action.description,
                        action.owner_role,
                        action.target_date.strftime("%-d/%-m/%Y") if action.target_date else "",
                    )
                    if part
                ),
            )
        )
    return rows


def _other_responses(obligation: Obligation) -> list[Response]:
    """The organisation's responses to the report's other recommendations: where an action plan
    document may also belong."""
    return list(
        Response.objects.filter(
            obligation__organisation_id=obligation.organisation_id,
            obligation__recommendation__report_id=obligation.recommendation.report_id,
            obligation__in=Obligation.objects.published(),
        )
        .exclude(obligation=obligation)
        .select_related("obligation__recommendation")
        .order_by("obligation__recommendation__position", "pk")
    )


def _plan_choices(others: list[Response]) -> list[tuple[str, str]]:
    return [
        (str(r.pk), f"{r.obligation.recommendation.label} ({r.obligation.recommendation.reference})")
        for r in others
    ]


def _render(
    request: HttpRequest,
    obligation: Obligation,
    *,
    form: ResponseForm | None = None,
    sign_off_form: SignOffForm | None = None,
    return_form: ReturnForm | None = None,
    plan_form: ActionPlanForm | None = None,
    progress_forms: dict[int, ProgressForm] | None = None,
    saved_now: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    response = _response_of(obligation)
    actions = list(response.actions.all()) if response else []
    state = response.state if response else ResponseState.DRAFT
    editing = state == ResponseState.DRAFT or (
        state == ResponseState.AWAITING_SIGN_OFF and "edit" in request.GET
    )
    if form is not None:
        editing = True
    if editing and form is None:
        initial, rows = ResponseForm.initial_for(response, actions)
        form = ResponseForm(initial=initial, row_count=rows)
    is_signatory = response is not None and rules.may_sign_off_response(request.user, response)
    submitted = state in ResponseState.submitted_states()
    if submitted:
        progress_forms = progress_forms or {}
        for action in actions:
            progress_forms.setdefault(action.pk, ProgressForm(action=action))
    deadline = obligation.deadline
    today = complaint_selectors.london_today()
    error_form = next(
        (
            f
            for f in (form, sign_off_form, return_form, plan_form, *(progress_forms or {}).values())
            if f is not None and f.is_bound and f.errors
        ),
        None,
    )
    return render(
        request,
        "portal/responses/obligation.html",
        {
            "obligation": obligation,
            "recommendation": obligation.recommendation,
            "report": obligation.recommendation.report,
            "complaint": obligation.recommendation.report.complaint,
            "row": Row(obligation=obligation, response=response, today=today),
            "deadline": deadline,
            "deadline_explanation": explanation_in_active_language(deadline).splitlines() if deadline else [],
            "response": response,
            "actions": actions,
            "form": form if editing else None,
            "max_rows": MAX_ACTION_ROWS,
            "awaiting": state == ResponseState.AWAITING_SIGN_OFF,
            "submitted": submitted,
            "is_signatory": is_signatory,
            "sign_off_form": sign_off_form
            or SignOffForm(initial={"version": response.version if response else 1}),
            "return_form": return_form
            or ReturnForm(initial={"version": response.version if response else 1}),
            "plan_form": plan_form or ActionPlanForm(others=_plan_choices(_other_responses(obligation))),
            "progress": [(a, (progress_forms or {}).get(a.pk)) for a in actions],
            "saved_now": saved_now,
            "error_form": error_form,
        },
        status=status,
    )


@verified_login_required
@require_http_methods(["GET", "POST"])
def obligation(request: HttpRequest, pk: int) -> HttpResponse:
    """The recommendation, its deadline and the response form: save a draft, add an action row,
    or send for sign-off (which saves first)."""
    found = _obligation(request, pk)
    if request.method == "GET":
        return _render(request, found)
    intent = request.POST.get("intent", "")
    if intent == INTENT_ADD_ACTION:
        # Without JavaScript: the page comes back with what was typed and one more empty row.
        grown = request.POST.copy()
        shown = ResponseForm(request.POST).row_count
        grown["rows"] = str(min(shown + 1, MAX_ACTION_ROWS))
        return _render(request, found, form=ResponseForm(grown))
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _render(request, found, form=form)
    data = form.cleaned_data
    try:
        response = responding.save_response(
            found,
            user=request.user,
            status=data["status"] or "",
            explanation=data["explanation"],
            reasons=data["reasons"],
            actions=form.actions(),
            expected_version=data["version"],
        )
    except responding.ResponseConflict as conflict:
        current = _response_of(found)
        form.set_version(current.version if current else 1)
        form.add_error(None, str(conflict))
        return _render(request, found, form=form, saved_now=_saved_rows(current) if current else None)
    except responding.ResponseError as error:
        form.add_error(None, str(error))
        return _render(request, found, form=form)
    if intent != INTENT_SIGN_OFF:
        messages.success(request, _("Your draft has been saved."))
        return redirect("portal:response", pk=found.pk)
    try:
        responding.request_sign_off(response, user=request.user, expected_version=response.version)
    except responding.IncompleteResponse as incomplete:
        form.set_version(response.version)
        form.add_error(None, _("Your draft has been saved, but it cannot be sent for sign-off yet."))
        form.show_problems(incomplete.problems)
        return _render(request, found, form=form)
    except responding.ResponseError as error:
        form.set_version(response.version)
        form.add_error(None, str(error))
        return _render(request, found, form=form)
    messages.success(request, _("The response has been sent for sign-off."))
    return redirect("portal:response", pk=found.pk)


def _own_response(request: HttpRequest, found: Obligation) -> Response:
    response = _response_of(found)
    if response is None:
        raise Http404("No response yet.")
    return response


@verified_login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """A signatory signs off and submits the response they read (its version)."""
    found = _obligation(request, pk)
    response = _own_response(request, found)
    if not rules.may_sign_off_response(request.user, response):
        raise Http404("Only a signatory signs off.")
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            responding.submit_response(
                response, user=request.user, expected_version=form.cleaned_data["version"]
            )
        except responding.ResponseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The response has been submitted and published on the register."))
            return redirect("portal:response", pk=found.pk)
    return _render(request, found, sign_off_form=form)


@verified_login_required
@require_POST
def return_response(request: HttpRequest, pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    response = _own_response(request, found)
    if not rules.may_sign_off_response(request.user, response):
        raise Http404("Only a signatory returns a response.")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            responding.return_to_drafter(response, user=request.user, note=form.cleaned_data["note"])
        except responding.ResponseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The response has been returned to the drafter."))
            return redirect("portal:response", pk=found.pk)
    return _render(request, found, return_form=form)


@verified_login_required
@require_POST
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Store one action plan document and attach it to this response and any others chosen."""
    found = _obligation(request, pk)
    response = _own_response(request, found)
    others = _other_responses(found)
    form = ActionPlanForm(
        request.POST,
        request.FILES,
        others=_plan_choices(others),
    )
    if form.is_valid():
        chosen = set(form.cleaned_data.get("also") or [])
        targets = [response, *(r for r in others if str(r.pk) in chosen)]
        document: Document | None = None
        try:
            document = store_document(form.cleaned_data["file"], user=request.user)
            responding.attach_action_plan(targets, document=document, user=request.user)
        except checks.UploadRejected as rejected:
            form.add_error("file", str(rejected))
        except responding.ResponseError as error:
            # Nothing is kept for a refused attachment.
            if document is not None:
                delete_document(document)
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "The document has been attached to %(n)d response.",
                    "The document has been attached to %(n)d responses.",
                    len(targets),
                )
                % {"n": len(targets)},
            )
            return redirect(reverse("portal:response", args=[found.pk]) + "#action-plan")
    return _render(request, found, plan_form=form)


@verified_login_required
@require_POST
def progress(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    found = _obligation(request, pk)
    response = _own_response(request, found)
    action = get_object_or_404(ResponseAction, pk=action_pk, response=response)
    form = ProgressForm(request.POST, request.FILES, action=action)
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        documents: list[Document] = []
        try:
            documents = [store_document(upload, user=request.user)] if upload else []
            responding.post_progress_update(
                action,
                user=request.user,
                text=form.cleaned_data["text"],
                marks_complete=form.cleaned_data["marks_complete"],
                documents=documents,
            )
        except checks.UploadRejected as rejected:
            form.add_error("file", str(rejected))
        except responding.ResponseError as error:
            for stored in documents:
                delete_document(stored)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your progress update has been posted."))
            return redirect(reverse("portal:response", args=[found.pk]) + f"#action-{action.position}")
    return _render(request, found, progress_forms={action.pk: form})


@verified_login_required
@require_GET
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """An action plan document of this response, or evidence posted with progress on one of its
    actions; recorded. Another organisation's is a 404."""
    found = _obligation(request, pk)
    response = _own_response(request, found)
    linked = Document.objects.filter(pk=document_pk).filter(
        pk__in=list(response.documents.values_list("pk", flat=True))
        + list(
            Document.objects.filter(action_updates__action__response=response).values_list("pk", flat=True)
        )
    )
    return document_download(get_object_or_404(linked))
