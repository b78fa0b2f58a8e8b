"""Public pages. Included under i18n_patterns: English at the path, Welsh under /cy/.

The addresses are stable: a complaint's reference and an organisation's slug never change.
"""

from django.urls import path
from django.views.generic import TemplateView

import common.converters  # noqa: F401  (registers <reference:>)
from pagecache.cache import cached_complaint_page as cached_complaint
from pagecache.cache import cached_public_page as cached
from pagecache.cache import cached_report_page as cached_report
from public import alerts, calls, views
from public.feeds import ComplaintFeed, RegisterFeed

app_name = "public"

urlpatterns = [
    path("", cached(views.HomeView.as_view()), name="home"),
    path("super-complaints/", cached(views.register), name="register"),
    path("super-complaints/<reference:reference>/", cached_complaint(views.complaint), name="complaint"),
    path("super-complaints/<reference:reference>/report/", cached_report(views.report), name="report"),
    path(
        "super-complaints/<reference:reference>/report.pdf",
        cached_report(views.report_pdf),
        name="report_pdf",
    ),
    path(
        "super-complaints/<reference:reference>/recommendations/",
        cached_complaint(views.recommendations),
        name="recommendations",
    ),
    path(
        "super-complaints/<reference:reference>/recommendations/<str:recommendation>/responses/<slug:organisation>/",
        cached_complaint(views.response),
        name="response",
    ),
    # Not cached: the file is read from the document store, and a withdrawal must end it at once.
    path(
        "super-complaints/<reference:reference>/extracts/<int:pk>.pdf",
        views.extract,
        name="extract",
    ),
    # Not cached: the form carries a CSRF token, and the pages say no-store (public.calls).
    path("super-complaints/<reference:reference>/calls-for-evidence/<int:pk>/", calls.call, name="call"),
    path(
        "super-complaints/<reference:reference>/calls-for-evidence/<int:pk>/receipt/<str:token>/",
        calls.receipt,
        name="call_receipt",
    ),
    path(
        "super-complaints/<reference:reference>/feed.atom",
        cached_complaint(ComplaintFeed()),
        name="complaint_feed",
    ),
    path("feeds/super-complaints.atom", cached(RegisterFeed()), name="feed"),
    # E-mail alerts. Not cached: the forms carry a CSRF token, and the pages say no-store.
    path("super-complaints/<reference:reference>/alerts/", alerts.complaint_alerts, name="complaint_alerts"),
    path("organisations/<slug:slug>/alerts/", alerts.organisation_alerts, name="organisation_alerts"),
    path("alerts/check-your-email/", alerts.sent, name="alerts_sent"),
    path("alerts/confirm/<str:token>/", alerts.confirm, name="alerts_confirm"),
    path("alerts/unsubscribe/<str:token>/", alerts.unsubscribe_view, name="alerts_unsubscribe"),
    path("organisations/<slug:slug>/", cached(views.organisation), name="organisation"),
    path("designated-bodies/", cached(views.designated_bodies), name="designated_bodies"),
    path("search/", cached(views.search), name="search"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="public/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="public/privacy.html"), name="privacy"),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
]
