"""The report builder for the authorities' staff (SI 2018/748 reg 8, reg 11(2)): the report's
passages by section, the authorities' actions, the recommendations with their addressees, each
authority's opinion, the exclusions under reg 8(3), and previews of the full and the published
rendition. Views read through selectors and write through ``reports.services`` and
``recommendations.services``; who may do what is ``access.rules``'s to say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from casework.report_forms import (
    ActionForm,
    AddresseesForm,
    ConfirmForm,
    ExclusionForm,
    OpinionForm,
    PassageForm,
    RecommendationForm,
    ReportTitleForm,
)
from casework.views import _complaint, staff_only
from complaints.models import ComplaintState, SuperComplaint
from organisations.models import Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Recommendation
from recommendations.selectors import addressees_of, removable_members
from recommendations.services import (
    RecommendationError,
    add_recommendation,
    edit_recommendation,
    set_excluded_organisations,
)
from reports import services
from reports.models import DissentingOpinion, DmaAction, Exclusion, Report, ReportPassage, ReportSection
from reports.renditions import Rendition, build_document, render_report_pdf
from reports.selectors import builder_passages, unapproved_exclusions
from reports.services import ReportError, StaleReport


def _report_of(complaint: SuperComplaint) -> Report:
    report = Report.objects.filter(complaint=complaint).first()
    if report is None:
        raise Http404("This complaint has no report yet.")
    return report


def _editable(request: HttpRequest, complaint: SuperComplaint) -> None:
    if not rules.may_draft_report(request.user, complaint):
        raise PermissionDenied(
            _("The report can be changed only while the complaint is investigated and the report is a draft.")
        )


def _current_version(report: Report) -> int:
    return Report.objects.values_list("version", flat=True).get(pk=report.pk)


def _refuse(form: Any, error: Exception, report: Report) -> None:
    if isinstance(error, StaleReport) or (
        isinstance(error, RecommendationError) and isinstance(error.__cause__, StaleReport)
    ):
        form.refused_as_stale(error, _current_version(report))
    else:
        form.add_error(None, str(error))


def _builder(complaint: SuperComplaint, anchor: str = "") -> HttpResponse:
    url = reverse("casework:report", args=[complaint.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _authorities() -> list[Organisation]:
    return list(Organisation.objects.of_kind(OrganisationKind.AUTHORITY).order_by("name"))


# --- The builder ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def builder(request: HttpRequest, reference: str) -> HttpResponse:
    """The report as it stands, section by section, with a link to change each part. Without a
    report yet, the form to start one (its title). Its own form changes the title."""
    complaint = _complaint(request, reference)
    report = Report.objects.filter(complaint=complaint).first()
    may_draft = rules.may_draft_report(request.user, complaint)
    form = ReportTitleForm(
        initial={"version": report.version if report else 1, "title": report.title if report else ""}
    )
    if request.method == "POST":
        _editable(request, complaint)
        form = ReportTitleForm(request.POST)
        if form.is_valid():
            try:
                if report is None:
                    services.create_report(complaint, title=form.cleaned_data["title"])
                    messages.success(request, _("The report has been started. Add its passages below."))
                else:
                    services.rename_report(
                        report,
                        title=form.cleaned_data["title"],
                        expected_version=form.cleaned_data["version"],
                    )
                    messages.success(request, _("The report's title has been saved."))
            except ReportError as error:
                if report is None:
                    form.add_error(None, str(error))
                else:
                    _refuse(form, error, report)
            else:
                return _builder(complaint)
    context: dict[str, Any] = {
        "complaint": complaint,
        "report": report,
        "form": form,
        "may_draft": may_draft,
        "may_start": may_draft and report is None,
        "investigating": complaint.state == ComplaintState.INVESTIGATING,
    }
    if report is not None:
        context.update(_builder_context(request, report))
    return render(request, "casework/report/builder.html", context)


def _builder_context(request: HttpRequest, report: Report) -> dict[str, Any]:
    passages = list(builder_passages(report))
    sections = [(section, [p for p in passages if p.section == section]) for section in ReportSection]
    recommendations = [
        (r, addressees_of(r))
        for r in Recommendation.objects.filter(report=report)
        .prefetch_related("addressee_groups", "addressee_organisations", "excluded_organisations")
        .order_by("position", "pk")
    ]
    try:
        own = rules.authority_of(request.user)
    except rules.MultipleAuthoritiesError:
        own = None
    opinions = list(report.opinions.select_related("authority").order_by("pk"))
    return {
        "sections": sections,
        "actions": list(report.actions.select_related("authority").order_by("position", "pk")),
        "recommendations": recommendations,
        "opinions": opinions,
        "own_authority": own,
        "own_opinion": next((o for o in opinions if own and o.authority_id == own.pk), None),
        "withheld": list(report.exclusions.filter(target__isnull=True).order_by("pk")),
        "unapproved": list(unapproved_exclusions(report)),
        "confirm": ConfirmForm(initial={"version": report.version}),
    }


# --- Passages ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def passage(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """Add a passage (``pk`` None) or change or delete one."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(ReportPassage, pk=pk, report=report) if pk is not None else None
    section = request.GET.get("section", "")
    initial: dict[str, Any] = {"version": report.version}
    if item is not None:
        initial.update(section=item.section, position=item.position, heading=item.heading, text=item.text)
    elif section in ReportSection.values:
        initial["section"] = section
    form = PassageForm(initial=initial)
    if request.method == "POST":
        if item is not None and request.POST.get("action") == "delete":
            return _delete(request, complaint, report, item)
        form = PassageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if item is None:
                    item = services.add_passage(
                        report,
                        section=data["section"],
                        text=data["text"],
                        heading=data["heading"],
                        position=data["position"],
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The passage has been added."))
                else:
                    services.edit_passage(
                        item,
                        section=data["section"],
                        text=data["text"],
                        heading=data["heading"],
                        position=data["position"] or item.position,
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The passage has been saved."))
            except ReportError as error:
                _refuse(form, error, report)
            else:
                return _builder(complaint, f"passage-{item.pk}")
    return render(
        request,
        "casework/report/passage.html",
        {"complaint": complaint, "report": report, "form": form, "item": item},
    )


def _confirmed(request: HttpRequest, remove: Callable[[int], object], done: str) -> bool:
    """Carry out a removal its page confirmed: ``remove`` is called with the version the page
    showed, and its refusal or ``done`` becomes the message. False when the confirmation came
    without a valid version (nothing is done)."""
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return False
    try:
        remove(form.cleaned_data["version"])
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return True


def _delete(
    request: HttpRequest, complaint: SuperComplaint, report: Report, item: ReportPassage
) -> HttpResponse:
    deleted = _confirmed(
        request,
        lambda version: services.delete_passage(item, expected_version=version),
        _("The passage has been deleted."),
    )
    if not deleted:
        messages.error(request, str(ConfirmForm.out_of_date_message))
    return _builder(complaint, f"section-{item.section}")


# --- Exclusions (reg 8(3)) -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def exclude(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Propose to exclude a passage from the published report, with its ground and reason."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(ReportPassage, pk=pk, report=report)
    form = ExclusionForm(initial={"version": report.version})
    if request.method == "POST":
        form = ExclusionForm(request.POST)
        if form.is_valid():
            try:
                services.propose_exclusion(
                    item,
                    ground=form.cleaned_data["ground"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ReportError as error:
                _refuse(form, error, report)
            else:
                messages.success(
                    request,
                    _(
                        "The exclusion has been proposed: the passage is left out of the published report. "
                        "Another member of staff must approve it before the report is published."
                    ),
                )
                return _builder(complaint, f"passage-{item.pk}")
    return render(
        request,
        "casework/report/exclude.html",
        {"complaint": complaint, "report": report, "form": form, "item": item},
    )


@require_POST
@staff_only
def exclusion(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Approve (another member of staff than its proposer) or withdraw an exclusion."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(Exclusion, pk=pk, report=report)
    action = request.POST.get("action")
    if action not in ("approve", "withdraw"):
        return HttpResponseBadRequest()
    if action == "approve" and not rules.may_approve_exclusion(request.user, item):
        raise PermissionDenied(_("Another member of staff must approve this exclusion: you proposed it."))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.out_of_date_message))
        return _builder(complaint, "exclusions")
    try:
        if action == "approve":
            services.approve_exclusion(item, by=request.user, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The exclusion has been approved."))
        else:
            services.withdraw_exclusion(item, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The exclusion has been withdrawn: the passage will be published."))
    except ReportError as error:
        messages.error(request, str(error))
    anchor = f"passage-{item.target_id}" if item.target_id else "exclusions"
    return _builder(complaint, anchor)


# --- Actions (reg 8(1)(c)) -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def action(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """Add an action of the authorities (``pk`` None), or change or delete one."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(DmaAction, pk=pk, report=report) if pk is not None else None
    initial: dict[str, Any] = {"version": report.version}
    if item is not None:
        initial.update(authority=str(item.authority_id), text=item.text, position=item.position)
    authorities = _authorities()
    form = ActionForm(initial=initial, authorities=authorities)
    if request.method == "POST":
        form = ActionForm(request.POST, authorities=authorities)
        if item is not None and request.POST.get("action") == "delete":
            existing = item
            _confirmed(
                request,
                lambda version: services.delete_action(existing, expected_version=version),
                _("The action has been deleted."),
            )
            return _builder(complaint, "actions")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if item is None:
                    item = services.add_action(
                        report,
                        authority=form.chosen(),
                        text=data["text"],
                        position=data["position"],
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The action has been added."))
                else:
                    services.edit_action(
                        item,
                        authority=form.chosen(),
                        text=data["text"],
                        position=data["position"] or item.position,
                        expected_version=data["version"],
                    )
                    messages.success(request, _("The action has been saved."))
            except ReportError as error:
                _refuse(form, error, report)
            else:
                return _builder(complaint, "actions")
    return render(
        request,
        "casework/report/action.html",
        {"complaint": complaint, "report": report, "form": form, "item": item},
    )


# --- Recommendations (reg 8(1)(d)) ---------------------------------------------------------------


def _addressable() -> list[Organisation]:
    """Organisations a recommendation can name: every kind but the designated bodies."""
    return list(
        Organisation.objects.exclude(kind=OrganisationKind.DESIGNATED_BODY).order_by("kind", "name", "pk")
    )


@require_http_methods(["GET", "POST"])
@staff_only
def recommendation(request: HttpRequest, reference: str, pk: int | None = None) -> HttpResponse:
    """Add a recommendation (``pk`` None) or change one: its text, addressees and deadline."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(Recommendation, pk=pk, report=report) if pk is not None else None
    groups = list(AddresseeGroup.objects.order_by("name"))
    organisations = _addressable()
    initial: dict[str, Any] = {"version": report.version}
    if item is not None:
        initial.update(
            label=item.label,
            text=item.text,
            groups=[str(g.pk) for g in item.addressee_groups.all()],
            organisations=[str(o.pk) for o in item.addressee_organisations.all()],
            due=item.default_due,
        )
    form = RecommendationForm(initial=initial, groups=groups, organisations=organisations)
    if request.method == "POST":
        form = RecommendationForm(request.POST, groups=groups, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                fields = {
                    "label": data["label"],
                    "text": data["text"],
                    "groups": form.chosen_groups(),
                    "organisations": form.chosen_organisations(),
                    "default_due": form.due_date(),
                    "expected_version": data["version"],
                }
                if item is None:
                    item = add_recommendation(report, **fields)
                    messages.success(
                        request,
                        _("Recommendation %(reference)s has been added.") % {"reference": item.reference},
                    )
                else:
                    edit_recommendation(item, **fields)
                    messages.success(
                        request,
                        _("Recommendation %(reference)s has been saved.") % {"reference": item.reference},
                    )
            except RecommendationError as error:
                _refuse(form, error, report)
            else:
                return _builder(complaint, f"recommendation-{item.pk}")
    return render(
        request,
        "casework/report/recommendation.html",
        {"complaint": complaint, "report": report, "form": form, "item": item},
    )


@require_http_methods(["GET", "POST"])
@staff_only
def addressees(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The recommendation's list of addressees, expanded from its groups: untick to take one off."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    _editable(request, complaint)
    item = get_object_or_404(Recommendation, pk=pk, report=report)
    members = removable_members(item)
    excluded = set(item.excluded_organisations.values_list("pk", flat=True))
    form = AddresseesForm(
        initial={"version": report.version, "kept": [str(o.pk) for o in members if o.pk not in excluded]},
        members=members,
    )
    if request.method == "POST":
        form = AddresseesForm(request.POST, members=members)
        if form.is_valid():
            try:
                set_excluded_organisations(
                    item, excluded=form.taken_off(), expected_version=form.cleaned_data["version"]
                )
            except RecommendationError as error:
                _refuse(form, error, report)
            else:
                messages.success(
                    request,
                    _("The list of addressees of %(reference)s has been saved.")
                    % {"reference": item.reference},
                )
                return _builder(complaint, f"recommendation-{item.pk}")
    return render(
        request,
        "casework/report/addressees.html",
        {
            "complaint": complaint,
            "report": report,
            "form": form,
            "item": item,
            "addressees": addressees_of(item),
            "named": list(item.addressee_organisations.order_by("name")),
        },
    )


# --- Opinions (reg 11(2)) ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_only
def opinion(request: HttpRequest, reference: str) -> HttpResponse:
    """The signed-in person's authority's own opinion on the report, where it disagrees."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    try:
        own = rules.authority_of(request.user)
    except rules.MultipleAuthoritiesError:
        own = None
    if own is None or not rules.may_give_opinion(request.user, complaint, own):
        raise PermissionDenied(
            _("Only an authority's own staff give its opinion, while the report is a draft.")
        )
    item = DissentingOpinion.objects.filter(report=report, authority=own).first()
    form = OpinionForm(initial={"version": report.version, "text": item.text if item else ""})
    if request.method == "POST":
        if item is not None and request.POST.get("action") == "withdraw":
            _confirmed(
                request,
                lambda version: services.withdraw_opinion(item, expected_version=version),
                _("Your authority's opinion has been withdrawn."),
            )
            return _builder(complaint, "opinions")
        form = OpinionForm(request.POST)
        if form.is_valid():
            try:
                services.save_opinion(
                    report,
                    authority=own,
                    text=form.cleaned_data["text"],
                    expected_version=form.cleaned_data["version"],
                )
            except ReportError as error:
                _refuse(form, error, report)
            else:
                messages.success(request, _("Your authority's opinion has been saved."))
                return _builder(complaint, "opinions")
    return render(
        request,
        "casework/report/opinion.html",
        {"complaint": complaint, "report": report, "form": form, "item": item, "authority": own},
    )


# --- Previews of the two renditions --------------------------------------------------------------


def _rendition(name: str) -> Rendition:
    try:
        return Rendition(name)
    except ValueError:
        raise Http404("No such rendition.") from None


@require_GET
@staff_only
def preview(request: HttpRequest, reference: str, rendition: str) -> HttpResponse:
    """The full or the published rendition, as a page of the casework service."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    which = _rendition(rendition)
    return render(
        request,
        "casework/report/preview.html",
        {
            "complaint": complaint,
            "report": report,
            "document": build_document(report, which),
            "rendition": which,
        },
    )


@require_GET
@staff_only
def preview_pdf(request: HttpRequest, reference: str, rendition: str) -> HttpResponse:
    """The full or the published rendition as its tagged PDF."""
    complaint = _complaint(request, reference)
    report = _report_of(complaint)
    which = _rendition(rendition)
    response = HttpResponse(render_report_pdf(report, which), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}-report-{which.value}.pdf"'
    # A draft, and in the full rendition excluded passages: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
