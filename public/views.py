"""The public pages of the service shell: home, accessibility statement, privacy notice and cookies.
The register pages build on the same base template."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView


def latest_activity() -> list:
    """What has happened lately on the public record, newest first, for the home page.

    Each item has ``title``, ``url``, ``date`` (a ``datetime.date``) and, optionally, ``date_label``
    (shown instead of ``date`` where only the month is known: never invent a day) and ``summary``.
    Empty until the register supplies it from its published-only selectors; the home page then
    shows no "Latest activity" section at all.
    """
    return []


class HomeView(TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_activity"] = latest_activity()
        return context


def _duration(seconds: int) -> str:
    """A cookie lifetime in the largest whole unit people read easily."""
    week, day, hour, minute = 7 * 86400, 86400, 3600, 60
    if seconds % week == 0:
        count = seconds // week
        return ngettext("%(count)d week", "%(count)d weeks", count) % {"count": count}
    if seconds % day == 0:
        count = seconds // day
        return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}
    if seconds % hour == 0:
        count = seconds // hour
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    count = max(1, seconds // minute)
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


class CookiesView(TemplateView):
    """Lists the cookies the service can set, read from the settings that set them, so the page
    cannot drift from what the service does."""

    template_name = "public/cookies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session_expiry = _("%(idle)s after your last action") % {
            "idle": _duration(settings.SESSION_COOKIE_AGE)
        }
        absolute = getattr(settings, "SESSION_ABSOLUTE_MAX_AGE", None)
        if absolute:
            session_expiry = _("%(expiry)s, and after %(absolute)s in any case") % {
                "expiry": session_expiry,
                "absolute": _duration(absolute),
            }
        context["cookies"] = [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "purpose": _("Remembers that you are signed in, and your progress through a form"),
                "expiry": session_expiry,
            },
            {
                "name": settings.CSRF_COOKIE_NAME,
                "purpose": _(
                    "Stops other websites sending forms to this service in your name "
                    "(cross-site request forgery)"
                ),
                "expiry": _duration(settings.CSRF_COOKIE_AGE),
            },
        ]
        if _messages_use_cookies():
            context["cookies"].append(
                {
                    # django.contrib.messages' cookie storage; Django fixes its name.
                    "name": "messages",
                    "purpose": _("Shows a message confirming what you have just done, such as saving a form"),
                    "expiry": _("When you close your browser"),
                }
            )
        return context


def _messages_use_cookies() -> bool:
    storage = getattr(settings, "MESSAGE_STORAGE", "django.contrib.messages.storage.fallback.FallbackStorage")
    return storage.rsplit(".", 1)[-1] in {"FallbackStorage", "CookieStorage"}
