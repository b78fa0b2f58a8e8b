"""Organisation pages (designated bodies, forces, local policing bodies, national bodies and the
decision-making authorities) and the list of designated bodies."""

from __future__ import annotations

import datetime
import re

import pytest

from organisations.models import Designation, Organisation, OrganisationKind
from organisations.services import record_designation, record_revocation
from public import selectors
from tests.builders import cache_content_types
from tests.public.pages import get, main, tables, text
from tests.public.seed import decided, published_case

pytestmark = pytest.mark.usefixtures("public_record")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(selectors, "london_today", lambda: datetime.date(2026, 7, 15))


def summary(html: str) -> dict[str, str]:
    rows = re.findall(r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>', html, re.S)
    return {text(key): text(value) for key, value in rows}


def after(html: str, heading: str, level: int = 2) -> str:
    marker = f">{heading}</h{level}>"
    return html[html.index(marker) + len(marker) :]


def test_a_designated_body_shows_its_designation_history_and_complaints(client):
    html = main(get(client, "/organisations/hestia/"))

    assert '<span class="govuk-caption-l">Designated body</span>' in html
    (history,) = tables(html)
    assert history.caption == "Designation history"
    assert history.texts() == [
        ["Instrument", "In force from", "Revoked from"],
        ["SI 2018/748 reg 3(h)", "1 November 2018", "Not revoked"],
    ]
    complaints = after(html, "Super-complaints made by this body")
    assert re.findall(r'href="(/super-complaints/[^"]+)"', complaints) == ["/super-complaints/SC-2019-002/"]
    assert "SC-2019-002, received 31 May 2019. Report published." in text(complaints)


def test_a_revoked_designation_is_shown_with_its_instrument(client):
    designation = Designation.objects.get(body__slug="galop")
    record_revocation(designation, instrument="SI 2026/123", revoked_from=datetime.date(2026, 4, 1))

    (history,) = tables(main(get(client, "/organisations/galop/")))
    assert history.texts()[1] == ["SI 2018/748 reg 3(g)", "1 November 2018", "1 April 2026 (SI 2026/123)"]


def test_a_force_shows_its_local_policing_body_complaints_and_what_is_addressed_to_it(client):
    html = main(get(client, "/organisations/kent-police/"))

    assert summary(html)["Local policing body"] == "Kent Police and Crime Commissioner"
    assert 'href="/organisations/kent-police-and-crime-commissioner/"' in html
    complaints = after(html, "Super-complaints about this force")
    # The seven investigated complaints concern every force.
    assert re.findall(r'href="/super-complaints/([^/"]+)/"', complaints.split("</ul>")[0]) == [
        "SC-2022-001",
        "SC-2021-001",
        "SC-2020-002",
        "SC-2020-001",
        "SC-2019-002",
        "SC-2019-001",
        "SC-2018-001",
    ]
    (addressed,) = tables(html)
    assert addressed.caption == "1 recommendation of published reports, and this organisation's responses"
    assert addressed.texts() == [
        ["Recommendation", "Super-complaint", "Deadline", "Response"],
        [
            "SC-2019-002-R2 Chief constable recommendations (paraphrase) As one of the chief constables",
            "Police response to victims of modern slavery",
            "No deadline set",
            "No response yet",
        ],
    ]


def test_a_local_policing_body_links_the_force_it_holds_to_account(client):
    html = main(get(client, "/organisations/kent-police-and-crime-commissioner/"))

    assert summary(html)["Holds to account"] == "Kent Police"
    # The public record says these reports address local policing bodies: never "nothing is addressed".
    assert "No recommendation of a published report is addressed to this organisation." not in html
    assert "No recommendation addressed to it is entered here yet." in html
    named = after(html, "Reports whose recommendations are addressed to it, from the public record", 3)
    assert re.findall(r'href="/super-complaints/([^/"]+)/#public-record"', named) == [
        "SC-2022-001",
        "SC-2021-001",
        "SC-2020-002",
        "SC-2020-001",
        "SC-2019-002",
        "SC-2018-001",
    ]
    assert "Their recommendations are not yet entered here." in text(named)


def test_the_npcc_page_shows_what_the_public_record_addresses_to_it(client):
    html = main(get(client, "/organisations/national-police-chiefs-council/"))

    assert "No recommendation of a published report is addressed to this organisation." not in html
    named = after(html, "Reports whose recommendations are addressed to it, from the public record", 3)
    assert re.findall(r'href="/super-complaints/([^/"]+)/#public-record"', named) == [
        "SC-2022-001",
        "SC-2021-001",
        "SC-2020-002",
        "SC-2019-001",
        "SC-2018-001",
    ]


def test_an_organisation_no_report_addresses_says_so(client):
    html = main(get(client, "/organisations/crown-prosecution-service/"))
    assert "Reports whose recommendations are addressed to it" in html  # the stalking report names the CPS
    cnc = main(get(client, "/organisations/civil-nuclear-constabulary/"))
    assert "No recommendation of a published report is addressed to this organisation." in cnc
    assert "Reports whose recommendations are addressed to it" not in cnc


def test_the_national_crime_agency_has_no_local_policing_body(client):
    html = main(get(client, "/organisations/national-crime-agency/"))

    assert summary(html)["Local policing body"] == "None: no local policing body holds this force to account"


def test_a_national_body_sees_its_responses_and_their_timeliness(client):
    published_case()
    html = main(get(client, "/organisations/home-office/"))
    (addressed,) = tables(html)

    rows = {row[0]: row[2:] for row in addressed.texts()[1:]}
    assert rows["SC-2019-002-R1 Recommendation 1"] == ["No deadline set", "No response yet"]
    assert rows["SC-2026-001-R1 Recommendation 1"] == [
        "1 June 2026",
        "Accepted, on time Submitted 1 June 2026 We accept it in full.",
    ]


def test_an_authority_shows_the_action_it_will_take(client):
    html = main(get(client, "/organisations/college-of-policing/"))

    actions = after(html, "Action this authority will take")
    assert text(actions.split("</ul>")[0]).startswith(
        "Action 1, SC-2019-002: Review and update its Authorised Professional Practice on modern slavery"
    )


def test_an_unknown_organisation_is_not_found(client):
    get(client, "/organisations/no-such-body/", status=404)


def test_designated_bodies_now_and_in_the_past(client):
    record_revocation(
        Designation.objects.get(body__slug="galop"),
        instrument="SI 2026/123",
        revoked_from=datetime.date(2026, 4, 1),
    )
    html = main(get(client, "/designated-bodies/"))

    now, past = tables(html)
    assert now.caption == "Designated now"
    assert now.rows[0][0].attrs["scope"] == "col"
    assert now.texts()[0] == ["Body", "Designated from", "Revoked from", "Instrument"]
    assert now.texts()[1] == [
        "Action on Elder Abuse Also known as Hourglass",
        "1 November 2018",
        "Not revoked",
        "SI 2018/748 reg 3(a)",
    ]
    assert len(now.rows) == 16
    assert "Galop" not in [row[0] for row in now.texts()]
    assert past.caption == "Designated in the past"
    assert past.texts()[1:] == [
        ["Galop", "1 November 2018", "1 April 2026", "SI 2018/748 reg 3(g) Revoked by SI 2026/123"]
    ]
    assert "15 bodies are designated today." in text(html)


def test_designated_bodies_with_none_revoked(client):
    html = main(get(client, "/designated-bodies/"))

    assert [t.caption for t in tables(html)] == ["Designated now"]
    assert "16 bodies are designated today." in text(html)
    assert "No designation has been revoked." in html


def _new_designated_bodies(count: int) -> None:
    for n in range(count):
        body = Organisation.objects.create(
            kind=OrganisationKind.DESIGNATED_BODY, name=f"New body {n}", slug=f"new-body-{n}"
        )
        record_designation(body, instrument=f"SI 2026/{n + 10}", in_force_from=datetime.date(2026, 3, 1))


def test_list_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries):
    pages = {
        "/designated-bodies/": 1,
        "/organisations/hestia/": 5,  # the body and designations; its complaints, complainants, reports
        # the force and its lpb, designations; complaints (3); addressed (2: obligations with their
        # deadline days, responses); named in the record (2)
        "/organisations/kent-police/": 9,
        # the body, designations; obligations (with their deadline days), responses with their
        # withheld passages, actions and the actions' updates; named in the record (2)
        "/organisations/home-office/": 9,
    }
    cache_content_types()
    published_case()
    for url, count in pages.items():
        with django_assert_num_queries(count):
            get(client, url)

    _new_designated_bodies(5)
    published_case("Police response to repeat missing episodes", body="Hestia")
    for n in range(3):
        decided(f"Hestia complaint {n}", body="Hestia", forces=["Kent Police"])
    for url, count in pages.items():
        with django_assert_num_queries(count):
            get(client, url)
    assert len(tables(main(get(client, "/designated-bodies/")))[0].rows) == 22
