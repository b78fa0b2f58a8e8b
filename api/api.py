"""The public JSON API, version 1: the published register, read-only.

Mounted at /api/ (config/urls.py); the OpenAPI schema is served at /api/openapi.json. Handlers only
read through ``api.selectors``, which start from the published-only selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Router, Status
from ninja.decorators import decorate_view
from pydantic import StringConstraints

from api import schemas, selectors
from complaints.published import filter_register
from pagecache.cache import cached_complaint_page, cached_public_page

api = NinjaAPI(
    title="Police super-complaints",
    version="1",
    description=(
        "The public register of police super-complaints in England and Wales (Police Reform Act 2002 "
        "Part 2A): complaints, reports, recommendations, responses and organisations. Only what is "
        "published appears. Open Government Licence v3.0."
    ),
    urls_namespace="api",
    # The interactive docs page would need scripts the content security policy does not allow from
    # a CDN; the schema itself is the documentation.
    docs_url=None,
)

v1 = Router(tags=["v1"])

MAX_LIMIT = 200
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]
# Patterns keep odd bytes (a NUL, which PostgreSQL refuses) out of queries: they are a 422, not a 500.
SlugText = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]
REFERENCE_PATTERN = r"^[A-Za-z0-9-]+$"
ReferenceText = Annotated[str, StringConstraints(pattern=REFERENCE_PATTERN, max_length=60)]

# Every operation may answer 422 (a parameter did not validate) or 429 (rate limited, by the
# middleware in common/security.py before the handler runs).
ERRORS = {422: schemas.ValidationErrors, 429: schemas.RateLimited}
M = TypeVar("M", bound=Model)


def _page(
    queryset: QuerySet[M], limit: int, offset: int, serialise: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    return {
        "items": [serialise(item) for item in queryset[offset : offset + limit]],
        "count": queryset.count(),
    }


@v1.get(
    "/super-complaints",
    response={200: schemas.SuperComplaintPage, **ERRORS},
    summary="List published super-complaints",
    operation_id="list_super_complaints",
)
@decorate_view(cached_public_page)
def list_super_complaints(
    request: HttpRequest,
    stage: Annotated[schemas.Stage | None, Query(description="The complaint's stage.")] = None,
    body: Annotated[SlugText | None, Query(description="A designated body's slug.")] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999, description="Year of receipt.")] = None,
    force: Annotated[SlugText | None, Query(description="A police force's slug.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Published super-complaints, oldest receipt first.

    ``body``: a designated body's slug (complaints it made). ``force``: a force's slug (complaints
    naming it, and those about all forces).
    """
    complaints = filter_register(
        selectors.published_complaints(), stage=stage, body=body, year=year, force=force
    )
    return _page(complaints, limit, offset, selectors.complaint_data)


@v1.get(
    "/super-complaints/{reference}",
    response={200: schemas.SuperComplaint, 404: schemas.Error, **ERRORS},
    summary="One published super-complaint",
    operation_id="get_super_complaint",
)
@decorate_view(cached_complaint_page)
def get_super_complaint(
    request: HttpRequest,
    reference: Annotated[str, Path(pattern=REFERENCE_PATTERN, max_length=60)],
):
    complaint = selectors.published_complaints().filter(reference=reference).first()
    if complaint is None:
        return Status(
            404,
            {
                "detail": _("No published super-complaint has the reference %(reference)s.")
                % {"reference": reference}
            },
        )
    return selectors.complaint_data(complaint)


@v1.get(
    "/organisations",
    response={200: schemas.OrganisationPage, **ERRORS},
    summary="List organisations",
    operation_id="list_organisations",
)
@decorate_view(cached_public_page)
def list_organisations(
    request: HttpRequest,
    kind: Annotated[schemas.Kind | None, Query(description="Only organisations of this kind.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Designated bodies (with their designations), forces, local policing bodies, the
    decision-making authorities and national bodies, by name."""
    return _page(selectors.organisations(kind), limit, offset, selectors.organisation_data)


@v1.get(
    "/recommendations",
    response={200: schemas.RecommendationPage, **ERRORS},
    summary="List recommendations of published reports",
    operation_id="list_recommendations",
)
@decorate_view(cached_public_page)
def list_recommendations(
    request: HttpRequest,
    complaint: Annotated[ReferenceText | None, Query(description="A super-complaint's reference.")] = None,
    addressee: Annotated[SlugText | None, Query(description="An organisation's slug.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    """Each recommendation with its addressees, each addressee's deadline and its published
    responses. ``complaint``: a super-complaint's reference. ``addressee``: an organisation's slug."""
    recommendations = selectors.filter_recommendations(
        selectors.published_recommendations(), complaint=complaint, addressee=addressee
    )
    return _page(recommendations, limit, offset, selectors.recommendation_data)


api.add_router("/v1/", v1)
