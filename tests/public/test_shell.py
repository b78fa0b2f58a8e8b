"""The public page shell: every page in English and Welsh, its headers, cookies and markup, and the
template pieces other pages build on (language switcher, Welsh fields, error summary, pagination)."""

from __future__ import annotations

import datetime
import re
import subprocess
from types import SimpleNamespace

import pytest
from django import forms
from django.conf.urls.i18n import i18n_patterns
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from config.urls import urlpatterns as project_urlpatterns
from public import views as public_views
from public.templatetags.localisation import localised_value
from tests.helpers import (
    ROOT,
    assert_only_inline_script_is_allowed_by_its_hash,
    assert_valid_html,
    html_problems,
    untranslated_welsh,
)

# path, English <h1>, Welsh <h1>, English <title>, Welsh <title>
PAGES = [
    (
        "/",
        "Police super-complaints",
        "Uwch-gwynion yr heddlu",
        "Police super-complaints",
        "Uwch-gwynion yr heddlu",
    ),
    (
        "/accessibility/",
        "Accessibility statement for Police super-complaints",
        "Datganiad hygyrchedd ar gyfer Uwch-gwynion yr heddlu",
        "Accessibility statement – Police super-complaints",
        "Datganiad hygyrchedd – Uwch-gwynion yr heddlu",
    ),
    (
        "/privacy/",
        "Privacy notice",
        "Hysbysiad preifatrwydd",
        "Privacy notice – Police super-complaints",
        "Hysbysiad preifatrwydd – Uwch-gwynion yr heddlu",
    ),
    ("/cookies/", "Cookies", "Cwcis", "Cookies – Police super-complaints", "Cwcis – Uwch-gwynion yr heddlu"),
]
PATHS = [page[0] for page in PAGES]


def welsh(url: str) -> str:
    return "/cy" + url


def only(pattern: str, html: str) -> str:
    found = re.findall(pattern, html, flags=re.S)
    assert len(found) == 1, f"expected one match for {pattern!r}, found {found!r}"
    return found[0]


def h1(html: str) -> str:
    return only(r'<h1 class="govuk-heading-xl">(.*?)</h1>', html).strip()


def title(html: str) -> str:
    return only(r"<title>(.*?)</title>", html).strip()


def html_lang(html: str) -> str:
    return only(r'<html lang="([^"]+)"', html)


@pytest.mark.parametrize(("url", "english_h1", "welsh_h1", "english_title", "welsh_title"), PAGES)
def test_page_is_served_in_english_and_welsh(client, url, english_h1, welsh_h1, english_title, welsh_title):
    english = client.get(url)
    cymraeg = client.get(welsh(url))

    assert english.status_code == 200
    assert cymraeg.status_code == 200
    english_html, welsh_html = english.content.decode(), cymraeg.content.decode()
    assert html_lang(english_html) == "en-gb"
    assert html_lang(welsh_html) == "cy"
    assert (h1(english_html), title(english_html)) == (english_h1, english_title)
    assert (h1(welsh_html), title(welsh_html)) == (welsh_h1, welsh_title)
    assert "Neidio i’r prif gynnwys" in welsh_html
    assert "Skip to main content" not in welsh_html


@pytest.mark.parametrize("url", PATHS + [welsh(p) for p in PATHS])
def test_security_headers_are_strict(client, url):
    response = client.get(url)

    policy = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["style-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", directives["script-src"][1])
    assert len(directives["script-src"]) == 2
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", PATHS + [welsh(p) for p in PATHS])
def test_the_only_inline_script_is_allowed_by_its_hash(client, url):
    response = client.get(url)
    html = response.content.decode()

    assert_only_inline_script_is_allowed_by_its_hash(html, response.headers["Content-Security-Policy"])
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert [attrs.strip() for attrs, body in scripts if "src=" in attrs] == [
        'type="module" src="/static/js/application.js"'
    ]
    assert " style=" not in html
    assert "<style" not in html


@pytest.mark.parametrize("url", PATHS + [welsh(p) for p in PATHS] + ["/no-such-page/"])
def test_anonymous_public_pages_set_no_cookies(client, url):
    response = client.get(url)

    assert len(response.cookies) == 0
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", PATHS + [welsh(p) for p in PATHS])
def test_page_is_valid_html(client, url):
    assert_valid_html(client.get(url).content.decode(), name=url)


def test_html_check_reports_invalid_markup():
    """The validity tests above would pass vacuously if the checker never complained."""
    problems = html_problems(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</div></p></body></html>'
    )

    assert {problem["ruleId"] for problem in problems} >= {"close-order"}


def test_html_validate_configuration_turns_off_only_the_documented_rule():
    config = (ROOT / ".htmlvalidate.json").read_text()
    decision = (ROOT / "docs" / "decisions" / "0004-front-end.md").read_text()

    assert '"extends": ["html-validate:recommended"]' in config
    rules_off = re.findall(r'"([a-z-]+)": "off"', config)
    assert rules_off == ["no-trailing-whitespace"]
    for rule in rules_off:
        assert f"`{rule}`" in decision


def test_not_found_page_in_english_and_welsh(client):
    english = client.get("/no-such-page/")
    cymraeg = client.get("/cy/no-such-page/")

    assert english.status_code == 404
    assert cymraeg.status_code == 404
    assert h1(english.content.decode()) == "Page not found"
    assert h1(cymraeg.content.decode()) == "Heb ddod o hyd i’r dudalen"
    assert html_lang(cymraeg.content.decode()) == "cy"
    assert_valid_html(english.content.decode(), name="404")
    assert_valid_html(cymraeg.content.decode(), name="404-cy")


def test_error_page_needs_no_request_context():
    """Django renders 500.html with an empty context: no request, no context processors."""
    with translation.override("en-gb"):
        html = render_to_string("500.html")

    assert h1(html) == "Sorry, there is a problem with the service"
    assert html_lang(html) == "en-gb"
    assert "<script" not in html
    assert 'href="/static/dist/application.css"' in html
    assert_valid_html(html, name="500")
    with translation.override("cy"):
        welsh_html = render_to_string("500.html")
    assert h1(welsh_html) == "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth"
    assert html_lang(welsh_html) == "cy"


# A URLconf for the tests below: the real public pages plus views that exercise the shared pieces.


def _broken_view(request):
    raise RuntimeError("boom")


class ExampleForm(forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(
        label="Colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong")


def _form_and_pagination_view(request):
    form = ExampleForm(data={})
    form.is_valid()
    page_obj = Paginator(list(range(100)), 10).get_page(request.GET.get("page"))
    return render(request, "tests_shell_example.html", {"form": form, "page_obj": page_obj})


urlpatterns = [
    *project_urlpatterns,
    *i18n_patterns(
        path("boom/", _broken_view),
        path("example/", _form_and_pagination_view),
        prefix_default_language=False,
    ),
    path("staff-only/", lambda request: HttpResponse("ok")),
]
EXAMPLE_TEMPLATE = """{% extends "base.html" %}
{% block page_title %}Example{% endblock %}
{% block content %}
{% include "includes/error_summary.html" with form=form %}
<h1 class="govuk-heading-xl">Example</h1>
{% include "includes/pagination.html" with page_obj=page_obj %}
{% endblock %}"""


@pytest.fixture
def example_template(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"tests_shell_example.html": EXAMPLE_TEMPLATE}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    settings.TEMPLATES[0].pop("APP_DIRS", None)


@pytest.mark.urls(__name__)
def test_server_error_page_in_english_and_welsh(client):
    client.raise_request_exception = False

    english = client.get("/boom/")
    cymraeg = client.get("/cy/boom/")

    assert english.status_code == 500
    assert cymraeg.status_code == 500
    assert h1(english.content.decode()) == "Sorry, there is a problem with the service"
    assert h1(cymraeg.content.decode()) == "Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth"
    assert html_lang(cymraeg.content.decode()) == "cy"


@pytest.mark.urls(__name__)
def test_error_summary_links_each_field_error_to_its_input(client, example_template):
    html = client.get("/example/").content.decode()

    summary = only(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html)
    items = [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, flags=re.S)]
    assert items == [
        "The whole form is wrong",
        "This field is required.",
        '<a href="#id_name">This field is required.</a>',
        '<a href="#id_colour_0">This field is required.</a>',
    ]
    assert title(html) == "Error: Example – Police super-complaints"
    # Each link target exists where Django renders the field.
    form = ExampleForm(data={})
    assert 'id="id_name"' in str(form["name"])
    assert 'id="id_colour_0"' in str(form["colour"])


@pytest.mark.urls(__name__)
def test_error_summary_renders_nothing_without_errors():
    form = ExampleForm()

    assert render_to_string("includes/error_summary.html", {"form": form}).strip() == ""


@pytest.mark.urls(__name__)
def test_pagination_keeps_the_query_and_elides_distant_pages(client, example_template):
    html = client.get("/example/?q=stalking&page=5").content.decode()

    pagination = only(r'<nav class="govuk-pagination"[^>]*>(.*?)</nav>', html)
    hrefs = re.findall(r'href="([^"]+)"', pagination)
    assert hrefs == [
        "?q=stalking&amp;page=4",
        "?q=stalking&amp;page=1",
        "?q=stalking&amp;page=4",
        "?q=stalking&amp;page=5",
        "?q=stalking&amp;page=6",
        "?q=stalking&amp;page=10",
        "?q=stalking&amp;page=6",
    ]
    assert pagination.count("govuk-pagination__item--ellipses") == 2
    assert re.findall(r'aria-current="page">(\d+)<', pagination) == ["5"]
    assert_valid_html(html, name="example")


@pytest.mark.urls(__name__)
def test_pagination_and_error_summary_in_welsh_are_valid(client, example_template):
    html = client.get("/cy/example/?page=1").content.decode()

    assert "Mae problem wedi codi" in html
    assert "Nesaf" in html
    assert 'aria-label="Tudalen 2"' in html
    assert "govuk-pagination__prev" not in html
    assert_valid_html(html, name="example-cy")


def test_pagination_renders_nothing_for_a_single_page(rf):
    page_obj = Paginator([1, 2, 3], 10).get_page(1)

    assert (
        render_to_string("includes/pagination.html", {"page_obj": page_obj}, request=rf.get("/")).strip()
        == ""
    )


@pytest.mark.parametrize(
    ("url", "other_language_url"),
    [
        ("/", "/cy/"),
        ("/cookies/", "/cy/cookies/"),
        ("/cy/privacy/", "/privacy/"),
        ("/accessibility/?ref=footer", "/cy/accessibility/?ref=footer"),
    ],
)
def test_language_switcher_links_to_the_same_page_in_the_other_language(client, url, other_language_url):
    html = client.get(url).content.decode()

    switcher = only(r'<nav class="app-language-switcher"[^>]*>(.*?)</nav>', html)
    link = only(r"<a ([^>]*)>", switcher)
    assert f'href="{other_language_url}"' in link.replace("&amp;", "&")
    target = "en" if url.startswith("/cy/") else "cy"
    assert f'hreflang="{target}"' in link
    assert f'lang="{target}"' in link
    current = only(
        r'<span class="app-language-switcher__current" aria-current="true" lang="([a-z]+)">', switcher
    )
    assert current == ("cy" if url.startswith("/cy/") else "en")


def test_language_switcher_is_left_out_where_there_is_no_welsh_page(client):
    html = client.get("/no-such-page/").content.decode()

    assert "app-language-switcher" not in html


@pytest.mark.urls(__name__)
def test_language_links_are_empty_for_unprefixed_staff_pages():
    request = RequestFactory().get("/staff-only/")
    template = Template("{% load localisation %}{% language_links as links %}{{ links|length }}")

    assert template.render(Context({"request": request})) == "0"


def test_navigation_marks_the_current_page(client):
    html = client.get("/cy/").content.decode()

    current = only(r'<a class="govuk-service-navigation__link" href="([^"]+)" aria-current="page">', html)
    assert current == "/cy/"
    assert '<strong class="govuk-service-navigation__active-fallback">Hafan</strong>' in html


def test_footer_links_to_the_statements_and_open_data_in_the_page_language(client):
    html = client.get("/cy/").content.decode()

    footer = only(r'<footer class="govuk-footer">(.*?)</footer>', html)
    assert re.findall(r'<a class="govuk-footer__link" href="(/[^"]*)">', footer) == [
        "/cy/accessibility/",
        "/cy/privacy/",
        "/cy/cookies/",
        "/cy/open-data/",
    ]
    assert "open-government-licence-cymraeg/version/3/" in footer
    assert "Drwydded Llywodraeth Agored v3.0" in footer
    assert "Crown copyright" not in html
    assert "GOV.UK" not in html


def test_cookies_page_lists_the_cookies_the_settings_set(client, settings):
    settings.SESSION_COOKIE_NAME = "sc_session"
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
    settings.CSRF_COOKIE_AGE = 31449600

    html = client.get("/cookies/").content.decode()
    welsh_html = client.get("/cy/cookies/").content.decode()

    rows = re.findall(
        r'<code lang="en">([^<]+)</code></th>\s*<td[^>]*>[^<]+</td>\s*<td[^>]*>([^<]+)</td>', html
    )
    assert rows == [
        ("sc_session", "30 minutes after your last action, and after 12 hours in any case"),
        ("csrftoken", "52 weeks"),
        ("messages", "When you close your browser"),
    ]
    welsh_rows = re.findall(
        r'<code lang="en">([^<]+)</code></th>\s*<td[^>]*>[^<]+</td>\s*<td[^>]*>([^<]+)</td>', welsh_html
    )
    assert welsh_rows == [
        ("sc_session", "30 munud ar ôl y tro diwethaf i chi wneud rhywbeth, ac ar ôl 12 awr beth bynnag"),
        ("csrftoken", "52 wythnos"),
        ("messages", "Pan fyddwch yn cau eich porwr"),
    ]


def test_cookies_page_leaves_out_the_messages_cookie_when_messages_live_in_the_session(client, settings):
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

    html = client.get("/cookies/").content.decode()

    assert re.findall(r'<code lang="en">([^<]+)</code>', html) == ["sessionid", "csrftoken"]


def test_home_page_states_the_statutory_test_with_significantly(client):
    html = re.sub(r"\s+", " ", client.get("/").content.decode())

    assert (
        "“a feature, or combination of features, of policing in England and Wales by one or more than one "
        "police force is, or appears to be, significantly harming the interests of the public”"
    ) in html
    for basis in [
        "SI 2018/748 regulation 3",
        "SI 2018/748 regulation 4.",
        "SI 2018/748 regulation 5.",
        "SI 2018/748 regulations 6 and 11(1).",
        "SI 2018/748 regulation 7.",
        "SI 2018/748 regulations 8 and 11(2).",
        "set by each report; there is no deadline in law.",
    ]:
        assert basis in html
    assert "56 working days" in html
    assert "within 5 working days" in html


def test_home_page_has_no_latest_activity_section_when_there_is_none(client):
    html = client.get("/").content.decode()

    assert "Latest activity" not in html


def test_home_page_lists_latest_activity_with_exact_or_month_only_dates(client, monkeypatch):
    monkeypatch.setattr(
        public_views,
        "latest_activity",
        lambda: [
            {"title": "Report published", "url": "/reports/1/", "date": datetime.date(2021, 5, 26)},
            {
                "title": "Complaint received",
                "url": "/complaints/1/",
                "date": None,
                "date_label": "March 2019",
            },
        ],
    )

    english = re.sub(r"\s+", " ", client.get("/").content.decode())
    cymraeg = re.sub(r"\s+", " ", client.get("/cy/").content.decode())

    assert '<h2 class="govuk-heading-l">Latest activity</h2>' in english
    assert '<a class="govuk-link" href="/reports/1/">Report published</a>' in english
    assert '<time datetime="2021-05-26">26 May 2021</time>' in english
    assert "March 2019" in english
    assert '<h2 class="govuk-heading-l">Gweithgarwch diweddaraf</h2>' in cymraeg
    assert '<time datetime="2021-05-26">26 Mai 2021</time>' in cymraeg


class _Named(SimpleNamespace):
    pass


@pytest.mark.parametrize(
    ("language", "obj", "expected"),
    [
        ("en-gb", _Named(name="Hestia", name_cy="Hestia (Cymraeg)"), "Hestia"),
        ("cy", _Named(name="Hestia", name_cy="Hestia (Cymraeg)"), "Hestia (Cymraeg)"),
        ("cy", _Named(name="Hestia", name_cy=""), '<span lang="en">Hestia</span>'),
        ("cy", _Named(name="Hestia", name_cy="  "), '<span lang="en">Hestia</span>'),
        ("cy", _Named(name="Hestia"), '<span lang="en">Hestia</span>'),
        ("cy", _Named(name="", name_cy=""), ""),
        (
            "cy",
            _Named(name="<b>A & B</b>", name_cy=None),
            '<span lang="en">&lt;b&gt;A &amp; B&lt;/b&gt;</span>',
        ),
        ("en-gb", _Named(name="<b>A & B</b>"), "&lt;b&gt;A &amp; B&lt;/b&gt;"),
        ("cy", _Named(name="x", name_cy="<i>y</i>"), "&lt;i&gt;y&lt;/i&gt;"),
    ],
)
def test_localised_shows_welsh_or_english_marked_as_english(language, obj, expected):
    with translation.override(language):
        tag = Template('{% load localisation %}{% localised obj "name" %}').render(Context({"obj": obj}))
        filtered = Template('{% load localisation %}{{ obj|localised:"name" }}').render(Context({"obj": obj}))

    assert tag == expected
    assert filtered == expected
    with translation.override(language):
        assert localised_value(obj, "name") == expected


# The files of the page shell; each page built on it keeps its own Welsh test.
SHELL_SOURCES = (
    "templates/base.html",
    "templates/400.html",
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "templates/413.html",
    "templates/429.html",
    "common/security.py",
    "templates/includes/",
    "public/views.py",
    "public/urls.py",
    "public/templatetags/",
    "public/templates/public/home.html",
    "public/templates/public/accessibility.html",
    "public/templates/public/privacy.html",
    "public/templates/public/cookies.html",
)


def test_every_string_of_the_public_shell_has_a_welsh_translation():
    assert untranslated_welsh("--untranslated", SHELL_SOURCES) == []
    assert untranslated_welsh("--only-fuzzy", SHELL_SOURCES) == []


def test_compiled_welsh_catalogue_matches_its_source(tmp_path):
    import gettext

    po = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)

    with mo.open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog


def test_makemessages_target_ignores_dependencies():
    makefile = (ROOT / "Makefile").read_text()

    line = only(r"\n\t([^\n]*makemessages[^\n]*)", makefile)
    assert "--ignore=.venv" in line
    assert "--ignore=node_modules" in line


def test_stylesheet_source_uses_system_fonts_not_gds_transport():
    source = (ROOT / "static" / "scss" / "application.scss").read_text()

    assert "$govuk-font-family: (arial, sans-serif)" in source
    built = ROOT / "static" / "dist" / "application.css"
    assert built.exists(), "static/dist/application.css is missing: run `make frontend`"
    css = built.read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "/assets/" not in css.replace("govuk/assets/", "")
    for url in re.findall(r'url\("?([^")]+)"?\)', css):
        assert (built.parent / url).exists(), url
