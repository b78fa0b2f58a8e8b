"""The public pages: home, the register of super-complaints and everything on it (complaints,
reports as HTML and PDF, the recommendation matrix), organisations, designated bodies and search;
and the accessibility statement, privacy notice and cookies pages.

Every register page reads through ``public.selectors`` (published-only) and is cached by
``pagecache.cache.cached_public_page`` (wrapped in ``public.urls``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from common.downloads import attachment_response
from common.forms import field_of
from organisations.models import OrganisationKind
from public import selectors
from public.search import search as run_search
from redaction.models import Redaction
from redaction.selectors import open_published_extract, published_extract, published_extracts_for
from reports.renditions import Rendition, build_document, render_report_pdf

REGISTER_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 20
LATEST_ACTIVITY = 6


def latest_activity() -> list:
    """What has happened lately on the public record, newest first, for the home page.

    Each item has ``title``, ``url``, ``date`` (a ``datetime.date``, or None where only the month is
    known) and ``date_label`` (the month, shown instead: never invent a day) and ``summary``.
    """
    items = []
    for event in selectors.activity(limit=LATEST_ACTIVITY):
        date = event.date
        items.append(
            {
                "title": event.title_html,
                "url": event.url,
                "date": date.as_date if date else None,
                "date_label": str(date)
                if date and date.is_month_only
                else ("" if date else _("Date not known")),
                "summary": event.summary,
                "title_verified": event.title_verified,
            }
        )
    return items


class HomeView(TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_activity"] = latest_activity()
        return context


# --- The register -------------------------------------------------------------------------------


class RegisterFilters(forms.Form):
    """The register's filters: a GET form that works without JavaScript."""

    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    body = forms.ChoiceField(label=gettext_lazy("Designated body"), required=False)
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year received"), required=False, coerce=int, empty_value=None
    )
    force = forms.ChoiceField(label=gettext_lazy("Police force"), required=False)

    def __init__(self, *args, bodies, forces, years, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "stage", forms.ChoiceField).choices = [("", _("Any stage"))] + [
            (stage.value, stage.label) for stage in selectors.PUBLIC_STAGES
        ]
        # Welsh names on a Welsh page, where the organisation has one.
        field_of(self, "body", forms.ChoiceField).choices = [("", _("Any designated body"))] + [
            (b.slug, selectors.localised_text(b, "name")[0]) for b in bodies
        ]
        field_of(self, "year", forms.ChoiceField).choices = [("", _("Any year"))] + [
            (str(y), str(y)) for y in years
        ]
        field_of(self, "force", forms.ChoiceField).choices = [("", _("Any police force"))] + [
            (f.slug, selectors.localised_text(f, "name")[0]) for f in forces
        ]

    def values(self) -> dict:
        """The valid filters; a value the form does not offer is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "stage": data.get("stage") or "",
            "body": data.get("body") or "",
            "year": data.get("year"),
            "force": data.get("force") or "",
        }


def register(request: HttpRequest) -> HttpResponse:
    filters = RegisterFilters(
        request.GET or None,
        bodies=list(selectors.designated_bodies()),
        forces=list(selectors.forces()),
        years=selectors.register_years(),
    )
    values = filters.values()
    complaints = selectors.filter_register(selectors.register_complaints(), **values)
    page_obj = Paginator(complaints, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(complaint, selectors.public_stage(complaint)) for complaint in page_obj.object_list]
    return TemplateResponse(
        request,
        "public/register/list.html",
        {
            "filters": filters,
            "filtered": any(value not in ("", None) for value in values.values()),
            "page_obj": page_obj,
            "rows": rows,
            "nav_section": "register",
        },
    )


def _record(reference: str, **options) -> selectors.ComplaintRecord:
    record = selectors.complaint_record(reference, **options)
    if record is None:
        raise Http404(
            _("No published super-complaint has the reference %(reference)s.") % {"reference": reference}
        )
    return record


def complaint(request: HttpRequest, reference: str) -> HttpResponse:
    record = _record(reference)
    now = timezone.now()
    return TemplateResponse(
        request,
        "public/register/complaint.html",
        {
            "record": record,
            "complaint": record.complaint,
            "report": record.report,
            "calls": [
                (call, call.is_open(now)) for call in selectors.published_calls_for(record.complaint, now)
            ],
            "extracts": published_extracts_for(record.complaint),
            "nav_section": "register",
        },
    )


def extract(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A published extract's PDF (redaction for publication): a 404 for one in draft, withdrawn,
    waiting for its virus scan, or of a complaint not on the register."""
    found = published_extract(reference, pk)
    if found is None or found.derivative is None:
        raise Http404(_("This extract is not published."))
    try:
        handle = open_published_extract(found)
    except Redaction.DoesNotExist:
        raise Http404(_("This extract is not published.")) from None
    return attachment_response(
        handle, filename=found.derivative.original_name, content_type="application/pdf"
    )


def _record_with_report(reference: str, **options) -> selectors.ComplaintRecord:
    record = _record(reference, **options)
    if record.report is None:
        raise Http404(_("The report on this super-complaint has not been published."))
    return record


def report(request: HttpRequest, reference: str) -> HttpResponse:
    record = _record_with_report(reference)
    assert record.report is not None  # _record_with_report refuses a record without one
    return TemplateResponse(
        request,
        "public/register/report.html",
        {
            "record": record,
            "complaint": record.complaint,
            "report": record.report,
            # Only ever the published rendition: excluded passages are absent from it (reg 8(3)).
            "document": build_document(record.report, Rendition.PUBLISHED),
            "nav_section": "register",
        },
    )


def report_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The published report as a tagged PDF (PDF/UA-1), from the same rendition as the HTML page.

    Only for a report written in this service: a report published before it is its official
    publication, which a document generated here must not stand in for."""
    record = _record_with_report(reference)
    assert record.report is not None  # _record_with_report refuses a record without one
    if record.complaint.is_historical:
        raise Http404(
            _("This report was published before this service started: read the official publication.")
        )
    response = HttpResponse(
        render_report_pdf(record.report, Rendition.PUBLISHED), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{record.complaint.reference}-report.pdf"'
    return response


def recommendations(request: HttpRequest, reference: str) -> HttpResponse:
    record = _record_with_report(reference, with_recommendations=False)
    assert record.report is not None  # _record_with_report refuses a record without one
    matrix = selectors.recommendation_matrix(record.report, today=record.today)
    return TemplateResponse(
        request,
        "public/register/recommendations.html",
        {
            "record": record,
            "complaint": record.complaint,
            "report": record.report,
            "matrix": matrix,
            "nav_section": "register",
        },
    )


def response(request: HttpRequest, reference: str, recommendation: str, organisation: str) -> HttpResponse:
    """One addressee's published response to one recommendation, in full."""
    record = selectors.published_response(reference, recommendation, organisation)
    if record is None:
        raise Http404(_("There is no published response at this address."))
    return TemplateResponse(
        request,
        "public/register/response.html",
        {
            "record": record,
            "complaint": record.recommendation.report.complaint,
            "report": record.recommendation.report,
            "nav_section": "register",
        },
    )


# --- Organisations ------------------------------------------------------------------------------


def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.organisation(slug)
    if organisation is None:
        raise Http404(_("There is no organisation at this address."))
    today = selectors.london_today()
    kind = organisation.kind
    context = {"organisation": organisation, "today": today, "nav_section": "organisations"}
    if kind == OrganisationKind.DESIGNATED_BODY:
        context["designations"] = list(organisation.designations.all())
        context["complaints"] = [
            (c, selectors.public_stage(c)) for c in selectors.complaints_by(organisation)
        ]
        context["nav_section"] = "designated_bodies"
    else:
        addressed = selectors.addressed_to(organisation, today=today)
        context["addressed"] = addressed
        context["statistics"] = selectors.statistics_by_report(addressed)
        context["named_in_record"] = selectors.named_in_public_record(organisation, besides=addressed)
    if kind == OrganisationKind.FORCE:
        context["local_policing_body"] = organisation.local_policing_body
        context["complaints"] = [
            (c, selectors.public_stage(c)) for c in selectors.complaints_concerning(organisation)
        ]
    elif kind == OrganisationKind.LOCAL_POLICING_BODY:
        context["force"] = selectors.force_of(organisation)
    elif kind == OrganisationKind.AUTHORITY:
        context["actions"] = selectors.actions_of(organisation)
    return TemplateResponse(request, "public/organisations/detail.html", context)


def designated_bodies(request: HttpRequest) -> HttpResponse:
    today = selectors.london_today()
    return TemplateResponse(
        request,
        "public/organisations/designated_bodies.html",
        {
            "table": selectors.designation_table(today=today),
            "today": today,
            "nav_section": "designated_bodies",
        },
    )


# --- Search -------------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:200]
    results = run_search(query) if query else []
    page_obj = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "public/search.html",
        {
            "query": query,
            "results": page_obj.object_list,
            "page_obj": page_obj,
            "count": len(results),
            "nav_section": "search",
        },
    )


# --- Statements ---------------------------------------------------------------------------------


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
