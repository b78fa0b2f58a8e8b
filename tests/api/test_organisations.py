import datetime

import pytest

from organisations.services import record_revocation
from tests.builders import org

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

LIST = "/api/v1/organisations"


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("designated_body", 16),
        ("force", 47),
        ("local_policing_body", 46),
        ("authority", 3),
        ("national_body", 5),
    ],
)
def test_each_kind_is_listed_with_its_count(client, kind, count):
    response = client.get(LIST, {"kind": kind, "limit": 200})

    assert response.json()["count"] == count
    assert {item["kind"] for item in items(response)} == {kind}
    assert len(items(response)) == count


def test_without_a_kind_every_organisation_is_listed_by_name(client):
    page = client.get(LIST, {"limit": 200}).json()

    names = [item["name"] for item in page["items"]]
    assert page["count"] == 16 + 47 + 46 + 3 + 5
    assert names == sorted(names)


def test_a_designated_body_carries_its_designation(client):
    hestia = next(i for i in items(client.get(LIST, {"kind": "designated_body"})) if i["slug"] == "hestia")

    assert hestia == {
        "slug": "hestia",
        "name": "Hestia",
        "name_cy": "",
        "kind": "designated_body",
        "short_name": org("Hestia").short_name,
        "country": org("Hestia").country,
        "verified": org("Hestia").verified,
        "local_policing_body": None,
        "designations": [
            {
                "instrument": org("Hestia").designations.get().instrument,
                "in_force_from": "2018-11-01",
                "revocation_instrument": None,
                "revoked_from": None,
            }
        ],
    }
    assert hestia["designations"][0]["instrument"].startswith("SI 2018/748 reg 3(")


def test_a_revoked_designation_shows_its_instrument_and_date(client):
    designation = org("Hestia").designations.get()
    record_revocation(designation, instrument="SI 2027/1 reg 2", revoked_from=datetime.date(2027, 1, 1))

    hestia = next(i for i in items(client.get(LIST, {"kind": "designated_body"})) if i["slug"] == "hestia")

    assert hestia["designations"][0]["revocation_instrument"] == "SI 2027/1 reg 2"
    assert hestia["designations"][0]["revoked_from"] == "2027-01-01"


def test_a_force_names_its_local_policing_body(client):
    forces = {item["slug"]: item for item in items(client.get(LIST, {"kind": "force", "limit": 200}))}

    gwent = forces["gwent-police"]
    assert gwent["country"] == "Wales"
    assert gwent["designations"] == []
    assert gwent["local_policing_body"] == org("Gwent Police").local_policing_body.slug
    assert forces["national-crime-agency"]["local_policing_body"] is None


def test_pages_by_limit_and_offset(client):
    page = client.get(LIST, {"kind": "force", "limit": 10, "offset": 40}).json()

    assert page["count"] == 47
    assert len(page["items"]) == 7
    assert page["items"][-1]["name"] == "Wiltshire Police"


def test_an_unknown_kind_is_a_422(client):
    response = client.get(LIST, {"kind": "charity"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "kind"]


def test_the_same_number_of_queries_for_three_organisations_as_for_a_hundred(
    client, django_assert_num_queries
):
    with django_assert_num_queries(3) as few:
        assert len(items(client.get(LIST, {"kind": "authority"}))) == 3
    with django_assert_num_queries(3) as many:
        assert len(items(client.get(LIST, {"limit": 200}))) == 117
    assert len(few.captured_queries) == len(many.captured_queries)
