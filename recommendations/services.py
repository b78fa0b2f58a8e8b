"""Changes to recommendations, their addressees and obligations."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event
from deadlines.models import DeadlineRule
from deadlines.services import ensure_response_deadline, meet_deadline
from organisations.models import Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Obligation, Recommendation
from recommendations.selectors import addressees_of
from reports.models import Report, ReportState
from reports.services import ReportError, count_change, draft_for_update

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


def _check_recommendation(
    text: str, groups: list[AddresseeGroup] | tuple[()], organisations: list[Organisation] | tuple[()]
) -> None:
    if not text.strip():
        raise RecommendationError(_("Enter the recommendation's text."))
    if not groups and not organisations:
        raise RecommendationError(_("Name at least one addressee."))


def _addressee_names(recommendation: Recommendation) -> dict[str, Any]:
    return {
        "groups": sorted(g.name for g in recommendation.addressee_groups.all()),
        "organisations": sorted(o.name for o in recommendation.addressee_organisations.all()),
        "excluded_organisations": sorted(o.name for o in recommendation.excluded_organisations.all()),
    }


def _lock_report(report: Report, expected_version: int | None) -> Report:
    """The report locked as a draft (``reports.services.draft_for_update``), or, for a report loaded
    from the public record (published before this service), locked as it is: the loader enters
    its recommendations after the report."""
    if report.state == ReportState.PUBLISHED and report.complaint.is_historical:
        return Report.objects.select_for_update().get(pk=report.pk)
    try:
        return draft_for_update(report, expected_version)
    except ReportError as error:
        raise RecommendationError(str(error)) from error


def add_recommendation(
    report: Report,
    *,
    label: str,
    text: str,
    groups: list[AddresseeGroup] = (),  # type: ignore[assignment]
    organisations: list[Organisation] = (),  # type: ignore[assignment]
    default_due: datetime.date | None = None,
    text_verified: bool = True,
    expected_version: int | None = None,
) -> Recommendation:
    """Add a recommendation (reg 8(1)(d)) to the draft report, with a stable reference
    (``SC-2019-002-R1``, never reused) and its addressees.

    ``default_due`` overrides the response deadline; None means the default, 56 days after
    publication (set at publication). Records ``recommendation.added``. Obligations are made by
    ``expand_addressees``.
    """
    _check_recommendation(text, groups, organisations)
    with transaction.atomic():
        report = _lock_report(report, expected_version)
        # Recommendations are never deleted, so the next number is never one already given.
        position = report.recommendations.count() + 1
        reference = f"{report.complaint.reference}-R{position}"
        recommendation = Recommendation.objects.create(
            report=report,
            reference=reference,
            label=label.strip() or _("Recommendation %(n)d") % {"n": position},
            text=text,
            position=position,
            default_due=default_due,
            text_verified=text_verified,
        )
        recommendation.addressee_groups.set(groups)
        recommendation.addressee_organisations.set(organisations)
        if report.state == ReportState.DRAFT:
            count_change(report)
        record_event(
            action="recommendation.added",
            obj=recommendation,
            after={
                "reference": reference,
                "label": recommendation.label,
                "groups": [g.name for g in groups],
                "organisations": [o.name for o in organisations],
                "default_due": default_due,
            },
        )
    return recommendation


def edit_recommendation(
    recommendation: Recommendation,
    *,
    label: str,
    text: str,
    groups: list[AddresseeGroup],
    organisations: list[Organisation],
    default_due: datetime.date | None,
    expected_version: int | None = None,
) -> Recommendation:
    """Change a recommendation of the draft report: its label, text, addressees or response
    deadline (None: the default, 56 days after publication). Its reference never changes.

    Organisations taken off the list that are no longer members of any of its groups stop being
    listed as taken off. Records ``recommendation.changed``."""
    _check_recommendation(text, groups, organisations)
    with transaction.atomic():
        report = _lock_report(recommendation.report, expected_version)
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk, report=report)
        before: dict[str, Any] = {"label": recommendation.label, "default_due": recommendation.default_due}
        before.update(_addressee_names(recommendation))
        old_text = recommendation.text
        recommendation.label = label.strip() or recommendation.label
        recommendation.text = text
        recommendation.default_due = default_due
        recommendation.save(update_fields=["label", "text", "default_due"])
        recommendation.addressee_groups.set(groups)
        recommendation.addressee_organisations.set(organisations)
        members = Organisation.objects.filter(addressee_groups__in=groups)
        recommendation.excluded_organisations.set(
            recommendation.excluded_organisations.filter(pk__in=members)
        )
        after: dict[str, Any] = {"label": recommendation.label, "default_due": default_due}
        after.update(_addressee_names(recommendation))
        if before == after and old_text == text:
            return recommendation
        if old_text != text:
            after["text"] = text
        count_change(report)
        record_event(action="recommendation.changed", obj=recommendation, before=before, after=after)
    return recommendation


def set_excluded_organisations(
    recommendation: Recommendation, *, excluded: list[Organisation], expected_version: int | None = None
) -> Recommendation:
    """Take these members of its groups off the recommendation's list of addressees (and put back
    every other member), before publication. The groups stay as they are for every other
    recommendation. Records ``recommendation.addressees_edited``; no change does nothing."""
    with transaction.atomic():
        report = _lock_report(recommendation.report, expected_version)
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk, report=report)
        members = set(
            Organisation.objects.filter(
                addressee_groups__in=recommendation.addressee_groups.all()
            ).values_list("pk", flat=True)
        )
        wanted = {o.pk for o in excluded}
        if not wanted <= members:
            raise RecommendationError(
                _("Only a member of the recommendation's groups can be taken off its list.")
            )
        current = set(recommendation.excluded_organisations.values_list("pk", flat=True))
        if current == wanted:
            return recommendation
        names = dict(Organisation.objects.filter(pk__in=current | wanted).values_list("pk", "name"))
        recommendation.excluded_organisations.set(sorted(wanted))
        count_change(report)
        record_event(
            action="recommendation.addressees_edited",
            obj=recommendation,
            before={"excluded_organisations": sorted(names[pk] for pk in current)},
            after={
                "excluded_organisations": sorted(names[pk] for pk in wanted),
                "addressees": len(addressees_of(recommendation)),
            },
        )
    return recommendation


def expand_addressees(recommendation: Recommendation) -> int:
    """Give every addressee organisation its own obligation, each with the default deadline (a
    row in the deadlines ledger).

    Groups expand to their current members, less those staff took off this recommendation's list
    (``recommendations.selectors.addressees_of``). Obligations already there are kept as they are
    (their deadlines may have been set one by one), so running it again only adds what is missing.
    Records ``recommendation.addressees_expanded``. Returns how many obligations were created.
    """
    with transaction.atomic():
        recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        wanted = {a.organisation.pk: a.via_group for a in addressees_of(recommendation)}
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

    Side effects: the obligation's ``Deadline`` row, and a new date takes away the register's
    overdue mark; records ``obligation.due_changed``. Setting the
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
        if current is not None and current.due != due and obligation.publicly_overdue_on is not None:
            # So was the register's overdue mark: the ladder's steps are taken against a due day
            # (``ObligationStep.due``), and start again from the new one.
            obligation.publicly_overdue_on = None
            obligation.save(update_fields=["publicly_overdue_on"])
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
