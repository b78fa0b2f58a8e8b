"""Every register page, in English and Welsh: valid HTML, one heading, its title, no cookies, no
inline style, and only the one inline script, which the policy allows by its hash."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.conftest import once_per_module, refetched
from tests.helpers import assert_only_inline_script_is_allowed_by_its_hash, assert_valid_html
from tests.public.seed import published_case

pytestmark = pytest.mark.usefixtures("public_record")

# path, English <title> (before " – Police super-complaints")
PAGES = [
    ("/", None),
    ("/super-complaints/", "The register of super-complaints"),
    ("/super-complaints/?stage=report_published&year=2019", "The register of super-complaints"),
    # Shortened at a word: the whole <title> fits in 70 characters; the <h1> has it in full.
    ("/super-complaints/SC-2019-002/", "SC-2019-002: Police response to victims of…"),
    ("/super-complaints/SC-2019-002/report/", "The hidden victims: report on Hestia's…"),
    ("/super-complaints/SC-2019-002/recommendations/", "Recommendations and responses: SC-2019-002"),
    ("/super-complaints/SC-2022-001/", "SC-2022-001: Police response to stalking"),
    ("/super-complaints/SC-2026-001/", "SC-2026-001: Police response to missing…"),
    ("/super-complaints/SC-2026-001/report/", "Still missing"),
    ("/super-complaints/SC-2026-001/recommendations/", "Recommendations and responses: SC-2026-001"),
    ("/organisations/hestia/", "Hestia"),
    ("/organisations/kent-police/", "Kent Police"),
    ("/organisations/kent-police-and-crime-commissioner/", "Kent Police and Crime Commissioner"),
    (
        "/organisations/cambridgeshire-and-peterborough-police-and-crime-commissioner/",
        "Cambridgeshire and Peterborough Police and…",
    ),
    ("/organisations/home-office/", "Home Office"),
    ("/organisations/college-of-policing/", "College of Policing"),
    ("/designated-bodies/", "Designated bodies"),
    ("/search/", "Search the register"),
    ("/search/?q=modern+slavery", "Search results for “modern slavery”"),
    ("/search/?q=xylophone", "Search results for “xylophone”"),
]
URLS = [path for path, _title in PAGES] + ["/cy" + path for path, _title in PAGES]


# Built once for the module (each page test only reads): 162 tests built it each before.
_case = once_per_module(published_case)


@pytest.fixture
def register(_case, db):
    assert _case.complaint.reference == "SC-2026-001"
    return refetched(_case)


@pytest.mark.parametrize("url", URLS)
def test_register_page_is_valid_html(client, register, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert_valid_html(html, name=url)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert len(response.cookies) == 0
    assert " style=" not in html
    assert "<style" not in html
    assert_only_inline_script_is_allowed_by_its_hash(html, response["Content-Security-Policy"])


@pytest.mark.parametrize(("path", "title"), [page for page in PAGES if page[1]])
def test_register_page_titles(client, register, path, title):
    html = client.get(path).content.decode()

    whole = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert unescape(whole) == f"{title} – Police super-complaints"
    assert len(unescape(whole)) <= 70


@pytest.mark.parametrize("path", [path for path, _title in PAGES])
def test_welsh_page_is_welsh_with_a_switch_back_to_english(client, register, path):
    html = client.get("/cy" + path).content.decode()

    assert '<html lang="cy"' in html
    assert "Neidio i’r prif gynnwys" in html
    switcher = re.search(r'<nav class="app-language-switcher".*?</nav>', html, re.S).group(0)
    href = re.search(r'href="([^"]+)"', switcher).group(1).replace("&amp;", "&")
    assert href == path
