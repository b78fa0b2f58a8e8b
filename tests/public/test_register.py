"""The register of super-complaints: what each entry shows, the filters (a GET form that works
without JavaScript), pagination, and a fixed number of queries whatever the register's size."""

from __future__ import annotations

import re

import pytest

from public import views
from tests.public.pages import get, main, text
from tests.public.seed import decided, investigating, published_case

pytestmark = pytest.mark.usefixtures("public_record")

HISTORICAL = [
    "SC-2022-001",
    "SC-2021-001",
    "SC-2020-002",
    "SC-2020-001",
    "SC-2019-002",
    "SC-2019-001",
    "SC-2018-001",
]
# The eighth, made in December 2025, is being investigated; the record does not give its forces.
EIGHTH = "SC-2025-001"
REGISTER = [EIGHTH, *HISTORICAL]


def references(html: str) -> list[str]:
    """The references of the entries listed, in order."""
    return re.findall(
        r'<h3 class="govuk-summary-card__title"><a class="govuk-link" href="/super-complaints/([^/]+)/"', html
    )


def card(html: str, reference: str) -> dict[str, str]:
    start = html.index(f'href="/super-complaints/{reference}/"')
    block = html[start : html.index("</li>", start)]
    rows = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>', block, re.S)
    return {text(key): text(value) for key, value in rows}


def test_the_register_lists_every_published_complaint_newest_first(client):
    html = main(get(client, "/super-complaints/"))

    assert references(html) == REGISTER
    assert "8 super-complaints" in text(html)
    assert card(html, "SC-2019-002") == {
        "Reference": "SC-2019-002",
        "Stage": "Report published",
        "Made by": "Hestia",
        "Received": "31 May 2019",
        "Report": "The hidden victims: report on Hestia's super-complaint on the police response to victims "
        "of modern slavery, 26 May 2021",
    }
    assert card(html, "SC-2018-001")["Made by"] == "Liberty, Southall Black Sisters"
    assert card(html, "SC-2020-001")["Received"] == "March 2020"
    assert card(html, EIGHTH)["Received"] == "December 2025"
    assert card(html, EIGHTH)["Stage"] == "Being investigated"
    assert (
        '<h3 class="govuk-summary-card__title"><a class="govuk-link" href="/super-complaints/SC-2025-001/">'
        "Lengthy police investigations of sexual offences</a> "
        '<strong class="govuk-tag govuk-tag--yellow">Title not yet verified</strong></h3>'
    ) in html
    assert '<a class="govuk-link" href="/super-complaints/SC-2019-002/report/">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?stage=report_published", HISTORICAL),
        ("?stage=investigating", [EIGHTH]),
        ("?stage=closed", []),
        ("?body=centre-for-womens-justice", [EIGHTH, "SC-2020-001", "SC-2019-001"]),
        ("?year=2019", ["SC-2019-002", "SC-2019-001"]),
        ("?year=2019&body=hestia", ["SC-2019-002"]),
        # The seven investigated complaints are about every force; the eighth records none.
        ("?force=kent-police", HISTORICAL),
        # A value the form does not offer is ignored, not an error.
        ("?force=hestia", REGISTER),
        ("?stage=nonsense&year=1066", REGISTER),
        ("?stage=&body=&year=&force=", REGISTER),
    ],
)
def test_filters(client, query, expected):
    html = main(get(client, "/super-complaints/" + query))

    assert references(html) == expected
    if not expected:
        assert "No super-complaint on the register matches these filters." in html


def test_filters_find_complaints_naming_a_force_or_about_all_forces(client):
    case = published_case()  # names Kent Police and Essex Police
    other = investigating("Police use of force on children", body="Galop", forces=["Gwent Police"])

    assert references(main(get(client, "/super-complaints/?force=kent-police"))) == [
        case.complaint.reference,
        *HISTORICAL,
    ]
    assert references(main(get(client, "/super-complaints/?force=gwent-police"))) == [
        other.reference,
        *HISTORICAL,
    ]
    assert references(main(get(client, "/super-complaints/?force=essex-police&year=2026"))) == [
        case.complaint.reference
    ]
    assert references(main(get(client, "/super-complaints/?stage=investigating"))) == [
        other.reference,
        EIGHTH,
    ]
    assert references(main(get(client, "/super-complaints/?stage=report_published&year=2026"))) == [
        case.complaint.reference
    ]


def test_the_filter_form_works_without_javascript(client):
    html = main(get(client, "/super-complaints/?year=2019"))

    form = re.search(
        r'<form method="get" action="/super-complaints/" novalidate>(.*?)</form>', html, re.S
    ).group(1)
    assert re.findall(r'<select class="govuk-select" id="id_(\w+)" name="(\w+)"', form) == [
        ("stage", "stage"),
        ("body", "body"),
        ("year", "year"),
        ("force", "force"),
    ]
    stages = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form.split('name="body"')[0])
    assert stages == [
        ("", "Any stage"),
        ("eligible", "Eligible for investigation"),
        ("investigating", "Being investigated"),
        ("report_published", "Report published"),
        ("monitoring", "Responses being monitored"),
        ("closed", "Closed"),
        ("not_eligible", "Not eligible"),
        ("withdrawn", "Withdrawn"),
    ]
    years = re.findall(
        r'<option value="(\d*)"( selected)?>', form.split('name="year"')[1].split("</select>")[0]
    )
    assert years == [
        ("", ""),
        ("2025", ""),
        ("2022", ""),
        ("2021", ""),
        ("2020", ""),
        ("2019", " selected"),
        ("2018", ""),
    ]
    assert len(re.findall(r"<option ", form.split('name="force"')[1])) == 48  # any, and the 47 forces
    assert '<button type="submit" class="govuk-button govuk-button--secondary"' in form
    assert '<a class="govuk-link" href="/super-complaints/">Clear filters</a>' in form


def test_pagination_keeps_the_filters(client, monkeypatch):
    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 3)

    first = main(get(client, "/super-complaints/?stage=report_published"))
    third = main(get(client, "/super-complaints/?stage=report_published&page=3"))

    assert references(first) == HISTORICAL[:3]
    assert references(third) == HISTORICAL[6:]
    assert 'href="?stage=report_published&amp;page=2" rel="next"' in first
    assert "7 super-complaints" in text(third)
    html = get(client, "/super-complaints/?page=2")
    assert "<title>The register of super-complaints (page 2 of 3) – Police super-complaints</title>" in html


def test_an_empty_register(client):
    from complaints.models import SuperComplaint

    SuperComplaint.objects.filter(public_since__isnull=False).update(public_since=None)
    html = main(get(client, "/super-complaints/"))

    assert references(html) == []
    assert "0 super-complaints" in text(html)
    assert "There are no super-complaints on the register yet." in html


REGISTER_QUERIES = 7  # count, page, complainants, reports; filter options: bodies, forces, years


@pytest.mark.parametrize("query", ["", "?stage=report_published&force=kent-police", "?year=2019&body=hestia"])
def test_the_register_runs_a_fixed_number_of_queries(client, django_assert_num_queries, query):
    with django_assert_num_queries(REGISTER_QUERIES):
        get(client, "/super-complaints/" + query)

    published_case()
    for n in range(4):
        decided(f"Complaint number {n}", body="Hestia", forces=["Kent Police", "Dyfed-Powys Police"])
    investigating("Another complaint", body="Galop")
    with django_assert_num_queries(REGISTER_QUERIES):
        html = get(client, "/super-complaints/" + query)
    expected = {"": 14, "?stage=report_published&force=kent-police": 8, "?year=2019&body=hestia": 1}
    assert len(references(html)) == expected[query]
