from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from api.api import api
from portal.views.calendar import calendar_feed

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("casework/", include("casework.urls")),
    # An organisation's private deadline calendar: the token is the credential, so no sign-in,
    # no language prefix and no page cache (portal.views.calendar).
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]

# English at the path, Welsh at the same path under /cy/: the public pages, and the pages of
# designated bodies and addressees (the portal) with sign-in, since a Welsh body may work in Welsh.
# Everything above stays unprefixed (the authorities' staff pages are English only for now).
urlpatterns += i18n_patterns(
    path("account/", include("accounts.urls")),
    path("portal/", include("portal.urls")),
    path("open-data/", include("api.open_data")),
    path("", include("public.urls")),
    prefix_default_language=False,
)

# A lost database connection is a 503 with Retry-After, not a 500 (common/errors.py).
handler500 = "common.errors.server_error"
