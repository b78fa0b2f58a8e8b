"""Changes to recommendations, their addressees and obligations."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from deadlines.models import DeadlineRule
from deadlines.services import ensure_response_deadline, meet_deadline
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
    """Give every addressee organisation its own obligation, each with the default deadline (a
    row in the deadlines ledger).

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
            Obligation(recommendation=recommendation, organisation_id=org_id, via_group=group)
            for org_id, group in wanted.items()
            if org_id not in existing
        ]
        Obligation.objects.bulk_create(new)
        if recommendation.default_due is not None:
            complaint = recommendation.report.complaint
            for obligation in Obligation.objects.filter(
                recommendation=recommendation, organisation_id__in=[o.organisation_id for o in new]
            ):
                ensure_response_deadline(obligation, case=complaint, due=recommendation.default_due)
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
    """Set one addressee's deadline: its row in the deadlines ledger, created, moved, or removed
    when ``due`` is None. A new date clears an overdue flag, so the sweep judges it afresh.

    Side effects: the obligation's ``Deadline`` row; records ``obligation.due_changed``. Setting the
    same date and explanation again does nothing; once the deadline is met (the organisation has
    responded) it raises ``RecommendationError``.
    """
    with transaction.atomic():
        obligation = (
            Obligation.objects.select_for_update()
            .select_related("recommendation__report__complaint")
            .get(pk=obligation.pk)
        )
        current = obligation.deadline
        if current is not None and current.met_at is not None:
            # A met deadline never moves: the response it asked for has been given.
            raise RecommendationError(
                _("This organisation has already responded, so its deadline can no longer change.")
            )
        note = current.explanation.get("note", "") if current else ""
        if (current.due if current else None) == due and note == explanation:
            return obligation
        before = {"due": current.due if current else None}
        if current is not None and current.due != due:
            # The flag was about the old date; a new one is judged afresh.
            current.flagged_overdue_on = None
            current.save(update_fields=["flagged_overdue_on", "updated_at"])
        ensure_response_deadline(
            obligation, case=obligation.recommendation.report.complaint, due=due, explanation=explanation
        )
        record_event(action="obligation.due_changed", obj=obligation, before=before, after={"due": due})
    return obligation


def record_response_submitted(obligation: Obligation, *, at: datetime.datetime) -> Obligation:
    """Record that the addressee submitted its response: ``responded_at``, and its deadline met.

    There is no response-submission service yet; when one is built it calls this in its
    transaction. Side effects: sets ``responded_at`` (the first submission counts) and meets the
    response deadline row; records ``obligation.responded``. Calling it again does nothing.
    """
    with transaction.atomic():
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if obligation.responded_at is not None:
            return obligation
        obligation.responded_at = at
        obligation.save(update_fields=["responded_at"])
        deadline = meet_deadline(obligation, DeadlineRule.RESPONSE, at=at)
        record_event(
            action="obligation.responded",
            obj=obligation,
            after={"responded_at": at, "due": deadline.due if deadline else None},
        )
    return obligation
