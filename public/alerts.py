"""The public pages of e-mail alerts: the sign-up form (for a published complaint or a force), the
"check your e-mail" page, the confirmation and the unsubscribe page. No account.

Confirming and unsubscribing take a button press (a POST), never the opening of the link alone:
mail scanners open links, and must not confirm an address or end its alerts. The unsubscribe POST
is also what a mail client's one-click "Unsubscribe" sends (RFC 8058), without a CSRF token, so
that view is exempt from CSRF; its token is the credential.

Like the calls for evidence, these pages are never stored by the public page cache and say
``no-store``: the forms carry a CSRF token. Sign-ups are rate-limited per client address.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts.services import (
    AlertError,
    confirm_subscription,
    subscribe,
    subscription_for_confirm_token,
    subscription_for_unsubscribe_token,
    target_of,
    unsubscribe,
)
from common import ratelimit
from common.forms import GovukForm
from complaints.models import SuperComplaint
from organisations.models import Organisation, OrganisationKind
from public import selectors

RATE_LIMIT_NAME = "alert-subscribe"


class AlertForm(GovukForm):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        help_text=gettext_lazy(
            "We will send you an email to confirm. We use your address only for these alerts."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": gettext_lazy("Enter your email address"),
            "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com"),
        },
    )


def _complaint_or_404(reference: str) -> SuperComplaint:
    complaint = selectors.published_complaints().filter(reference=reference).first()
    if complaint is None:
        raise Http404(
            _("No published super-complaint has the reference %(reference)s.") % {"reference": reference}
        )
    return complaint


def _force_or_404(slug: str) -> Organisation:
    organisation = selectors.organisation(slug)
    if organisation is None or organisation.kind != OrganisationKind.FORCE:
        raise Http404(_("There are no alerts for an organisation at this address."))
    return organisation


def _rate_limited(request: HttpRequest) -> int | None:
    limit = ratelimit.Limit(RATE_LIMIT_NAME, settings.ALERT_SUBSCRIBE_RATE_LIMIT_PER_HOUR, 60 * 60)
    return ratelimit.hit(limit, ratelimit.client_address(request))


def _sign_up(
    request: HttpRequest,
    *,
    complaint: SuperComplaint | None = None,
    organisation: Organisation | None = None,
    back: str,
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = AlertForm(request.POST)
        wait = _rate_limited(request)
        if wait:
            form.full_clean()
            form.add_error(
                None,
                _(
                    "We have had too many requests for alerts from your internet connection in the last hour. "
                    "Wait %(minutes)d minutes, then try again."
                )
                % {"minutes": max(1, -(-wait // 60))},
            )
            status = 429
        elif form.is_valid():
            try:
                subscribe(email=form.cleaned_data["email"], complaint=complaint, organisation=organisation)
            except AlertError as error:
                form.add_error(None, str(error))
            else:
                return redirect("public:alerts_sent")
    else:
        form = AlertForm()
    return TemplateResponse(
        request,
        "public/alerts/subscribe.html",
        {
            "form": form,
            "complaint": complaint,
            "organisation": organisation,
            "back": back,
            "nav_section": "register" if complaint else "organisations",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_alerts(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint_or_404(reference)
    return _sign_up(request, complaint=complaint, back=reverse("public:complaint", args=[reference]))


@never_cache
@require_http_methods(["GET", "POST"])
def organisation_alerts(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _force_or_404(slug)
    return _sign_up(request, organisation=organisation, back=reverse("public:organisation", args=[slug]))


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """The same page whether or not the address had subscribed before."""
    return TemplateResponse(request, "public/alerts/sent.html", {"nav_section": "register"})


def _target_context(subscription: object) -> dict[str, object]:
    target = target_of(subscription)  # type: ignore[arg-type]
    if isinstance(target, SuperComplaint):
        return {"complaint": target, "organisation": None}
    return {"complaint": None, "organisation": target}


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_for_confirm_token(token)
    if subscription is None:
        return TemplateResponse(request, "public/alerts/link_expired.html", {"kind": "confirm"}, status=404)
    if request.method == "POST":
        try:
            subscription = confirm_subscription(token)
        except AlertError:
            return TemplateResponse(
                request, "public/alerts/link_expired.html", {"kind": "confirm"}, status=404
            )
        return TemplateResponse(request, "public/alerts/confirmed.html", _target_context(subscription))
    return TemplateResponse(request, "public/alerts/confirm.html", _target_context(subscription))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_for_unsubscribe_token(token)
    if subscription is None:
        return TemplateResponse(
            request, "public/alerts/link_expired.html", {"kind": "unsubscribe"}, status=404
        )
    if request.method == "POST":
        subscription = unsubscribe(token)
        return TemplateResponse(request, "public/alerts/unsubscribed.html", _target_context(subscription))
    context = {**_target_context(subscription), "already": subscription.unsubscribed_at is not None}
    return TemplateResponse(request, "public/alerts/unsubscribe.html", context)
