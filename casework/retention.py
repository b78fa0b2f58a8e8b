"""The staff "Retention" pages: the schedule (change a rule's period), the legal holds (place on a
complaint or a record, lift), and what the next run of the job would do (a dry run).

For the super-complaints team only (a 404 to anyone else). Every change goes through
``retention.services``, which audits it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import rules
from casework.views import forbidden_unless, staff_only
from common.forms import GovukForm, VersionedForm
from complaints.models import SuperComplaint
from deadlines.rules import to_london_date
from operations.retention import plan
from retention.models import Action, LegalHold, Unit
from retention.schedule import BY_KEY, CATEGORIES
from retention.selectors import holds_for_staff, schedule
from retention.services import RetentionError, StaleRule, lift_hold, place_hold, update_rule


def _allowed(request: HttpRequest) -> None:
    forbidden_unless(rules.may_manage_retention(request.user))


class RuleForm(VersionedForm):
    period = forms.IntegerField(label=gettext_lazy("Period"), min_value=1)
    unit = forms.ChoiceField(label=gettext_lazy("Counted in"), choices=Unit.choices)
    action = forms.ChoiceField(label=gettext_lazy("At the end"), choices=Action.choices)


class HoldForm(GovukForm):
    reference = forms.CharField(
        label=gettext_lazy("Super-complaint reference"),
        help_text=gettext_lazy("To hold a whole complaint and everything under it, for example SC-2026-001."),
        required=False,
        max_length=20,
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Or one record of this kind"),
        choices=[(c.key, c.label) for c in CATEGORIES],
        required=False,
    )
    object_id = forms.IntegerField(label=gettext_lazy("Record number"), min_value=1, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea, max_length=2000)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        reference = (data.get("reference") or "").strip()
        if reference:
            complaint = SuperComplaint.objects.filter(reference=reference).first()
            if complaint is None:
                self.add_error("reference", _("There is no super-complaint with this reference."))
            data["complaint"] = complaint
        elif not data.get("category") or not data.get("object_id"):
            self.add_error(
                "reference",
                _("Enter a super-complaint reference, or choose a kind of record and its number."),
            )
        return data


@staff_only
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    today = to_london_date(timezone.now())
    return render(
        request,
        "casework/retention.html",
        {"planned": plan(today), "today": today, "holds": holds_for_staff(), "form": HoldForm()},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, category: str) -> HttpResponse:
    _allowed(request)
    if category not in BY_KEY:
        raise Http404(_("No such retention category."))
    current = next(r for r in schedule() if r.key == category)
    initial = {
        "period": current.period,
        "unit": current.unit,
        "action": current.action,
        "version": current.version,
    }
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_rule(
                category,
                period=form.cleaned_data["period"],
                unit=form.cleaned_data["unit"],
                action=form.cleaned_data["action"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleRule as error:
            form.refused_as_stale(error, next(r for r in schedule() if r.key == category).version)
        except RetentionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The retention rule has been changed. The next run applies it."))
            return redirect("casework:retention")
    return render(request, "casework/retention_rule.html", {"rule": current, "form": form})


@staff_only
@require_POST
def new_hold(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = HoldForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("complaint") is not None:
                place_hold(complaint=data["complaint"], reason=data["reason"], user=request.user)
            else:
                place_hold(
                    category=data["category"],
                    object_id=data["object_id"],
                    reason=data["reason"],
                    user=request.user,
                )
        except RetentionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("The legal hold is in place. The retention job will not touch what it holds.")
            )
            return redirect("casework:retention")
    today = to_london_date(timezone.now())
    return render(
        request,
        "casework/retention.html",
        {"planned": plan(today), "today": today, "holds": holds_for_staff(), "form": form},
        status=400,
    )


@staff_only
@require_POST
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    lift_hold(get_object_or_404(LegalHold, pk=pk), user=request.user)
    messages.success(request, _("The legal hold has been lifted."))
    return redirect("casework:retention")
