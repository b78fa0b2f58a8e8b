"""Showing English and Welsh side by side: model fields with a Welsh twin, and the language switcher.

Public pages exist in English at a path and in Welsh at the same path under /cy/. Content that
staff type in (organisation names, report titles) may have a Welsh version in a field named
``<field>_cy``; when it is empty the English text is shown instead, marked ``lang="en"`` so a
screen reader pronounces it as English (WCAG 2.2 SC 3.1.2, language of parts).
"""

import re

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WELSH = "cy"


def is_welsh(language_code: str | None = None) -> bool:
    code = language_code if language_code is not None else translation.get_language()
    return bool(code) and code.split("-")[0] == WELSH


def localised_value(obj, field: str) -> SafeString:
    """The Welsh ``<field>_cy`` of ``obj`` on a Welsh page when it is filled in, else the English
    ``<field>``, wrapped in ``<span lang="en">`` when the page is Welsh. Escaped, safe to output."""
    english = getattr(obj, field, "")
    english = "" if english is None else english
    if getattr(obj, "language", "en") == WELSH:
        # Written in Welsh (a complaint a body made in Welsh): the main field is the Welsh text.
        if is_welsh() or not str(english).strip():
            return conditional_escape(english)
        return format_html('<span lang="cy">{}</span>', english)
    if not is_welsh():
        return conditional_escape(english)
    welsh = getattr(obj, f"{field}_cy", "") or ""
    if str(welsh).strip():
        return conditional_escape(welsh)
    if not str(english).strip():
        return mark_safe("")
    return format_html('<span lang="en">{}</span>', english)


@register.simple_tag(name="localised")
def localised_tag(obj, field: str) -> SafeString:
    """``{% localised complaint "title" %}``"""
    return localised_value(obj, field)


@register.filter(name="localised")
def localised_filter(obj, field: str) -> SafeString:
    """``{{ complaint|localised:"title" }}``"""
    return localised_value(obj, field)


def _activation_code(code: str) -> str:
    # LANGUAGE_CODE is "en-gb" while LANGUAGES names "en": i18n_patterns only leaves the default
    # language unprefixed when the *exact* LANGUAGE_CODE is active, so reverse English with it.
    default = settings.LANGUAGE_CODE
    if translation.get_supported_language_variant(default) == code:
        return default
    return code


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language in LANGUAGES for the switcher: code, name (in its own language),
    url (this page in that language, query string kept) and current. Empty when the page has no
    Welsh version (staff pages, error pages), so the switcher is not shown there."""
    request = context.get("request")
    if request is None:
        return []
    path = request.get_full_path()
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        is_current = current.split("-")[0] == code
        url = path if is_current else translate_url(path, _activation_code(code))
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": is_current,
                # Read in the target language, so a screen reader says it in that language.
                "hint": _language_hint(code),
            }
        )
    if all(link["url"] == path for link in links):
        return []
    return links


def _language_hint(code: str) -> str:
    with translation.override(code):
        return _("Change the language to English") if code == "en" else _("Change the language to Welsh")


# An element marked as English (lang="en") in a Welsh page's content: text that has no Welsh
# version yet. A label that names the English language in a choice of language is not one.
_ENGLISH_PART = re.compile(r'<(?!label\b)[a-z][a-z0-9]*\b[^>]*\slang="en(?:-gb)?"', re.IGNORECASE)


@register.filter(name="with_english_only_notice", is_safe=True)
def with_english_only_notice(content: str) -> SafeString:
    """``{% filter with_english_only_notice %}...{% endfilter %}`` around a page's content: on a
    Welsh page with any part only in English, say so once, in Welsh, at the top."""
    content = mark_safe(content)  # the rendered template output, already escaped
    if not is_welsh() or not _ENGLISH_PART.search(content):
        return content
    notice = format_html(
        '<div class="govuk-inset-text app-english-only-notice"><p class="govuk-body">{}</p></div>',
        _("Some of the content on this page is only available in English."),
    )
    return notice + content
