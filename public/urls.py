"""Public pages. Included under i18n_patterns: English at the path, Welsh under /cy/."""

from django.urls import path
from django.views.generic import TemplateView

from public import views

app_name = "public"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="public/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="public/privacy.html"), name="privacy"),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
]
