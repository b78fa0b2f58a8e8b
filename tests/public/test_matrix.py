"""The recommendation × addressee matrix: a real table a screen reader can read, usable with 43 and
more addressees, in a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest

from public import selectors
from recommendations.models import AddresseeGroup, Obligation, ResponseStatus
from recommendations.services import add_recommendation, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import cache_content_types, london, org, sign_off_all
from tests.public.pages import get, main, tables
from tests.public.seed import investigating, publish_response, published_case

pytestmark = pytest.mark.usefixtures("public_record")

HESTIA = "/super-complaints/SC-2019-002/recommendations/"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(selectors, "london_today", lambda: datetime.date(2026, 7, 15))


def test_hestias_matrix_has_a_row_per_addressee_and_a_column_per_recommendation(client):
    html = main(get(client, HESTIA))
    (matrix,) = tables(html)

    assert matrix.caption == (
        "Responses to the recommendations of the report on super-complaint SC-2019-002, by 44 addressees"
    )
    header = matrix.rows[0]
    assert [(c.tag, c.attrs.get("scope"), c.text) for c in header] == [
        ("th", "col", "Addressee"),
        ("th", "col", "Recommendation 1"),
        ("th", "col", "Chief constable recommendations (paraphrase)"),
    ]
    body = matrix.rows[1:]
    assert len(body) == 44
    assert all(row[0].tag == "th" and row[0].attrs["scope"] == "row" for row in body)
    assert all([cell.tag for cell in row[1:]] == ["td", "td"] for row in body)
    texts = {row[0].text: [cell.text for cell in row[1:]] for row in body}
    assert texts["Home Office"] == ["No response yet", "Not addressed"]
    assert texts["Avon and Somerset Constabulary"] == ["Not addressed", "No response yet"]
    assert [row[0].text for row in body][:3] == [
        "Avon and Somerset Constabulary",
        "Bedfordshire Police",
        "Cambridgeshire Constabulary",
    ]


def test_the_wide_table_scrolls_in_a_labelled_focusable_region(client):
    html = main(get(client, HESTIA))

    assert re.search(
        # The heading claims only what the table shows: 44 rows, and no response in any of them.
        r'<h2 class="govuk-heading-m" id="matrix-heading">44 addressees; 0 responses entered</h2>\s*'
        r'<section class="app-table-scroll" aria-labelledby="matrix-heading" tabindex="0">\s*'
        r'<table class="govuk-table app-matrix">\s*<caption class="govuk-table__caption govuk-visually-hidden">',
        html,
    )


def test_cells_say_what_was_answered_and_whether_on_time(client):
    case = published_case()
    (matrix,) = tables(main(get(client, f"/super-complaints/{case.complaint.reference}/recommendations/")))

    assert matrix.texts() == [
        ["Addressee", "Recommendation 1", "Recommendation 2"],
        ["Home Office", "Accepted, on time", "Not addressed"],
        ["Kent Police", "Not addressed", "No response yet, deadline passed"],
        ["National Police Chiefs' Council", "Partially accepted, late", "Not addressed"],
    ]


def _big_report() -> str:
    """A report with five recommendations to all 43 chief constables, all 43 local policing bodies
    and the Home Office: 87 addressees."""
    complaint = investigating("Police response to rural crime", body="Galop")
    report = create_report(complaint, title="Rural crime")
    constables = AddresseeGroup.objects.get(slug="chief-constables")
    bodies = AddresseeGroup.objects.get(slug="local-policing-bodies")
    for n in range(1, 6):
        expand_addressees(
            add_recommendation(
                report,
                label=f"Recommendation {n}",
                text=f"Do thing {n}.",
                groups=[constables, bodies],
                organisations=[org("Home Office")],
                default_due=datetime.date(2026, 9, 1),
            )
        )
    publish_report(sign_off_all(report), at=london(2026, 6, 1, 9))
    publish_response(
        Obligation.objects.get(
            recommendation__report=report, recommendation__position=5, organisation=org("Home Office")
        ),
        status=ResponseStatus.ACCEPTED,
        submitted=london(2026, 7, 1, 9),
    )
    return complaint.reference


def test_a_large_matrix_runs_the_same_queries_as_a_small_one(client, django_assert_num_queries):
    case = published_case()
    cache_content_types()
    with django_assert_num_queries(MATRIX_QUERIES):
        small = get(client, f"/super-complaints/{case.complaint.reference}/recommendations/")
    reference = _big_report()
    with django_assert_num_queries(MATRIX_QUERIES):
        big = get(client, f"/super-complaints/{reference}/recommendations/")

    assert len(tables(small)[0].rows) == 4
    (matrix,) = tables(big)
    assert len(matrix.rows) == 88
    assert len(matrix.rows[0]) == 6
    assert matrix.texts()[1][1:] == ["No response yet"] * 5
    assert matrix.texts()[1 + [row[0] for row in matrix.texts()[1:]].index("Home Office")][1:] == [
        "No response yet"
    ] * 4 + ["Accepted, on time"]


# The complaint (with its decision), its complainants, features and forces; the report, its actions
# and opinions; the complaint's running deadlines; then the recommendations, their obligations, the
# published responses with their withheld passages and actions (each obligation's deadline day
# comes with it, in a subquery).
MATRIX_QUERIES = 13


def test_the_heading_counts_the_responses_the_table_shows(client):
    case = published_case()  # the Home Office and the NPCC have responded, Kent Police not
    html = main(get(client, f"/super-complaints/{case.complaint.reference}/recommendations/"))

    assert '<h2 class="govuk-heading-m" id="matrix-heading">3 addressees; 2 responses entered</h2>' in html
