"""Template helpers for the register pages: dates that may be known only to the month, and long
texts with a Welsh twin shown as paragraphs."""

from __future__ import annotations

import datetime
import functools
import html
from urllib.parse import urlsplit

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.partial_dates import PartialDate
from public.selectors import ResponseCell, localised_text

register = template.Library()


@register.filter
def partial_date(value: PartialDate | datetime.date | None) -> SafeString:
    """``<time datetime="2021-05-26">26 May 2021</time>``, or ``<time datetime="2021-08">August
    2021</time>`` where only the month is known (a valid HTML month string), or "Date not known"."""
    if value is None or value == "":
        return format_html("{}", _("Date not known"))
    if isinstance(value, datetime.datetime):
        raise TypeError("partial_date takes a date, not a moment: convert to a London date first")
    if isinstance(value, datetime.date):
        value = PartialDate.from_date(value)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), str(value))


# html-validate's recommended rules (which the project keeps) cap a <title> at 70 characters.
TITLE_LIMIT = 70


@register.filter
def fit_title(value: str) -> str:
    """Shorten a page title at a word so that, with " – Police super-complaints" after it, the
    whole <title> fits in 70 characters. The page's <h1> still gives it in full.

    Returns plain text, which the template escapes once. A title built by ``blocktranslate asvar``
    arrives already escaped (and marked safe): it is unescaped first, or the page would show
    "women&#x27;s aid"; and shortening it as text never cuts an entity in half."""
    if isinstance(value, SafeData):
        value = html.unescape(str(value))
    value = " ".join(str(value).split())
    budget = TITLE_LIMIT - len(" – " + _("Police super-complaints"))
    if len(value) <= budget:
        return value
    cut = value[: budget - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,:;–-") + "…"


@register.filter
def long_date(value: datetime.date | None) -> SafeString:
    if value is None:
        return format_html("{}", _("Date not known"))
    if type(value) is not datetime.date:
        # A moment: equal moments in other zones hash alike, so they are never looked up.
        return _long_date.__wrapped__(value, get_language())
    return _long_date(value, get_language())


@functools.lru_cache(maxsize=4096)
def _long_date(value: datetime.date, language: str) -> SafeString:
    """``long_date`` of a date in a language, worked out once: a page of a report's responses
    shows the same few deadlines over a thousand times, and formatting each was a tenth of its
    render (BENCHMARKS.md section 1)."""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), formats.date_format(value, "j F Y")
    )


def _lines(paragraph: str) -> SafeString:
    return mark_safe("<br>".join(escape(line) for line in paragraph.split("\n")))


@register.simple_tag
def localised_paragraphs(obj, field: str, css_class: str = "govuk-body") -> SafeString:
    """A long text as GOV.UK paragraphs: Welsh on a Welsh page where there is a Welsh version, else
    English marked ``lang="en"`` on a Welsh page. Escaped; blank lines separate paragraphs."""
    text, lang = localised_text(obj, field)
    if not text.strip():
        return mark_safe("")
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    lang_attr = format_html(' lang="{}"', lang) if lang else ""
    return format_html_join(
        "\n",
        '<p class="{}"{}>{}</p>',
        ((css_class, lang_attr, _lines(p)) for p in paragraphs),
    )


@register.simple_tag
def text_lang(obj, field: str) -> str:
    """``lang="en"`` where ``obj.<field>`` is shown in English on a Welsh page, else nothing."""
    _text, lang = localised_text(obj, field)
    return format_html(' lang="{}"', lang) if lang else ""


@register.simple_tag
def localised_plain(obj, field: str) -> str:
    """The text to show for ``obj.<field>`` (Welsh twin on a Welsh page if filled in), unescaped:
    for places that carry the language attribute themselves (``text_lang``)."""
    text, _lang = localised_text(obj, field)
    return text


def _publisher(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host in {"gov.uk", "www.gov.uk"}:
        return "gov.uk"
    if host == "justiceinspectorates.gov.uk" or host.endswith(".justiceinspectorates.gov.uk"):
        return "hmicfrs"
    return ""


@register.simple_tag
def publisher_link(url: str, what: str = "report") -> str:
    """The words of a link to an official publication, naming where it is published."""
    publisher = _publisher(url)
    if what == "report":
        if publisher == "gov.uk":
            return _("Read the full report on GOV.UK")
        if publisher == "hmicfrs":
            return _("Read the full report on the HMICFRS website")
        return _("Read the full report where it was published")
    if publisher == "gov.uk":
        return _("Read about the super-complaint on GOV.UK")
    if publisher == "hmicfrs":
        return _("Read about the super-complaint on the HMICFRS website")
    return _("Read about the super-complaint where it was published")


@register.simple_tag
def response_cell(cell: ResponseCell, reference: str, slug: str) -> SafeString:
    """Where one addressee stands on one recommendation (``cell.text``), after the public
    "Overdue" mark when it has one, linked to its response when there is one: the same on the
    recommendations matrix, the complaint page and the organisation's page.

    Made here rather than in an included template: the complaint page of a national report shows
    1,410 of them, and an include each made its render 5 to 12% slower (BENCHMARKS.md section 1)."""
    mark = (
        format_html('<strong class="govuk-tag govuk-tag--red">{}</strong> ', _("Overdue"))
        if cell.marked_overdue
        else ""
    )
    if cell.response is not None and cell.obligation is not None:
        url = reverse("public:response", args=[reference, cell.obligation.recommendation.reference, slug])
        return format_html('{}<a class="govuk-link" href="{}">{}</a>', mark, url, cell.text)
    return format_html("{}{}", mark, cell.text)


@register.filter
def organisation_url(slug: str) -> str:
    """The address of the organisation's page, as ``{% url 'public:organisation' slug %}`` gives
    it: reversed once per organisation and language (a slug never changes; the complaint page
    names each of 47 addressees 30 times)."""
    return _organisation_url(slug, get_language(), get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _organisation_url(slug: str, language: str, prefix: str) -> str:
    return reverse("public:organisation", args=[slug])
