"""Reads for the JSON API and the open-data downloads.

Every queryset here starts from a published-only selector (``SuperComplaint.objects.published()``,
``Report.objects.published()``, ``Recommendation.objects.published()``, ``Obligation.objects.published()``,
``Response.objects.published()``), so nothing unpublished can reach a response by a forgotten filter.
Organisations are public data and are read directly.

Each list is read in a fixed number of queries whatever its length: related rows come through
``select_related`` and ``prefetch_related``, never one query per row.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation

from complaints.models import (
    Complainant,
    ProgressReport,
    SuperComplaint,
)
from complaints.published import progress_reports_known, public_stage
from complaints.published import published_complaints as register
from deadlines.rules import to_london_date
from organisations.models import Designation, Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Obligation, Recommendation, Response
from recommendations.selectors import on_time, published_responses, submitted_on
from reports.models import Report


def public_complaint_path(reference: str) -> str:
    """The complaint's page on the public register (its English address, whatever the request's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("public:complaint", args=[reference])


# --- Super-complaints ------------------------------------------------------------------------------


def published_complaints() -> QuerySet[SuperComplaint]:
    """Complaints on the public register, with what the API and downloads show of each."""
    sent_reports = (
        ProgressReport.objects.filter(complaint=OuterRef("pk"), sent_at__isnull=False)
        .order_by()
        .values("complaint")
        .annotate(sent=Count("pk"))
        .values("sent")
    )
    return (
        register()
        .select_related("eligibility")
        .annotate(progress_reports_sent=Coalesce(Subquery(sent_reports, output_field=IntegerField()), 0))
        .prefetch_related(
            Prefetch(
                "complainant_set",
                queryset=Complainant.objects.select_related("body").order_by("position", "pk"),
            ),
            "features",
            Prefetch("forces", queryset=Organisation.objects.order_by("name", "pk")),
            Prefetch("report", queryset=Report.objects.published(), to_attr="published_report"),
        )
        .order_by("received_on", "pk")
    )


def complaint_data(complaint: SuperComplaint) -> dict[str, Any]:
    """What the public record shows of one complaint from ``published_complaints()``."""
    # Both set by published_complaints(): the prefetch's to_attr and the annotation.
    report = complaint.published_report  # type: ignore[attr-defined]
    eligibility = getattr(complaint, "eligibility", None)
    # Every complaint past the draft has its date of receipt (constraint complaint_submitted_has_receipt).
    assert complaint.received_on is not None
    return {
        "reference": complaint.reference,
        "title": complaint.title,
        "title_verified": complaint.title_verified,
        "subject": complaint.subject,
        "stage": public_stage(complaint),
        "is_demonstration": complaint.is_demonstration,
        "complainants": [c.body.name for c in complaint.complainant_set.all()],
        "complainant_slugs": [c.body.slug for c in complaint.complainant_set.all()],
        "made_with": complaint.made_with or None,
        "received": complaint.received_on.isoformat(),
        "features": [feature.text for feature in complaint.features.all()],
        "forces_scope": complaint.forces_scope or None,
        "forces": [{"slug": o.slug, "name": o.name} for o in complaint.forces.all()],
        "eligibility": (
            {
                "outcome": eligibility.outcome,
                "decided": eligibility.decided_on.isoformat() if eligibility.decided_on else None,
            }
            if eligibility
            else None
        ),
        # Unknown, not 0, where the complaint predates the service: those reports are not held.
        "progress_reports_sent": complaint.progress_reports_sent  # type: ignore[attr-defined]
        if progress_reports_known(complaint)
        else None,
        "unverified_facts": list(complaint.unverified_facts or []),
        "publication_url": complaint.publication_url or None,
        "report": (
            {
                "title": report.title,
                "title_verified": report.title_verified,
                "published": report.published_on.isoformat(),
                "publication_url": report.publication_url or None,
                "recommendation_count": report.recommendation_count,
            }
            if report
            else None
        ),
        # A submitted complaint always has a reference (check constraint complaint_submitted_has_reference).
        "url": public_complaint_path(cast(str, complaint.reference)),
    }


# --- Organisations ---------------------------------------------------------------------------------


def organisations(kind: str | None = None) -> QuerySet[Organisation]:
    """The register of organisations (public data), with designations for designated bodies."""
    queryset = Organisation.objects.select_related("local_policing_body").prefetch_related(
        Prefetch("designations", queryset=Designation.objects.order_by("in_force_from", "pk"))
    )
    if kind:
        queryset = queryset.of_kind(kind)
    return queryset.order_by("name", "pk")


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    is_force = organisation.kind == OrganisationKind.FORCE
    is_body = organisation.kind == OrganisationKind.DESIGNATED_BODY
    lpb = organisation.local_policing_body if is_force else None
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "name_cy": organisation.name_cy,
        "kind": organisation.kind,
        "short_name": organisation.short_name,
        "country": organisation.country,
        "verified": organisation.verified,
        "local_policing_body": lpb.slug if lpb else None,
        "designations": [
            {
                "instrument": designation.instrument,
                "in_force_from": designation.in_force_from.isoformat(),
                "revocation_instrument": designation.revocation_instrument or None,
                "revoked_from": designation.revoked_from.isoformat() if designation.revoked_from else None,
            }
            for designation in organisation.designations.all()
        ]
        if is_body
        else [],
    }


# --- Recommendations, obligations and responses ----------------------------------------------------


def published_obligations() -> QuerySet[Obligation]:
    return (
        Obligation.objects.published()
        .select_related("organisation", "via_group", "recommendation__report__complaint")
        .with_due()
        .prefetch_related(Prefetch("responses", queryset=published_responses()))
        .order_by(
            "recommendation__report__complaint__received_on",
            "recommendation__position",
            "organisation__name",
            "pk",
        )
    )


def published_recommendations() -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.published()
        .select_related("report__complaint")
        .prefetch_related(
            Prefetch("addressee_groups", queryset=AddresseeGroup.objects.order_by("name", "pk")),
            Prefetch("addressee_organisations", queryset=Organisation.objects.order_by("name", "pk")),
            # Into lists (to_attr): a prefetch into a related manager builds a filtered queryset
            # for every row it fills, most of the render of a page of 50 recommendations to 47
            # addressees each (BENCHMARKS.md section 1).
            Prefetch(
                "obligations",
                queryset=Obligation.objects.published()
                .select_related("organisation")
                .with_due()
                .prefetch_related(
                    Prefetch("responses", queryset=published_responses(), to_attr="published_responses")
                )
                .order_by("organisation__name", "pk"),
                to_attr="published_obligations",
            ),
        )
        .order_by("report__complaint__received_on", "report__complaint__pk", "position", "pk")
    )


def filter_recommendations(
    recommendations: QuerySet[Recommendation], *, complaint: str | None = None, addressee: str | None = None
) -> QuerySet[Recommendation]:
    if complaint:
        recommendations = recommendations.filter(report__complaint__reference=complaint)
    if addressee:
        recommendations = recommendations.filter(
            Q(
                pk__in=Obligation.objects.published()
                .filter(organisation__slug=addressee)
                .values("recommendation_id")
            )
            | Q(
                pk__in=Recommendation.addressee_organisations.through.objects.filter(
                    organisation__slug=addressee
                ).values("recommendation_id")
            )
        )
    return recommendations


def response_data(response: Response, obligation: Obligation) -> dict[str, Any]:
    day = submitted_on(response)
    return {
        "status": response.status,
        "submitted": day.isoformat() if day else None,
        "published": to_london_date(response.published_at).isoformat() if response.published_at else None,
        "on_time": on_time(obligation),
        # As the register shows them: passages staff withheld (personal data) are replaced by a mark.
        "explanation": response.public_explanation,
        "reasons": response.public_reasons,
        "actions": [
            {
                "description": action.description,
                "owner_role": action.owner_role,
                "target_date": action.target_date.isoformat() if action.target_date else None,
                "completed_on": action.completed_on.isoformat() if action.completed_on else None,
            }
            for action in response.actions.all()
        ],
    }


def recommendation_data(recommendation: Recommendation) -> dict[str, Any]:
    """One recommendation of ``published_recommendations`` (its prefetched lists)."""
    obligations: list[Obligation] = recommendation.published_obligations  # type: ignore[attr-defined]
    addressees: dict[str, str] = {o.slug: o.name for o in recommendation.addressee_organisations.all()}
    addressees.update((o.organisation.slug, o.organisation.name) for o in obligations)
    return {
        "reference": recommendation.reference,
        "label": recommendation.label,
        "text": recommendation.text,
        "text_verified": recommendation.text_verified,
        "complaint": recommendation.report.complaint.reference,
        "report_title": recommendation.report.title,
        "addressee_groups": [{"slug": g.slug, "name": g.name} for g in recommendation.addressee_groups.all()],
        "addressees": [
            {"slug": slug, "name": name}
            for slug, name in sorted(addressees.items(), key=lambda item: (item[1], item[0]))
        ],
        "obligations": [
            {
                "organisation": {"slug": o.organisation.slug, "name": o.organisation.name},
                "due": o.due.isoformat() if o.due else None,
                "responses": [response_data(r, o) for r in o.published_responses],  # type: ignore[attr-defined]
            }
            for o in obligations
        ],
    }
