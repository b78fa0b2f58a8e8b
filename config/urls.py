from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("api/", api.urls),
    path("portal/", include("portal.urls")),
    path("casework/", include("casework.urls")),
]

# Public pages: English at the path, Welsh at the same path under /cy/. Everything above stays
# unprefixed (staff pages are English-only for now).
urlpatterns += i18n_patterns(
    path("open-data/", include("api.open_data")),
    path("", include("public.urls")),
    prefix_default_language=False,
)
