"""What the inspectorate's staff see of a published report's obligations: every addressee's
standing on every recommendation, drafts included (the public sees published responses only,
``public.selectors.recommendation_matrix``). A read with a rule, so it lives here and not in a view.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from organisations.models import Organisation
from recommendations.models import Obligation, Recommendation, Response, ResponseState, Verification
from recommendations.selectors import on_time
from reports.models import Report


class Standing:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    ON_TIME = "on_time"
    LATE = "late"
    SUBMITTED = "submitted"  # no deadline was set
    OVERDUE = "overdue"


@dataclass(frozen=True)
class StaffCell:
    """One addressee on one recommendation, as staff see it."""

    obligation: Obligation
    response: Response | None
    today: datetime.date

    @property
    def overdue(self) -> bool:
        due = self.obligation.due
        submitted = self.response is not None and self.response.state in ResponseState.submitted_states()
        return not submitted and due is not None and due < self.today

    @property
    def standing(self) -> str:
        response = self.response
        if response is not None and response.state in ResponseState.submitted_states():
            answer = on_time(self.obligation)
            if answer is None:
                return Standing.SUBMITTED
            return Standing.ON_TIME if answer else Standing.LATE
        if self.overdue:
            return Standing.OVERDUE
        if response is not None and response.state == ResponseState.AWAITING_SIGN_OFF:
            return Standing.AWAITING_SIGN_OFF
        if response is not None:
            return Standing.DRAFT
        return Standing.NOT_STARTED

    @property
    def text(self) -> str:
        """ "Submitted on time", "Draft, overdue", "Not started"."""
        response = self.response
        labels = {
            Standing.ON_TIME: _("Submitted on time"),
            Standing.LATE: _("Submitted late"),
            Standing.SUBMITTED: _("Submitted, no deadline set"),
            Standing.NOT_STARTED: _("Not started"),
        }
        standing = self.standing
        if standing in labels:
            return labels[standing]
        # Overdue: say how far the organisation has got.
        if response is None:
            return _("Not started, overdue")
        if response.state == ResponseState.AWAITING_SIGN_OFF:
            return _("Awaiting sign-off, overdue") if self.overdue else _("Awaiting sign-off")
        return _("Draft, overdue") if self.overdue else _("Draft")

    @property
    def verification(self) -> str:
        value = self.obligation.verification
        return str(Verification(value).label) if value else ""


@dataclass
class StaffRow:
    organisation: Organisation
    cells: list[StaffCell | None]


@dataclass
class StaffMatrix:
    recommendations: list[Recommendation]
    rows: list[StaffRow]

    def count(self, standing: str) -> int:
        return sum(
            1 for row in self.rows for cell in row.cells if cell is not None and cell.standing == standing
        )


def staff_matrix(report: Report, *, today: datetime.date) -> StaffMatrix:
    """One row per addressee, one column per recommendation, every response whatever its state:
    three queries whatever the size (recommendations; obligations with their organisation and due
    day; responses)."""
    recommendations = list(report.recommendations.order_by("position", "pk"))
    obligations = list(
        Obligation.objects.filter(recommendation__report=report)
        .with_due()
        .select_related("organisation", "recommendation")
        .prefetch_related(
            Prefetch(
                "responses", queryset=Response.objects.only("pk", "obligation_id", "state", "submitted_at")
            )
        )
    )
    organisations: dict[int, Organisation] = {}
    by_pair: dict[tuple[int, int], StaffCell] = {}
    for obligation in obligations:
        organisations[obligation.organisation_id] = obligation.organisation
        responses = list(obligation.responses.all())
        by_pair[(obligation.organisation_id, obligation.recommendation_id)] = StaffCell(
            obligation, responses[0] if responses else None, today
        )
    ordered = sorted(organisations.values(), key=lambda o: (o.name.casefold(), o.pk))
    rows = [StaffRow(o, [by_pair.get((o.pk, r.pk)) for r in recommendations]) for o in ordered]
    return StaffMatrix(recommendations, rows)
