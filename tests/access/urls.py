"""A test-only URLconf: the service's own, plus pages behind ``verified_login_required``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Context, RequestContext, Template
from django.urls import path
from django.views import View

from access.decorators import VerifiedLoginRequiredMixin, verified_login_required
from config.urls import urlpatterns as service_urlpatterns


@verified_login_required
def protected(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"hello {request.user.email}")


class ProtectedView(VerifiedLoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("class-based hello")


def timeout_warning(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/timeout_warning.html")


SIGNED_IN_PAGE = Template(
    '{% extends "base.html" %}{% block page_title %}Casework{% endblock %}'
    '{% block before_content %}{% include "accounts/timeout_warning.html" %}{% endblock %}'
    '{% block content %}<h1 class="govuk-heading-l">Casework</h1>{% endblock %}'
)


@verified_login_required
def signed_in_page(request: HttpRequest) -> HttpResponse:
    """A full page with the timeout warning, as base.html will show it to signed-in people."""
    context: Context = RequestContext(request)
    return HttpResponse(SIGNED_IN_PAGE.render(context))


urlpatterns = [
    path("protected/", protected),
    path("protected-class/", ProtectedView.as_view()),
    path("timeout-warning/", timeout_warning),
    path("signed-in-page/", signed_in_page),
    *service_urlpatterns,
]
