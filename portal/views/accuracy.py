"""Portal pages for an organisation a report's draft recommendations are addressed to: its part of
a factual-accuracy check. It sees only the draft recommendations addressed to it, never the rest of
the report or another organisation's recommendations or comments; another organisation's check is
a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from access import rules
from access.decorators import verified_login_required
from accuracy.models import COMMENT_LIMIT, CheckAddressee
from accuracy.selectors import comments_of, recommendations_for
from accuracy.services import AccuracyCheckError, add_comment
from common.forms import GovukForm
from complaints.selectors import london_today
from recommendations.models import Recommendation


class CommentForm(GovukForm):
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Enter your comment")},
    )

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        kwargs["prefix"] = f"r{recommendation.pk}"
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Your comment on %(label)s") % {"label": recommendation.label}
        self.fields["text"].help_text = _(
            "Point out any error of fact in this draft recommendation, and say what is right."
        )


def _addressee(request: HttpRequest, pk: int) -> CheckAddressee:
    addressee = get_object_or_404(
        CheckAddressee.objects.select_related(
            "organisation", "accuracy_check__report__complaint"
        ).prefetch_related("accuracy_check__deadlines"),
        pk=pk,
    )
    if not rules.may_take_part_in_accuracy_check(request.user, addressee):
        raise Http404("Not this organisation's check.")
    return addressee


def _render(
    request: HttpRequest,
    addressee: CheckAddressee,
    *,
    bound: CommentForm | None = None,
    bound_for: int | None = None,
) -> HttpResponse:
    check = addressee.accuracy_check
    is_open = check.is_open_on(london_today())
    comments = list(comments_of(addressee))
    items = []
    for recommendation in recommendations_for(addressee):
        form = bound if bound is not None and bound_for == recommendation.pk else None
        items.append(
            {
                "recommendation": recommendation,
                "comments": [c for c in comments if c.recommendation_id == recommendation.pk],
                "form": form or CommentForm(recommendation=recommendation),
            }
        )
    return render(
        request,
        "portal/accuracy/check.html",
        {
            "addressee": addressee,
            "check": check,
            "report": check.report,
            "is_open": is_open,
            "items": items,
            "error_form": bound if bound is not None and bound.errors else None,
        },
    )


@verified_login_required
@require_GET
def check(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _addressee(request, pk))


@verified_login_required
@require_POST
def comment(request: HttpRequest, pk: int, recommendation_pk: int) -> HttpResponse:
    addressee = _addressee(request, pk)
    recommendation = next((r for r in recommendations_for(addressee) if r.pk == recommendation_pk), None)
    if recommendation is None:
        raise Http404("Not a recommendation addressed to this organisation.")
    form = CommentForm(request.POST, recommendation=recommendation)
    if form.is_valid():
        try:
            add_comment(
                addressee, recommendation=recommendation, text=form.cleaned_data["text"], user=request.user
            )
        except AccuracyCheckError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, _("Your comment was sent to the super-complaints team."))
            return redirect(
                reverse("portal:accuracy_check", args=[addressee.pk]) + f"#recommendation-{recommendation.pk}"
            )
    return _render(request, addressee, bound=form, bound_for=recommendation.pk)
