"""Each published response on its own page, linked from every cell that shows it; the counts of
answers on time, late and missing, with rates only where five or more were due."""

from __future__ import annotations

import datetime

import pytest

from public import selectors
from recommendations.selectors import RATE_MINIMUM, ResponseStatistics
from tests.public.pages import get, main, tables
from tests.public.seed import published_case

pytestmark = pytest.mark.usefixtures("public_record")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(selectors, "london_today", lambda: datetime.date(2026, 7, 15))


def test_rates_are_given_only_from_five_answers_due():
    four = ResponseStatistics(on_time=3, late=1, missing=0, awaited=9, no_deadline=2)
    five = ResponseStatistics(on_time=3, late=1, missing=1, awaited=9, no_deadline=2)

    assert RATE_MINIMUM == 5
    assert (four.due_by_now, four.rates_shown, four.on_time_rate) == (4, False, None)
    assert (five.due_by_now, five.total, five.rates_shown) == (5, 16, True)
    assert (five.on_time_rate, five.late_rate, five.missing_rate) == (60, 20, 20)


def test_a_published_response_has_its_own_page(client):
    case = published_case()
    reference = case.complaint.reference
    page = main(
        get(client, f"/super-complaints/{reference}/recommendations/{reference}-R1/responses/home-office/")
    )

    assert "Response of Home Office" in page
    assert "Record every missing episode the same way." in page
    assert "Accepted" in page
    assert "1 June 2026" in page
    assert "On time" in page
    assert "We accept it in full." in page


def test_an_addressee_without_a_published_response_has_no_page(client):
    case = published_case()
    reference = case.complaint.reference

    response = client.get(
        f"/super-complaints/{reference}/recommendations/{reference}-R2/responses/kent-police/"
    )

    assert response.status_code == 404


def test_matrix_cells_link_to_the_responses_and_count_them(client):
    case = published_case()
    reference = case.complaint.reference
    html = main(get(client, f"/super-complaints/{reference}/recommendations/"))

    assert (
        f'href="/super-complaints/{reference}/recommendations/{reference}-R1/responses/home-office/"' in html
    )
    assert "/responses/kent-police/" not in html
    assert "Responses on time, late and missing" in html
    statistics = tables(html)  # the matrix only: the counts are a summary list
    assert len(statistics) == 1
    # Home Office on time, the NPCC late, Kent Police's deadline (56 days after 1 May) passed: three
    # due, fewer than five, so no percentage.
    assert 'Responded on time</dt>\n    <dd class="govuk-summary-list__value">1</dd>' in html
    assert 'Responded late</dt>\n    <dd class="govuk-summary-list__value">1</dd>' in html
    assert 'Deadline passed, no response</dt>\n    <dd class="govuk-summary-list__value">1</dd>' in html
    assert "%" not in html.split("Responses on time, late and missing")[1].split("How these are counted")[0]
