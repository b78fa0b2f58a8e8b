"""The published-only reads of complaints that every public interface shares: the public
register's pages, feeds and search, the open-data files and the JSON API.

Nothing here is unpublished: every query starts from ``SuperComplaint.objects.published()``, and a
report counts only through ``reports.selectors.published_reports()``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from complaints.models import Complainant, ComplaintState, ForcesScope, SuperComplaint
from organisations.models import Organisation, OrganisationKind
from reports.selectors import published_reports

# States that say a report is out. While the report is under embargo the public sees the stage
# before it, so the state change does not announce the report early.
AFTER_REPORT = frozenset({ComplaintState.REPORT_PUBLISHED, ComplaintState.MONITORING, ComplaintState.CLOSED})

# The stages a complaint on the register can be in, in the order a complaint moves through them.
PUBLIC_STAGES: tuple[ComplaintState, ...] = (
    ComplaintState.ELIGIBLE,
    ComplaintState.INVESTIGATING,
    ComplaintState.REPORT_PUBLISHED,
    ComplaintState.MONITORING,
    ComplaintState.CLOSED,
    ComplaintState.NOT_ELIGIBLE,
    ComplaintState.WITHDRAWN,
)


def published_complaints() -> QuerySet[SuperComplaint]:
    return SuperComplaint.objects.published()


def public_stage(complaint: SuperComplaint) -> ComplaintState:
    """The stage the public may see. Needs ``published_report`` (the published report, or None,
    prefetched with that ``to_attr``)."""
    state = ComplaintState(complaint.state)
    if state in AFTER_REPORT and getattr(complaint, "published_report", None) is None:
        return ComplaintState.INVESTIGATING
    return state


def progress_reports_known(complaint: SuperComplaint) -> bool:
    """Whether the service knows how many progress reports were sent (SI 2018/748 reg 7). For a
    complaint from the public record it does not: those sent before the service are not held."""
    return not complaint.is_historical


def filter_register(
    complaints: QuerySet[SuperComplaint],
    *,
    stage: str | None = "",
    body: str | None = "",
    year: int | None = None,
    force: str | None = "",
) -> QuerySet[SuperComplaint]:
    """Narrow the register.

    ``stage`` is the public stage (see ``public_stage``); ``body`` a complainant's slug; ``year``
    the year of receipt; ``force`` a force's slug, which finds the complaints naming that force and
    those about all forces.
    """
    if stage:
        report_out = Exists(published_reports().filter(complaint=OuterRef("pk")))
        if stage in AFTER_REPORT:
            complaints = complaints.filter(report_out, state=stage)
        elif stage == ComplaintState.INVESTIGATING:
            complaints = complaints.filter(Q(state=stage) | (Q(state__in=AFTER_REPORT) & ~report_out))
        else:
            complaints = complaints.filter(state=stage)
    if body:
        complaints = complaints.filter(
            pk__in=Complainant.objects.filter(body__slug=body).values("complaint_id")
        )
    if year is not None:
        # Receipt is ISO text (a month where the day is not known), so the year is its prefix.
        complaints = complaints.filter(received_on__startswith=f"{year:04d}-")
    if force:
        is_force = Exists(Organisation.objects.filter(slug=force, kind=OrganisationKind.FORCE))
        naming_it = SuperComplaint.forces.through.objects.filter(
            organisation__slug=force, organisation__kind=OrganisationKind.FORCE
        ).values("supercomplaint_id")
        complaints = complaints.filter((Q(forces_scope=ForcesScope.ALL) & is_force) | Q(pk__in=naming_it))
    return complaints
