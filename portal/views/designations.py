"""The Home Office's record of designated bodies: designations and revocations, which are made by
regulations (PRA 2002 s.29A(2)), and assessments against the criteria of SI 2018/412 regs 3-4.

Only a designations officer sees these pages (``access.rules.may_record_designation``); anyone else
gets a 404. Who may submit a complaint follows from the dates in force recorded here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.decorators import verified_login_required
from access.rules import may_record_designation
from deadlines.rules import to_london_date
from organisations import services
from organisations.models import (
    CriterionFinding,
    CriterionKind,
    Designation,
    Organisation,
)
from portal.forms.designations import NEW_BODY, AssessmentForm, DesignationForm, RevocationForm
from portal.views.common import posted


def designations_officer_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @verified_login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_record_designation(request.user):
            raise Http404("No page matches the given query.")
        return view(request, *args, **kwargs)

    return wrapper


def _body(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.designated_bodies(), slug=slug)


@designations_officer_only
def index(request: HttpRequest) -> HttpResponse:
    today = to_london_date(timezone.now())
    bodies = Organisation.objects.designated_bodies().prefetch_related(
        Prefetch("designations", queryset=Designation.objects.order_by("in_force_from"))
    )
    rows = [
        {
            "body": body,
            "designations": list(body.designations.all()),
            "designated": any(
                d.in_force_from <= today and (d.revoked_from is None or d.revoked_from > today)
                for d in body.designations.all()
            ),
        }
        for body in bodies.order_by("name")
    ]
    return render(request, "portal/designations/index.html", {"rows": rows, "today": today})


@designations_officer_only
def body(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _body(slug)
    today = to_london_date(timezone.now())
    assessments = organisation.designation_assessments.prefetch_related(
        Prefetch("findings", queryset=CriterionFinding.objects.select_related("criterion"))
    ).order_by("-assessed_on", "-pk")
    return render(
        request,
        "portal/designations/body.html",
        {
            "body": organisation,
            "designations": list(organisation.designations.order_by("in_force_from")),
            "assessments": list(assessments),
            "designated_today": organisation.is_designated_on(today),
            "today": today,
        },
    )


@designations_officer_only
def designate(request: HttpRequest) -> HttpResponse:
    """Record a designation of a body on the register, or of a body new to it."""
    initial = {}
    chosen = request.GET.get("body")
    if chosen:
        found = Organisation.objects.designated_bodies().filter(slug=chosen).first()
        if found:
            initial["body"] = str(found.pk)
    form = DesignationForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        designation = {
            "instrument": data["instrument"].strip(),
            "in_force_from": data["in_force_from"],
            "made_on": data["made_on"],
            "laid_on": data["laid_on"],
            "notes": data["notes"].strip(),
        }
        try:
            if data["body"] == NEW_BODY:
                organisation = services.designate_new_body(data["new_body_name"], **designation).body
            else:
                existing = form.existing_body()
                # A valid choice other than a new body is one of the form's bodies.
                assert existing is not None
                organisation = existing
                services.record_designation(organisation, **designation)
        except services.DesignationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The designation of %(body)s has been recorded.") % {"body": organisation.name},
            )
            return redirect("portal:designations_body", slug=organisation.slug)
    return render(request, "portal/designations/designate.html", {"form": form})


@designations_officer_only
def revoke(request: HttpRequest, slug: str, designation_pk: int) -> HttpResponse:
    organisation = _body(slug)
    designation = get_object_or_404(organisation.designations, pk=designation_pk)
    if designation.revoked_from is not None:
        return redirect("portal:designations_body", slug=organisation.slug)
    form = RevocationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_revocation(
                designation,
                instrument=form.cleaned_data["instrument"].strip(),
                revoked_from=form.cleaned_data["revoked_from"],
            )
        except services.DesignationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The revocation of %(body)s’s designation has been recorded.")
                % {"body": organisation.name},
            )
            return redirect("portal:designations_body", slug=organisation.slug)
    return render(
        request,
        "portal/designations/revoke.html",
        {"body": organisation, "designation": designation, "form": form},
    )


@designations_officer_only
def assess(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if kind not in CriterionKind.values:
        raise Http404("No such kind of assessment.")
    organisation = _body(slug)
    form = AssessmentForm(posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        designation = None
        if kind == CriterionKind.REVOCATION:
            designation = organisation.designations.in_force_on(form.cleaned_data["assessed_on"]).first()
        try:
            services.record_assessment(
                organisation,
                kind=kind,
                assessed_on=form.cleaned_data["assessed_on"],
                findings=form.findings(),
                conclusion=form.cleaned_data["conclusion"].strip(),
                designation=designation,
            )
        except services.DesignationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The assessment of %(body)s has been recorded.") % {"body": organisation.name}
            )
            return redirect("portal:designations_body", slug=organisation.slug)
    return render(
        request,
        "portal/designations/assess.html",
        {"body": organisation, "form": form, "kind": kind},
    )
