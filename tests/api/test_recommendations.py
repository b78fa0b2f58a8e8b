import datetime

import pytest

from complaints.models import SuperComplaint
from recommendations.models import AddresseeGroup, Obligation
from recommendations.services import add_recommendation, expand_addressees
from tests.builders import cache_content_types, london
from tests.public.seed import give_deadline, publish_response

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

LIST = "/api/v1/recommendations"


def items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


def obligation(reference, slug):
    return Obligation.objects.get(recommendation__reference=reference, organisation__slug=slug)


def test_hestias_recommendations_with_their_addressees(client):
    first, second = items(client.get(LIST, {"complaint": "SC-2019-002"}))

    assert first["reference"] == "SC-2019-002-R1"
    assert first["label"] == "Recommendation 1"
    assert first["text"].startswith("In consultation with chief constables, the Independent Anti-Slavery")
    assert first["text_verified"] is False
    assert first["complaint"] == "SC-2019-002"
    assert first["report_title"].startswith("The hidden victims")
    assert first["addressee_groups"] == []
    assert first["addressees"] == [{"slug": "home-office", "name": "Home Office"}]
    assert first["obligations"] == [
        {"organisation": {"slug": "home-office", "name": "Home Office"}, "due": None, "responses": []}
    ]
    assert second["reference"] == "SC-2019-002-R2"
    assert second["addressee_groups"] == [{"slug": "chief-constables", "name": "chief constables"}]
    assert len(second["addressees"]) == 43
    assert len(second["obligations"]) == 43
    assert second["addressees"][0] == {
        "slug": "avon-and-somerset-constabulary",
        "name": "Avon and Somerset Constabulary",
    }


def test_filter_by_addressee(client):
    assert [r["reference"] for r in items(client.get(LIST, {"addressee": "home-office"}))] == [
        "SC-2019-002-R1"
    ]
    assert [r["reference"] for r in items(client.get(LIST, {"addressee": "kent-police"}))] == [
        "SC-2019-002-R2"
    ]
    assert items(client.get(LIST, {"addressee": "hestia"})) == []
    assert items(client.get(LIST, {"complaint": "SC-2018-001"})) == []
    assert items(client.get(LIST, {"complaint": "SC-2019-002", "addressee": "kent-police"}))[0][
        "reference"
    ] == ("SC-2019-002-R2")


def test_published_responses_say_whether_they_were_on_time(client):
    give_deadline(obligation("SC-2019-002-R2", "kent-police"), datetime.date(2021, 7, 21))
    give_deadline(obligation("SC-2019-002-R2", "essex-police"), datetime.date(2021, 7, 21))
    # Submitted at 23:30 on the deadline, London time (22:30 UTC): on time.
    publish_response(
        obligation("SC-2019-002-R2", "kent-police"),
        status="accepted",
        submitted=london(2021, 7, 21, 23, 30),
        published=london(2021, 7, 28, 9),
        reasons="Training is under way.",
        explanation="All officers by March 2022.",
    )
    # Submitted at 00:30 BST the day after: late.
    publish_response(
        obligation("SC-2019-002-R2", "essex-police"),
        status="partially_accepted",
        submitted=datetime.datetime(2021, 7, 21, 23, 30, tzinfo=datetime.UTC),
        published=london(2021, 7, 28, 9),
    )
    # No deadline set: neither on time nor late.
    publish_response(
        obligation("SC-2019-002-R1", "home-office"),
        status="already_in_place",
        submitted=london(2021, 9, 1, 12),
        published=london(2021, 9, 2, 12),
    )

    first, second = items(client.get(LIST, {"complaint": "SC-2019-002"}))
    by_force = {o["organisation"]["slug"]: o for o in second["obligations"]}

    assert by_force["kent-police"] == {
        "organisation": {"slug": "kent-police", "name": "Kent Police"},
        "due": "2021-07-21",
        "responses": [
            {
                "status": "accepted",
                "submitted": "2021-07-21",
                "published": "2021-07-28",
                "on_time": True,
                "explanation": "All officers by March 2022.",
                "reasons": "Training is under way.",
                "actions": [],
            }
        ],
    }
    assert by_force["essex-police"]["responses"][0]["submitted"] == "2021-07-22"
    assert by_force["essex-police"]["responses"][0]["on_time"] is False
    assert by_force["surrey-police"]["responses"] == []
    assert first["obligations"][0]["responses"][0]["on_time"] is None
    assert first["obligations"][0]["responses"][0]["status"] == "already_in_place"


@pytest.mark.parametrize("query", [{"complaint": "SC 2019"}, {"addressee": "kent police"}, {"limit": 500}])
def test_bad_filters_are_a_422(client, query):
    assert client.get(LIST, query).status_code == 422


def test_the_same_number_of_queries_for_one_recommendation_as_for_many(client, django_assert_num_queries):
    for slug in ("kent-police", "essex-police", "gwent-police"):
        publish_response(
            obligation("SC-2019-002-R2", slug),
            status="accepted",
            submitted=london(2021, 7, 1, 12),
            published=london(2021, 7, 2, 12),
        )
    publish_response(
        obligation("SC-2019-002-R1", "home-office"),
        status="accepted",
        submitted=london(2021, 7, 1, 12),
        published=london(2021, 7, 2, 12),
    )

    stalking = SuperComplaint.objects.get(reference="SC-2022-001").report
    groups = list(AddresseeGroup.objects.all())
    for n in range(1, 4):
        expand_addressees(
            add_recommendation(
                stalking, label=f"Recommendation {n}", text=f"Act on stalking, step {n}.", groups=groups
            )
        )

    cache_content_types()
    # The obligations' deadline days come in their own query (a subquery), not one more; the
    # responses bring their withheld passages and their actions, one query each (none of these has
    # an action, so there is no query for the actions' updates).
    with django_assert_num_queries(8) as one:
        assert len(items(client.get(LIST, {"addressee": "home-office"}))) == 1
    with django_assert_num_queries(8) as many:
        assert len(items(client.get(LIST))) == 5
    assert len(one.captured_queries) == len(many.captured_queries)
