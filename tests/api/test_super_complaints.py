import pytest

from tests.builders import london
from tests.public.seed import made_public

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

LIST = "/api/v1/super-complaints"
PUBLIC_RECORD = [
    "SC-2018-001",
    "SC-2019-001",
    "SC-2019-002",
    "SC-2020-001",
    "SC-2020-002",
    "SC-2021-001",
    "SC-2022-001",
    "SC-2025-001",
]
# All but the eighth, which the public record gives at the stage "Being investigated".
REPORTED = PUBLIC_RECORD[:-1]
HESTIA_FEATURES = [
    "non-specialist police officers fail to recognise the signs of exploitation and fail in their duty to "
    "report modern slavery to the Home Office",
    "police officers aren't taking immediate steps to make a victim feel safe",
    "victims of modern slavery are treated as immigration offenders",
    "victims of modern slavery are treated as criminals when they have been forced to commit criminal "
    "activities by their exploiters, despite the existence of the section 45 defence in the Modern "
    "Slavery Act 2015",
    "police forces don't adequately investigate cases that come to their attention",
    "the adequacy of training provided to frontline officers",
]


def references(response):
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


def test_hestia_is_shown_exactly_as_the_public_record_gives_it(client):
    response = client.get(f"{LIST}/SC-2019-002")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "reference": "SC-2019-002",
        "title": "Police response to victims of modern slavery",
        "title_verified": True,
        "subject": "The policies and practices of all police forces in England and Wales with respect to "
        "the standard of support that victims of modern slavery receive",
        "stage": "report_published",
        "is_demonstration": False,
        "complainants": ["Hestia"],
        "complainant_slugs": ["hestia"],
        "made_with": None,
        "received": "2019-05-31",
        "features": HESTIA_FEATURES,
        "forces_scope": "all",
        "forces": [],
        "eligibility": {"outcome": "eligible", "decided": None},
        # Made before this service: the progress reports sent then are not known here.
        "progress_reports_sent": None,
        "unverified_facts": [],
        "publication_url": None,
        "report": {
            "title": "The hidden victims: report on Hestia's super-complaint on the police response to "
            "victims of modern slavery",
            "title_verified": True,
            "published": "2021-05-26",
            "publication_url": "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"
            "report-on-hestias-super-complaint-on-the-police-response-to-victims-of-modern-slavery",
            "recommendation_count": None,
        },
        "url": "/super-complaints/SC-2019-002/",
    }


def test_a_receipt_known_only_to_the_month_is_given_as_the_month(client):
    complaint = client.get(f"{LIST}/SC-2020-001").json()

    assert complaint["received"] == "2020-03"
    assert complaint["report"] == {
        "title": "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint",
        "title_verified": True,
        "published": "2022-06-30",
        "publication_url": "https://hmicfrs.justiceinspectorates.gov.uk/publications/"
        "police-perpetrated-domestic-abuse-report-on-the-centre-for-womens-justice-super-complaint/",
        "recommendation_count": None,
    }


def test_a_complaint_known_from_press_reports_is_flagged(client):
    complaint = client.get(f"{LIST}/SC-2025-001").json()

    assert complaint["title"] == "Lengthy police investigations of sexual offences"
    assert complaint["title_verified"] is False
    assert complaint["stage"] == "investigating"
    assert complaint["received"] == "2025-12"
    assert (
        complaint["made_with"] == "Rape Crisis England & Wales, Cambridge Rape Crisis Centre and Bindmans LLP"
    )
    assert set(complaint["unverified_facts"]) == {
        "title",
        "subject",
        "received_on",
        "made_with",
        "eligibility",
    }
    assert complaint["publication_url"] is None
    assert complaint["progress_reports_sent"] is None
    assert complaint["forces_scope"] is None
    assert complaint["report"] is None


def test_a_report_published_in_a_known_month_and_a_dated_decision(client):
    duty = client.get(f"{LIST}/SC-2019-001").json()
    stalking = client.get(f"{LIST}/SC-2022-001").json()

    assert duty["report"]["published"] == "2021-08"
    assert stalking["received"] == "2022-11"
    assert stalking["eligibility"] == {"outcome": "eligible", "decided": "2023-01-26"}


def test_the_list_holds_the_public_record_oldest_receipt_first(client):
    response = client.get(LIST)

    assert references(response) == PUBLIC_RECORD
    assert response.json()["count"] == 8
    liberty = response.json()["items"][0]
    assert liberty["complainants"] == ["Liberty", "Southall Black Sisters"]
    assert liberty["received"] == "2018-12-18"


def test_pages_by_limit_and_offset_with_the_total_count(client):
    first = client.get(LIST, {"limit": 3}).json()
    last = client.get(LIST, {"limit": 3, "offset": 6}).json()
    beyond = client.get(LIST, {"limit": 3, "offset": 8}).json()

    assert [c["reference"] for c in first["items"]] == PUBLIC_RECORD[:3]
    assert [c["reference"] for c in last["items"]] == ["SC-2022-001", "SC-2025-001"]
    assert beyond == {"items": [], "count": 8}
    assert first["count"] == last["count"] == 8


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"year": "twenty"}, {"stage": "draft"}, {"body": "a b"}],
)
def test_bad_query_parameters_are_a_documented_422(client, query):
    response = client.get(LIST, query)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", next(iter(query))]


def test_the_largest_page_is_200(client):
    response = client.get(LIST, {"limit": 200})

    assert response.status_code == 200
    assert response.json()["count"] == 8


def test_filter_by_year_of_receipt_includes_months(client):
    assert references(client.get(LIST, {"year": 2019})) == ["SC-2019-001", "SC-2019-002"]
    assert references(client.get(LIST, {"year": 2020})) == ["SC-2020-001", "SC-2020-002"]
    assert references(client.get(LIST, {"year": 2017})) == []


def test_filter_by_complainant_body(client):
    assert references(client.get(LIST, {"body": "hestia"})) == ["SC-2019-002"]
    assert references(client.get(LIST, {"body": "centre-for-womens-justice"})) == [
        "SC-2019-001",
        "SC-2020-001",
        "SC-2025-001",
    ]
    assert references(client.get(LIST, {"body": "southall-black-sisters"})) == ["SC-2018-001"]
    assert references(client.get(LIST, {"body": "no-such-body"})) == []


def test_filter_by_stage(client):
    made_public("Being investigated", at=london(2026, 2, 2, 10))

    assert references(client.get(LIST, {"stage": "investigating"})) == ["SC-2025-001", "SC-2026-001"]
    assert references(client.get(LIST, {"stage": "report_published"})) == REPORTED
    assert references(client.get(LIST, {"stage": "closed"})) == []


def test_filter_by_force_finds_complaints_naming_it_and_those_about_all_forces(client):
    made_public("Gwent only", forces=["Gwent Police"], at=london(2026, 2, 2, 10))
    made_public("Kent and Essex", forces=["Kent Police", "Essex Police"], at=london(2026, 2, 3, 10))

    # Every complaint but the eighth concerns all forces (its forces are not recorded).
    assert references(client.get(LIST, {"force": "gwent-police"})) == [*REPORTED, "SC-2026-001"]
    assert references(client.get(LIST, {"force": "essex-police"})) == [*REPORTED, "SC-2026-002"]
    assert references(client.get(LIST, {"force": "hestia"})) == []  # a body, not a force
    assert references(client.get(LIST, {"force": "no-such-force"})) == []
    named = client.get(f"{LIST}/SC-2026-002").json()
    assert named["forces_scope"] == "named"
    assert named["forces"] == [
        {"slug": "essex-police", "name": "Essex Police"},
        {"slug": "kent-police", "name": "Kent Police"},
    ]


def test_filters_combine(client):
    made_public("Gwent only", forces=["Gwent Police"], at=london(2026, 2, 2, 10))

    assert references(client.get(LIST, {"force": "gwent-police", "year": 2026})) == ["SC-2026-001"]
    assert references(client.get(LIST, {"force": "gwent-police", "body": "liberty"})) == ["SC-2018-001"]
    assert references(client.get(LIST, {"force": "gwent-police", "body": "galop"})) == []


def test_a_complaint_made_through_the_service_shows_its_decision_day_and_progress_reports(client):
    complaint = made_public("Police response to stalking victims", at=london(2026, 2, 2, 10))

    item = client.get(f"{LIST}/{complaint.reference}").json()

    assert item["stage"] == "investigating"
    assert item["received"] == "2026-02-02"
    assert item["features"] == [
        "Feature of policing number 1",
        "Feature of policing number 2",
        "Feature of policing number 3",
    ]
    assert item["eligibility"]["outcome"] == "eligible"
    assert item["eligibility"]["decided"] == complaint.eligibility.decided_on.isoformat()
    assert item["progress_reports_sent"] == 0
    assert item["report"] is None


@pytest.mark.parametrize("reference", ["SC-2099-001", "sc-2019-002", "nothing"])
def test_an_unknown_reference_is_a_json_404(client, reference):
    response = client.get(f"{LIST}/{reference}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": f"No published super-complaint has the reference {reference}."}


def test_the_list_takes_the_same_number_of_queries_for_one_complaint_as_for_many(
    client, django_assert_num_queries
):
    for n in range(4):
        made_public(
            f"Named forces {n}", forces=["Gwent Police", "Kent Police"], at=london(2026, 3, 2 + n, 10)
        )

    with django_assert_num_queries(6) as one:
        assert references(client.get(LIST, {"body": "liberty"})) == ["SC-2018-001"]
    with django_assert_num_queries(6) as many:
        assert len(references(client.get(LIST, {"limit": 200}))) == 12
    assert len(one.captured_queries) == len(many.captured_queries)


def test_one_complaint_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(5):
        assert client.get(f"{LIST}/SC-2019-002").status_code == 200
