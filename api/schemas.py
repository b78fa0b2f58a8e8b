"""The shapes of the API's answers, as documented in /api/openapi.json."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Schema

# A date, or a month where the public record gives only the month: a day is never invented.
PartialDateText = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="YYYY-MM-DD, or YYYY-MM where only the month is known.",
        examples=["2019-05-31", "2020-03"],
    ),
]
DateText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", examples=["2024-11-22"])]

# Spelled out so the schema and type checkers can read them; a test keeps them equal to the
# model's choices.
Stage = Literal[
    "received",
    "acknowledged",
    "assessing",
    "eligible",
    "not_eligible",
    "investigating",
    "report_published",
    "monitoring",
    "closed",
    "withdrawn",
]
Kind = Literal["designated_body", "force", "local_policing_body", "authority", "national_body"]
Outcome = Literal["eligible", "not_eligible"]
Status = Literal["accepted", "partially_accepted", "not_accepted", "already_in_place"]


class Error(Schema):
    detail: str = Field(examples=["No published super-complaint has the reference SC-2099-001."])


class ValidationErrors(Schema):
    """A query parameter did not validate (HTTP 422): one entry per problem."""

    detail: list[dict[str, Any]] = Field(
        description="Each problem: ``type``, ``loc`` (where it is), ``msg`` (what is wrong)."
    )


class RateLimited(Schema):
    """Too many requests from one address in a minute (HTTP 429). The ``Retry-After`` header gives
    the same wait in seconds."""

    detail: str = Field(
        examples=[
            "Too many requests: the API allows 120 requests a minute from one address. Try again in 42 seconds."
        ]
    )
    limit_per_minute: int = Field(description="Requests a minute allowed from one address.")
    retry_after: int = Field(description="Seconds to wait before the next request.")


class OrganisationRef(Schema):
    slug: str
    name: str


class Eligibility(Schema):
    outcome: Outcome
    decided: PartialDateText | None = Field(description="Null where the public record gives no date.")


class ReportSummary(Schema):
    title: str
    title_verified: bool = Field(description="False where the title is descriptive, not the published one.")
    published: PartialDateText
    publication_url: str | None = Field(
        description="The official publication (GOV.UK or HMICFRS) of a report published before this "
        "service; null where it is written here or its address is not yet confirmed."
    )
    recommendation_count: int | None = Field(
        ge=0, description="How many recommendations the report makes, where known; null where not known."
    )


class SuperComplaint(Schema):
    reference: str = Field(examples=["SC-2019-002"])
    title: str
    title_verified: bool = Field(
        description="False where the title is descriptive, from press reports, and not yet confirmed."
    )
    subject: str
    stage: Stage
    is_demonstration: bool = Field(
        description="True for demonstration data (made by the demo_lifecycle command), not a real complaint."
    )
    complainants: list[str] = Field(description="The designated bodies that made it, by name.")
    complainant_slugs: list[str]
    made_with: str | None = Field(
        description="Organisations, not designated bodies, that the complaint was made together with."
    )
    received: PartialDateText
    features: list[str] = Field(description="The features of policing complained of (PRA 2002 s.29A).")
    forces_scope: Literal["all", "named"] | None = Field(
        description="'all': every force in England and Wales; 'named': the forces listed."
    )
    forces: list[OrganisationRef]
    eligibility: Eligibility | None
    progress_reports_sent: int | None = Field(
        ge=0,
        description="Progress reports sent (SI 2018/748 reg 7); null where not known, for a complaint "
        "made before this service.",
    )
    unverified_facts: list[str] = Field(
        description="The fields whose values come only from press reports or the complainants' own "
        "announcements, not yet confirmed: title, subject, received_on, made_with, eligibility."
    )
    publication_url: str | None = Field(
        description="The official publication of the complaint, where its address is confirmed."
    )
    report: ReportSummary | None = Field(description="The published report (reg 8), or null.")
    url: str = Field(description="The complaint's page on the public register.")


class SuperComplaintPage(Schema):
    items: list[SuperComplaint]
    count: int = Field(ge=0, description="How many match, across all pages.")


class Designation(Schema):
    instrument: str
    in_force_from: DateText
    revocation_instrument: str | None
    revoked_from: DateText | None


class Organisation(Schema):
    slug: str
    name: str
    name_cy: str
    kind: Kind
    short_name: str
    country: str
    verified: bool = Field(description="False where a fact from the public record is not yet confirmed.")
    local_policing_body: str | None = Field(description="For a force: its local policing body's slug.")
    designations: list[Designation] = Field(description="For a designated body: its designations.")


class OrganisationPage(Schema):
    items: list[Organisation]
    count: int = Field(ge=0)


class ResponseAction(Schema):
    description: str
    owner_role: str = Field(description="The role that owns the action (never a named person).")
    target_date: DateText
    completed_on: DateText | None


class PublishedResponse(Schema):
    status: Status
    submitted: DateText | None
    published: DateText | None
    on_time: bool | None = Field(
        description="Submitted by the end of the deadline (London date); null where there is no deadline."
    )
    explanation: str
    reasons: str = Field(description="Why, where the position is not accepted.")
    actions: list[ResponseAction]


class Obligation(Schema):
    organisation: OrganisationRef
    due: DateText | None
    responses: list[PublishedResponse]


class Recommendation(Schema):
    reference: str = Field(examples=["SC-2019-002-R1"])
    label: str
    text: str
    text_verified: bool = Field(description="False where the text is a paraphrase or incomplete.")
    complaint: str = Field(description="The super-complaint's reference.")
    report_title: str
    addressee_groups: list[OrganisationRef]
    addressees: list[OrganisationRef]
    obligations: list[Obligation]


class RecommendationPage(Schema):
    items: list[Recommendation]
    count: int = Field(ge=0)
