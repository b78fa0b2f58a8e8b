"""Reads of recommendations, obligations and responses that encode a rule: which responses are
public, and whether a response came on time. The public register and the API both ask here, so
they cannot disagree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deadlines.rules import to_london_date
from organisations.models import Organisation
from recommendations.models import AddresseeGroup, Obligation, Recommendation, Response


@dataclass(frozen=True)
class Addressee:
    """One organisation a recommendation is addressed to, and the group it comes through (None
    when it is named on its own)."""

    organisation: Organisation
    via_group: AddresseeGroup | None


def addressees_of(recommendation: Recommendation) -> list[Addressee]:
    """Every organisation the recommendation is addressed to, by name: its groups' current members
    less those staff took off this recommendation's list, and the organisations it names itself
    (a named organisation counts even if it was taken off a group). The one expansion the builder
    shows and ``expand_addressees`` turns into obligations."""
    excluded = set(recommendation.excluded_organisations.values_list("pk", flat=True))
    wanted: dict[int, Addressee] = {}
    for group in recommendation.addressee_groups.order_by("name", "pk").prefetch_related("members"):
        for member in group.members.all():
            if member.pk not in excluded and member.pk not in wanted:
                wanted[member.pk] = Addressee(member, group)
    for organisation in recommendation.addressee_organisations.all():
        wanted[organisation.pk] = Addressee(organisation, None)
    return sorted(wanted.values(), key=lambda a: (a.organisation.name, a.organisation.pk))


def is_addressed_to(recommendation: Recommendation, organisation_id: int) -> bool:
    """Whether the organisation is among the recommendation's addressees (``addressees_of``)."""
    return any(a.organisation.pk == organisation_id for a in addressees_of(recommendation))


def removable_members(recommendation: Recommendation) -> list[Organisation]:
    """Members of the recommendation's groups, each of which staff may take off (or put back on)
    this recommendation's list, by name."""
    members = Organisation.objects.filter(
        addressee_groups__in=recommendation.addressee_groups.all()
    ).distinct()
    return list(members.order_by("name", "pk"))


def published_responses() -> QuerySet[Response]:
    """Published responses to published recommendations, oldest submission first, with what their
    public rendition needs: the passages withheld, the actions and their progress."""
    return (
        Response.objects.published()
        .prefetch_related("withholdings", "actions__updates")
        .order_by("submitted_at", "pk")
    )


def submitted_on(response: Response) -> datetime.date | None:
    """The London date on which the response was submitted."""
    return to_london_date(response.submitted_at) if response.submitted_at else None


def responded_on(obligation: Obligation) -> datetime.date | None:
    """The London date on which the addressee responded: the obligation's ``responded_at``, set by
    the submission of its response, the same moment that met its deadline row."""
    return to_london_date(obligation.responded_at) if obligation.responded_at else None


def on_time(obligation: Obligation) -> bool | None:
    """Whether the addressee responded by the end of its deadline (London date).

    None where it has not responded, or where the recommendation set no deadline for it: no statute
    fixes one (SPEC rule 10). The register's "on time" and "late" and the ledger's met deadline
    read the same moment, ``responded_at``.
    """
    day = responded_on(obligation)
    if obligation.due is None or day is None:
        return None
    return day <= obligation.due


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    NO_DEADLINE = "no_deadline"
    # The deadline has passed without a response; from the ladder's public mark (day 28 by
    # default, ``recommendations.escalation``) the register calls it overdue.
    PAST_DUE = "past_due"
    OVERDUE = "overdue"
    AWAITED = "awaited"
    NOT_ADDRESSED = "not_addressed"
    # The ones counted in the statistics, and those the addressee has had to answer by now.
    DUE_BY_NOW = frozenset({ON_TIME, LATE, PAST_DUE, OVERDUE})


@dataclass(frozen=True)
class ResponseCell:
    """Where one addressee stands on one recommendation.

    ``responses`` are its published responses, oldest first. Whether the answer came on time is
    judged on the first of them (``on_time``). Where the report set no deadline, there is none to
    meet.
    """

    obligation: Obligation | None
    responses: tuple[Response, ...]
    today: datetime.date

    @property
    def response(self) -> Response | None:
        """The latest published response: what the addressee says now."""
        return self.responses[-1] if self.responses else None

    @property
    def submitted_on(self) -> datetime.date | None:
        return submitted_on(self.responses[0]) if self.responses else None

    @property
    def marked_overdue(self) -> bool:
        """Whether the register shows the public "overdue" mark (placed by the ladder)."""
        return self.timeliness == Timeliness.OVERDUE

    @property
    def due(self) -> datetime.date | None:
        return self.obligation.due if self.obligation else None

    @property
    def timeliness(self) -> str:
        if self.obligation is None:
            return Timeliness.NOT_ADDRESSED
        if self.responses:
            answer = on_time(self.obligation)
            if answer is None:
                return Timeliness.NO_DEADLINE
            return Timeliness.ON_TIME if answer else Timeliness.LATE
        due = self.obligation.due
        if due is not None and due < self.today:
            if self.obligation.publicly_overdue_on is not None:
                return Timeliness.OVERDUE
            return Timeliness.PAST_DUE
        return Timeliness.AWAITED

    @property
    def status_label(self) -> str:
        response = self.response
        return str(response.get_status_display()) if response else ""

    @property
    def text(self) -> str:
        """ "Accepted, on time", "No response yet", "Not addressed"."""
        timeliness = self.timeliness
        status = self.status_label
        if timeliness == Timeliness.ON_TIME:
            return _("%(status)s, on time") % {"status": status}
        if timeliness == Timeliness.LATE:
            return _("%(status)s, late") % {"status": status}
        if timeliness == Timeliness.NO_DEADLINE:
            return _("%(status)s, no deadline set") % {"status": status}
        if timeliness == Timeliness.OVERDUE:
            return _("No response yet, overdue")
        if timeliness == Timeliness.PAST_DUE:
            return _("No response yet, deadline passed")
        if timeliness == Timeliness.AWAITED:
            return _("No response yet")
        return _("Not addressed")


def cell_for(obligation: Obligation | None, today: datetime.date) -> ResponseCell:
    """The cell for an obligation prefetched with ``published_responses`` as its to_attr."""
    responses = tuple(getattr(obligation, "published_responses", ())) if obligation else ()
    return ResponseCell(obligation=obligation, responses=responses, today=today)


# The fewest answers a rate is given for: below it a percentage says more than the numbers can.
RATE_MINIMUM = 5


@dataclass(frozen=True)
class ResponseStatistics:
    """How the addressees of a report, or one organisation, answered: counts of each kind of cell,
    and rates only where at least ``RATE_MINIMUM`` answers were due by now.

    ``due_by_now`` counts the obligations whose deadline has passed or that have been answered
    (on time, late, or not yet: missing); those with no deadline set, or not yet due, are counted
    apart and in no rate.
    """

    on_time: int
    late: int
    missing: int
    awaited: int
    no_deadline: int

    @property
    def due_by_now(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def total(self) -> int:
        return self.due_by_now + self.awaited + self.no_deadline

    @property
    def rate_minimum(self) -> int:
        return RATE_MINIMUM

    @property
    def rates_shown(self) -> bool:
        return self.due_by_now >= RATE_MINIMUM

    def _rate(self, count: int) -> int | None:
        if not self.rates_shown:
            return None
        return round(100 * count / self.due_by_now)

    @property
    def on_time_rate(self) -> int | None:
        return self._rate(self.on_time)

    @property
    def late_rate(self) -> int | None:
        return self._rate(self.late)

    @property
    def missing_rate(self) -> int | None:
        return self._rate(self.missing)


def statistics_of(cells: list[ResponseCell]) -> ResponseStatistics:
    """Count the cells (of addressed obligations; cells for pairs not addressed are left out)."""
    addressed = [cell for cell in cells if cell.obligation is not None]
    kinds = [cell.timeliness for cell in addressed]
    # Not yet answered and no deadline set: nothing is due, so it is neither awaited nor missing.
    unanswered_without_deadline = sum(
        1 for cell in addressed if cell.timeliness == Timeliness.AWAITED and cell.due is None
    )
    return ResponseStatistics(
        on_time=kinds.count(Timeliness.ON_TIME),
        late=kinds.count(Timeliness.LATE),
        missing=kinds.count(Timeliness.PAST_DUE) + kinds.count(Timeliness.OVERDUE),
        awaited=kinds.count(Timeliness.AWAITED) - unanswered_without_deadline,
        no_deadline=kinds.count(Timeliness.NO_DEADLINE) + unanswered_without_deadline,
    )
