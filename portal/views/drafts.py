"""Making a super-complaint: the GOV.UK task list of a draft, one page per section, then check
your answers, the declaration and submission (PRA 2002 s.29A; SI 2018/748 regs 4-5).

Every save goes through ``complaints.drafts``. A form carries the version it was opened at; when
someone else saved first the save is refused and the page shows what they saved beside what this
person typed, which stays in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.decorators import verified_login_required
from access.rules import is_body_member
from complaints import drafts
from complaints.models import EvidenceItem, Feature, ForcesScope, Harm, SuperComplaint
from complaints.services import ComplaintError, IncompleteComplaint, NotDesignated, StaleEdit
from deadlines.rules import to_london_date
from evidence import checks
from evidence.services import delete_document, store_document
from portal.forms.drafts import (
    RETURN_TO_CHECK,
    AboutForm,
    ConfirmForm,
    ContactForm,
    DeclarationForm,
    EvidenceForm,
    FeatureForm,
    ForcesForm,
    StartForm,
)
from portal.forms.fields import VersionedForm
from portal.sections import COMPLETED, sections
from portal.views.common import bodies_of, draft_view, posted


def _body_name(complaint: SuperComplaint) -> str:
    return ", ".join(b.name for b in complaint.complainants.all())


def _with_parts(complaint: SuperComplaint) -> SuperComplaint:
    """The draft with everything the task list and check-your-answers pages show, in few queries."""
    # .all() first: on a manager made by as_manager(), django-stubs 5.2 loses the type variables of
    # prefetch_related and refuses every Prefetch (typeddjango/django-stubs#3263). On the queryset
    # the call is typed, and the lookups are checked.
    return (
        SuperComplaint.objects.all().prefetch_related(
            "complainants",
            Prefetch("features", queryset=Feature.objects.order_by("position", "pk")),
            Prefetch("features__harms", queryset=Harm.objects.order_by("pk")),
            Prefetch("evidence_items", queryset=EvidenceItem.objects.select_related("document")),
            "forces",
        )
    ).get(pk=complaint.pk)


def _next_url(request: HttpRequest, complaint: SuperComplaint, default: str) -> str:
    # "Change" links on check-your-answers come back there; nothing else is accepted as a target.
    if request.POST.get("return_to", request.GET.get("return_to")) == RETURN_TO_CHECK:
        return reverse("portal:draft_check", kwargs={"pk": complaint.pk})
    return reverse(default, kwargs={"pk": complaint.pk})


def _return_to(request: HttpRequest) -> str:
    value = request.POST.get("return_to", request.GET.get("return_to"))
    return RETURN_TO_CHECK if value == RETURN_TO_CHECK else ""


SavedRows = list[tuple[str, str]]


@dataclass
class SectionSave:
    """How a section's save went: ``saved`` with the service's ``result``; or ``stale`` with
    ``saved_now``, what the other person saved, to show beside the form."""

    saved: bool = False
    result: Any = None
    stale: bool = False
    saved_now: SavedRows | None = None


def _save_section(
    request: HttpRequest,
    complaint: SuperComplaint,
    form: VersionedForm,
    save: Callable[[dict[str, Any]], Any],
    *,
    saved_rows: Callable[[SuperComplaint], SavedRows] | None = None,
    stale_message: str = "",
) -> SectionSave:
    """The save of every section: a valid POST calls ``save(cleaned_data)``, which hands
    ``cleaned_data["version"]`` to a ``complaints.drafts`` service as ``expected_version``; the
    service checks it under its row lock.

    When someone else saved first (``StaleEdit``) the form keeps what this person typed, carries
    the latest version and has the refusal on top, so saving again from there is a deliberate
    choice to replace what the other person saved. Any other refusal propagates to the view.
    """
    if request.method != "POST" or not form.is_valid():
        return SectionSave()
    try:
        result = save(form.cleaned_data)
    except StaleEdit as error:
        current = SuperComplaint.objects.get(pk=complaint.pk)
        form.refused_as_stale(stale_message or error, current.version)
        return SectionSave(stale=True, saved_now=saved_rows(current) if saved_rows else None)
    return SectionSave(saved=True, result=result)


def _render_section(
    request: HttpRequest, template: str, complaint: SuperComplaint, **context: Any
) -> HttpResponse:
    context.setdefault("return_to", _return_to(request))
    return render(request, template, {"complaint": complaint, "body_name": _body_name(complaint), **context})


# --- Start and the task list ---------------------------------------------------------------------


@verified_login_required
def start(request: HttpRequest) -> HttpResponse:
    """The start page of a new super-complaint; its button creates the draft."""
    bodies = bodies_of(request.user)
    if not bodies:
        raise Http404("Only members of a designated body can make a super-complaint.")
    # GOV.UK asks never to pre-select a radio; one body needs no question at all.
    initial = {"body": str(bodies[0].pk)} if len(bodies) == 1 else {}
    form = StartForm(posted(request), bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        body = form.chosen_body()
        if not is_body_member(request.user, body):
            raise Http404("No body matches the given query.")
        complaint = drafts.create_draft(body, request.user, language=form.cleaned_data["language"])
        return redirect("portal:draft", pk=complaint.pk)
    return render(request, "portal/draft/start.html", {"form": form, "bodies": bodies})


@draft_view
def task_list(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    complaint = _with_parts(complaint)
    parts = sections(complaint)
    done = sum(1 for s in parts[:-1] if s.status == COMPLETED)
    today = to_london_date(timezone.now())
    not_designated = [b for b in complaint.complainants.all() if not b.is_designated_on(today)]
    return render(
        request,
        "portal/draft/task_list.html",
        {
            "complaint": complaint,
            "body_name": _body_name(complaint),
            "sections": parts[:-1],
            "submit_section": parts[-1],
            "completed": done,
            "total": len(parts) - 1,
            "not_designated": not_designated,
        },
    )


# --- About the complaint -------------------------------------------------------------------------


@draft_view
def about(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    form = AboutForm(
        posted(request),
        initial={
            "title": complaint.title,
            "subject": complaint.subject,
            "harm_explanation": complaint.harm_explanation,
            "version": complaint.version,
        },
    )
    outcome = _save_section(
        request,
        complaint,
        form,
        lambda data: drafts.update_about(
            complaint,
            title=data["title"],
            subject=data["subject"],
            harm_explanation=data["harm_explanation"],
            expected_version=data["version"],
        ),
        saved_rows=lambda current: [
            (_("Title"), current.title),
            (_("Summary"), current.subject),
            (_("Why the harm is significant"), current.harm_explanation),
        ],
    )
    if outcome.saved:
        return redirect(_next_url(request, complaint, "portal:draft"))
    return _render_section(
        request, "portal/draft/about.html", complaint, form=form, saved_now=outcome.saved_now
    )


# --- Features of policing ------------------------------------------------------------------------


def _features_page(request: HttpRequest, complaint: SuperComplaint, error: str = "") -> HttpResponse:
    complaint = _with_parts(complaint)
    return _render_section(
        request,
        "portal/draft/features.html",
        complaint,
        features=list(complaint.features.all()),
        page_error=error,
    )


@draft_view
def features(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    return _features_page(request, complaint)


@draft_view
def feature_form(
    request: HttpRequest, complaint: SuperComplaint, feature_pk: int | None = None
) -> HttpResponse:
    feature = get_object_or_404(complaint.features, pk=feature_pk) if feature_pk is not None else None
    saved_now = None
    if request.method == "POST" and ("add_harm" in request.POST or "remove_harm" in request.POST):
        # Adding or removing a harm block changes the page, not the draft: nothing is saved yet.
        drop = request.POST.get("remove_harm")
        initial = FeatureForm.initial_from_data(
            request.POST, add="add_harm" in request.POST, drop=int(drop) if drop and drop.isdigit() else None
        )
        form = FeatureForm(initial=initial, harm_count=initial["harm_count"])
    elif request.method == "POST":
        form = FeatureForm(request.POST)

        def save(data: dict[str, Any]) -> object:
            if feature is None:
                return drafts.add_feature(complaint, text=data["text"], harms=data["harms"])
            return drafts.update_feature(
                feature, text=data["text"], harms=data["harms"], expected_version=data["version"]
            )

        def saved_rows(current: SuperComplaint) -> SavedRows:
            saved = current.features.filter(pk=feature.pk).first() if feature else None
            rows = [(_("Feature"), saved.text if saved else _("This feature has been removed."))]
            if saved:
                rows += [
                    (_("Harm %(n)s") % {"n": n}, h.description)
                    for n, h in enumerate(saved.harms.all(), start=1)
                ]
            return rows

        outcome = _save_section(request, complaint, form, save, saved_rows=saved_rows)
        saved_now = outcome.saved_now
        if outcome.saved:
            return redirect(_next_url(request, complaint, "portal:draft_features"))
    elif feature is not None:
        initial = {**FeatureForm.initial_for(feature), "version": complaint.version}
        form = FeatureForm(initial=initial, harm_count=initial["harm_count"])
    else:
        form = FeatureForm(initial={"version": complaint.version, "harm_count": 1})
    number = feature.position if feature else complaint.features.count() + 1
    return _render_section(
        request,
        "portal/draft/feature_form.html",
        complaint,
        form=form,
        feature=feature,
        number=number,
        saved_now=saved_now,
    )


@draft_view
@require_POST
def feature_move(request: HttpRequest, complaint: SuperComplaint, feature_pk: int) -> HttpResponse:
    feature = get_object_or_404(complaint.features, pk=feature_pk)
    form = ConfirmForm(request.POST)
    direction = request.POST.get("direction")
    if direction not in ("up", "down") or not form.is_valid():
        return _features_page(request, complaint, _("Choose whether to move the feature up or down."))
    try:
        drafts.move_feature(feature, direction=direction, expected_version=form.cleaned_data["version"])
    except StaleEdit:
        return _features_page(
            request,
            complaint,
            _(
                "Someone else changed the features after you opened this page, so the feature was not "
                "moved. Check the list below, then move it again."
            ),
        )
    return redirect(reverse("portal:draft_features", kwargs={"pk": complaint.pk}) + f"#feature-{feature.pk}")


@draft_view
def feature_remove(request: HttpRequest, complaint: SuperComplaint, feature_pk: int) -> HttpResponse:
    feature = get_object_or_404(complaint.features, pk=feature_pk)
    form = ConfirmForm(posted(request), initial={"version": complaint.version})
    position = feature.position
    outcome = _save_section(
        request,
        complaint,
        form,
        lambda data: drafts.remove_feature(feature, expected_version=data["version"]),
    )
    if outcome.saved:
        messages.success(request, _("Feature %(n)s has been removed.") % {"n": position})
        return redirect("portal:draft_features", pk=complaint.pk)
    if outcome.stale:
        feature.refresh_from_db()
    return _render_section(request, "portal/draft/feature_remove.html", complaint, form=form, feature=feature)


# --- Forces concerned ----------------------------------------------------------------------------


@draft_view
def forces(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    form = ForcesForm(
        posted(request),
        initial=None
        if request.method == "POST"
        else {
            "scope": complaint.forces_scope,
            "forces": list(complaint.forces.values_list("pk", flat=True)),
            "version": complaint.version,
        },
    )
    outcome = _save_section(
        request,
        complaint,
        form,
        lambda data: drafts.set_forces(
            complaint, scope=data["scope"], forces=data["forces"], expected_version=data["version"]
        ),
        saved_rows=lambda current: [(_("Forces concerned"), _describe_forces(current))],
    )
    if outcome.saved:
        return redirect(_next_url(request, complaint, "portal:draft"))
    return _render_section(
        request, "portal/draft/forces.html", complaint, form=form, saved_now=outcome.saved_now
    )


def _describe_forces(complaint: SuperComplaint) -> str:
    if complaint.forces_scope == ForcesScope.ALL:
        return str(ForcesScope.ALL.label)
    names = list(complaint.forces.order_by("name").values_list("name", flat=True))
    return ", ".join(names) if names else _("Not yet chosen")


# --- Evidence ------------------------------------------------------------------------------------


@draft_view
def evidence(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            description = form.cleaned_data["description"]
            try:
                document = store_document(
                    upload,
                    user=request.user,
                    description=description,
                    submission_total=drafts.evidence_total(complaint),
                )
            except checks.UploadRejected as rejected:
                form.add_error("file", str(rejected))
            else:
                try:
                    drafts.add_evidence(complaint, document=document, description=description)
                except ComplaintError as error:
                    delete_document(document)
                    form.add_error(None, str(error))
                else:
                    messages.success(
                        request, _("“%(name)s” has been uploaded.") % {"name": document.original_name}
                    )
                    return redirect(
                        reverse("portal:draft_evidence", kwargs={"pk": complaint.pk})
                        + (f"?return_to={RETURN_TO_CHECK}" if _return_to(request) else "")
                    )
    else:
        form = EvidenceForm()
    items = list(complaint.evidence_items.select_related("document"))
    return _render_section(
        request,
        "portal/draft/evidence.html",
        complaint,
        form=form,
        items=items,
        accept=checks.accepted_extensions(),
        version=complaint.version,
    )


@draft_view
def evidence_remove(request: HttpRequest, complaint: SuperComplaint, item_pk: int) -> HttpResponse:
    item = get_object_or_404(complaint.evidence_items.select_related("document"), pk=item_pk)
    form = ConfirmForm(posted(request), initial={"version": complaint.version})
    if request.method == "POST" and form.is_valid():
        name = item.document.original_name if item.document else item.description
        outcome = _save_section(
            request,
            complaint,
            form,
            lambda data: drafts.remove_evidence(item, expected_version=data["version"]),
        )
        if outcome.saved:
            messages.success(request, _("“%(name)s” has been removed.") % {"name": name})
            return redirect("portal:draft_evidence", pk=complaint.pk)
    return _render_section(request, "portal/draft/evidence_remove.html", complaint, form=form, item=item)


# --- Contact -------------------------------------------------------------------------------------


@draft_view
def contact(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    if request.method == "POST":
        form = ContactForm(request.POST)
    else:
        user = request.user
        assert user.is_authenticated  # draft_view lets in only people signed in with both factors
        started = any([complaint.contact_name, complaint.contact_role, complaint.contact_email])
        # A first visit offers the person filling in the form as the contact; nothing is saved yet.
        form = ContactForm(
            initial={
                "name": complaint.contact_name if started else getattr(user, "full_name", ""),
                "role": complaint.contact_role,
                "email": complaint.contact_email if started else user.email,
                "phone": complaint.contact_phone,
                "version": complaint.version,
            }
        )
    outcome = _save_section(
        request,
        complaint,
        form,
        lambda data: drafts.update_contact(
            complaint,
            name=data["name"],
            role=data["role"],
            email=data["email"],
            phone=data["phone"],
            expected_version=data["version"],
        ),
        saved_rows=lambda current: [
            (_("Full name"), current.contact_name),
            (_("Role"), current.contact_role),
            (_("Email address"), current.contact_email),
            (_("Telephone number"), current.contact_phone),
        ],
    )
    if outcome.saved:
        return redirect(_next_url(request, complaint, "portal:draft"))
    return _render_section(
        request, "portal/draft/contact.html", complaint, form=form, saved_now=outcome.saved_now
    )


# --- Check your answers, declaration, submission -------------------------------------------------


@draft_view
def check(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    complaint = _with_parts(complaint)
    parts = sections(complaint)
    incomplete = [s for s in parts[:-1] if s.status != COMPLETED]
    return render(
        request,
        "portal/draft/check.html",
        {"complaint": complaint, "body_name": _body_name(complaint), "incomplete": incomplete},
    )


@draft_view(when_submitted="portal:confirmation")
def declaration(request: HttpRequest, complaint: SuperComplaint) -> HttpResponse:
    body_name = _body_name(complaint)
    problems: list[str] = []
    form = DeclarationForm(posted(request), body_name=body_name, initial={"version": complaint.version})
    outcome = SectionSave()
    try:
        outcome = _save_section(
            request,
            complaint,
            form,
            lambda data: drafts.submit_draft(complaint, expected_version=data["version"]),
            stale_message=_(
                "Someone else changed this super-complaint after you checked your answers, so it "
                "has not been submitted. Check your answers again, then submit."
            ),
        )
    except IncompleteComplaint as error:
        problems = error.problems
        form.add_error(None, _("The super-complaint is not complete yet, so it has not been submitted."))
    except NotDesignated as error:
        form.add_error(None, str(error))
    if outcome.saved:
        return redirect("portal:confirmation", reference=outcome.result.reference)
    return render(
        request,
        "portal/draft/declaration.html",
        {"complaint": complaint, "body_name": body_name, "form": form, "problems": problems},
    )
