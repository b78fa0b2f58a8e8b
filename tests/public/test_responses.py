"""Each published response on its own page, linked from every cell that shows it; the counts of
answers on time, late and missing, with rates only where five or more were due."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from accounts.models import Role
from public import selectors
from recommendations.escalation import run_ladder
from recommendations.models import Obligation, Response
from recommendations.selectors import RATE_MINIMUM, ResponseStatistics
from recommendations.services import set_obligation_due
from recommendations.verification import withhold_from_response
from tests.builders import authority, org
from tests.portal.support import person
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


def test_the_overdue_mark_comes_from_the_ladder_and_goes_with_a_new_deadline(client):
    case = published_case()  # Kent Police's deadline on recommendation 2: 26 June 2026
    reference = case.complaint.reference
    kent = Obligation.objects.get(recommendation=case.recommendations[1], organisation=org("Kent Police"))
    url = f"/super-complaints/{reference}/recommendations/"

    def kent_cell() -> str:
        (matrix,) = tables(main(get(client, url)))
        return next(row for row in matrix.texts() if row[0] == "Kent Police")[2]

    run_ladder(datetime.date(2026, 7, 23))  # day 27 after the deadline: letters, no mark yet
    assert kent_cell() == "No response yet, deadline passed"
    run_ladder(datetime.date(2026, 7, 24))  # day 28
    assert Obligation.objects.get(pk=kent.pk).publicly_overdue_on == datetime.date(2026, 7, 24)
    assert kent_cell() == "Overdue No response yet, overdue"
    rows = {
        row["organisation_slug"]: row
        for row in csv.DictReader(
            io.StringIO(client.get("/open-data/obligations.csv").content.decode("utf-8-sig"))
        )
    }
    assert rows["kent-police"]["marked_overdue_on"] == "2026-07-24"

    set_obligation_due(kent, due=datetime.date(2026, 7, 31), explanation="Extended on request")
    assert Obligation.objects.get(pk=kent.pk).publicly_overdue_on is None
    assert kent_cell() == "No response yet"


def test_a_withheld_passage_leaves_the_register_and_the_api(client):
    case = published_case()
    reference = case.complaint.reference
    home_office = Response.objects.get(obligation__organisation=org("Home Office"))
    staff = person("team@hmicfrs.example", authority("HMICFRS"), Role.CASEWORKER)
    withhold_from_response(
        home_office, field="explanation", passage="in full", reason="Names an officer", user=staff
    )
    page = main(
        get(client, f"/super-complaints/{reference}/recommendations/{reference}-R1/responses/home-office/")
    )
    api = client.get("/api/v1/recommendations", {"complaint": reference}).content.decode()

    assert "We accept it [Personal data withheld]." in page
    assert "Personal data has been withheld from this response" in page
    assert "in full" not in page and "in full" not in api
    assert "We accept it [Personal data withheld]." in api
