"""Changes to recommendations, their addressees and obligations."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from organisations.models import Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Obligation, Recommendation
from reports.models import Report

# The standard groups reports address. Membership is data: staff can edit it.
STANDARD_GROUPS = {
    "chief-constables": (
        "chief constables",
        "The chief officers of the 43 territorial police forces of England and Wales.",
    ),
    "local-policing-bodies": (
        "local policing bodies",
        "The bodies that hold the 43 territorial forces to account: police and crime commissioners, "
        "mayors with police functions and the Common Council of the City of London.",
    ),
}


class RecommendationError(Exception):
    """A change the rules do not allow."""


def ensure_standard_groups() -> int:
    """Create the standard addressee groups with their members, if missing. Returns how many."""
    created = 0
    territorial = Organisation.objects.forces().filter(force_kind="territorial")
    members = {
        "chief-constables": list(territorial),
        "local-policing-bodies": list(
            Organisation.objects.filter(kind=OrganisationKind.LOCAL_POLICING_BODY, force__in=territorial)
        ),
    }
    with transaction.atomic():
        for slug, (name, description) in STANDARD_GROUPS.items():
            group, made = AddresseeGroup.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description}
            )
            if made:
                group.members.set(members[slug])
                record_event(
                    action="addressee_group.created",
                    obj=group,
                    after={"name": name, "members": [o.name for o in members[slug]]},
                )
                created += 1
    return created


def add_recommendation(
    report: Report,
    *,
    label: str,
    text: str,
    groups: list[AddresseeGroup] = (),  # type: ignore[assignment]
    organisations: list[Organisation] = (),  # type: ignore[assignment]
    default_due: datetime.date | None = None,
    text_verified: bool = True,
) -> Recommendation:
    """Add a recommendation with a stable reference (``SC-2019-002-R1``) and its addressees.

    Records ``recommendation.added``. Obligations are made by ``expand_addressees``.
    """
    if not text.strip():
        raise RecommendationError(_("Enter the recommendation's text."))
    if not groups and not organisations:
        raise RecommendationError(_("Name at least one addressee."))
    with transaction.atomic():
        position = report.recommendations.count() + 1
        reference = f"{report.complaint.reference}-R{position}"
        recommendation = Recommendation.objects.create(
            report=report,
            reference=reference,
            label=label,
            text=text,
            position=position,
            default_due=default_due,
            text_verified=text_verified,
        )
        recommendation.addressee_groups.set(groups)
        recommendation.addressee_organisations.set(organisations)
        record_event(
            action="recommendation.added",
            obj=recommendation,
            after={
                "reference": reference,
                "label": label,
                "groups": [g.name for g in groups],
                "organisations": [o.name for o in organisations],
                "default_due": default_due,
            },
        )
    return recommendation


def expand_addressees(recommendation: Recommendation) -> int:
    """Give every addressee organisation its own obligation, each with the default deadline.

    Groups expand to their current members. Obligations already there are kept as they are
    (their deadlines may have been set one by one), so running it again only adds what is missing.
    Records ``recommendation.addressees_expanded``. Returns how many obligations were created.
    """
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        wanted: dict[int, AddresseeGroup | None] = {}
        for group in recommendation.addressee_groups.prefetch_related("members"):
            for member in group.members.all():
                wanted.setdefault(member.pk, group)
        for organisation in recommendation.addressee_organisations.all():
            wanted[organisation.pk] = None
        existing = set(recommendation.obligations.values_list("organisation_id", flat=True))
        new = [
            Obligation(
                recommendation=recommendation,
                organisation_id=org_id,
                via_group=group,
                due=recommendation.default_due,
            )
            for org_id, group in wanted.items()
            if org_id not in existing
        ]
        Obligation.objects.bulk_create(new)
        if new:
            record_event(
                action="recommendation.addressees_expanded",
                obj=recommendation,
                after={
                    "obligations_created": len(new),
                    "organisations": sorted(o.organisation_id for o in new),
                },
            )
    return len(new)


def set_obligation_due(
    obligation: Obligation, *, due: datetime.date | None, explanation: str = ""
) -> Obligation:
    """Set one addressee's deadline. Records ``obligation.due_changed``."""
    with transaction.atomic():
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if obligation.due == due and obligation.due_explanation == explanation:
            return obligation
        before = {"due": obligation.due}
        obligation.due, obligation.due_explanation = due, explanation
        obligation.overdue_flagged_on = None
        obligation.save(update_fields=["due", "due_explanation", "overdue_flagged_on"])
        record_event(action="obligation.due_changed", obj=obligation, before=before, after={"due": due})
    return obligation


def flag_overdue_obligations(on: datetime.date) -> int:
    """Flag obligations whose deadline passed with no response. Safe to run twice."""
    flagged = 0
    with transaction.atomic():
        late = Obligation.objects.select_for_update().overdue(on).filter(overdue_flagged_on__isnull=True)
        for obligation in late:
            obligation.overdue_flagged_on = on
            obligation.save(update_fields=["overdue_flagged_on"])
            record_event(
                action="obligation.overdue", obj=obligation, after={"due": obligation.due, "flagged_on": on}
            )
            flagged += 1
    return flagged
