from typing import get_args

import pytest

from api import schemas
from complaints.models import ComplaintState, Position
from organisations.models import OrganisationKind
from recommendations.models import ResponseStatus

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "/api/v1/super-complaints": "list_super_complaints",
    "/api/v1/super-complaints/{reference}": "get_super_complaint",
    "/api/v1/organisations": "list_organisations",
    "/api/v1/recommendations": "list_recommendations",
}


@pytest.fixture
def schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_schema_is_served_at_api_openapi_json_with_every_operation(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Police super-complaints"
    assert schema["info"]["version"] == "1"
    assert {path: ops["get"]["operationId"] for path, ops in schema["paths"].items()} == OPERATIONS
    assert all(list(ops) == ["get"] for ops in schema["paths"].values())


def test_every_operation_documents_its_errors(schema):
    responses = {path: ops["get"]["responses"] for path, ops in schema["paths"].items()}

    for path, codes in responses.items():
        expected = {"200", "404", "422", "429"} if "{reference}" in path else {"200", "422", "429"}
        assert set(codes) == expected, path
        assert codes["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationErrors"
        }
        assert codes["429"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/RateLimited"
        }
    assert responses["/api/v1/super-complaints/{reference}"]["404"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Error"}


def test_list_pages_are_shaped_items_and_count(schema):
    page = schema["components"]["schemas"]["SuperComplaintPage"]

    assert set(page["properties"]) == {"items", "count"}
    assert set(page["required"]) == {"items", "count"}
    limit = next(
        p for p in schema["paths"]["/api/v1/super-complaints"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"], limit["schema"]["default"]) == (
        1,
        200,
        50,
    )


def test_the_filters_are_documented(schema):
    def names(path):
        return [p["name"] for p in schema["paths"][path]["get"]["parameters"]]

    assert names("/api/v1/super-complaints") == ["stage", "body", "year", "force", "limit", "offset"]
    assert names("/api/v1/organisations") == ["kind", "limit", "offset"]
    assert names("/api/v1/recommendations") == ["complaint", "addressee", "limit", "offset"]


def test_no_docs_page_pulls_scripts_from_elsewhere(client):
    assert client.get("/api/docs").status_code == 404


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (schemas.Stage, [s for s in ComplaintState.values if s != ComplaintState.DRAFT]),
        (schemas.Kind, OrganisationKind.values),
        (schemas.Outcome, Position.values),
        (schemas.Status, ResponseStatus.values),
    ],
)
def test_the_documented_values_are_the_models_choices(literal, choices):
    assert list(get_args(literal)) == choices


def test_the_documented_429_is_the_shape_the_rate_limit_answers_with(schema, client, public_record, settings):
    """The schema's RateLimited is what a refused request really gets: same fields, all required."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    client.get("/api/v1/organisations", REMOTE_ADDR="127.0.0.9")
    refused = client.get("/api/v1/organisations", REMOTE_ADDR="127.0.0.9")
    assert refused.status_code == 429
    documented = schema["components"]["schemas"]["RateLimited"]
    assert set(documented["required"]) == set(documented["properties"]) == set(refused.json())
