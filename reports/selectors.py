"""Reads of reports that encode a rule."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from complaints.models import SuperComplaint
from organisations.models import Organisation, OrganisationKind
from reports.models import Exclusion, Report, ReportPassage, ReportSignOff


def published_reports() -> QuerySet[Report]:
    """Reports the public may read: published, out of any embargo, on complaints on the register.

    The one selector every public page, feed, download and API response reads reports through.
    """
    return Report.objects.published().filter(complaint__in=SuperComplaint.objects.published())


def unapproved_exclusions(report: Report) -> QuerySet[Exclusion]:
    """The report's exclusions (reg 8(3)) still waiting for a second member of staff to approve them.

    Their passages are already left out of the published rendition; publication must wait until
    this is empty, so nothing is withheld on one person's word alone."""
    # Only exclusions of the report's own passages wait: a free-standing record of a passage left
    # out (``exclude_passage``, as for reports published before this service) holds no text of the
    # report to withhold or release.
    return Exclusion.objects.filter(report=report, target__isnull=False, approved_at__isnull=True).order_by(
        "pk"
    )


def builder_passages(report: Report) -> QuerySet[ReportPassage]:
    """The report's passages in reading order, each with its exclusion (if any) and who proposed
    and approved it."""
    return (
        ReportPassage.objects.filter(report=report)
        .select_related("exclusion__proposed_by", "exclusion__approved_by")
        .order_by("section", "position", "pk")
    )


def published_passages() -> QuerySet[ReportPassage]:
    """Passages the public may read: of reports from ``published_reports``, and never one excluded
    (or proposed for exclusion) under reg 8(3). What public search reads passages through."""
    return ReportPassage.objects.filter(report__in=published_reports(), exclusion__isnull=True).order_by(
        "position", "pk"
    )


def authorities() -> list[Organisation]:
    """The three decision-making authorities, whose sign-offs publication needs (reg 8)."""
    return list(Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).order_by("name"))


def current_sign_offs(report: Report) -> dict[int, ReportSignOff]:
    """Each authority's sign-off of the report's current version, by authority id."""
    return {s.authority_id: s for s in report.sign_offs.filter(report_version=report.version)}


def missing_sign_offs(report: Report) -> list[Organisation]:
    """The authorities that have not signed off the report's current version."""
    signed = current_sign_offs(report)
    return [a for a in authorities() if a.pk not in signed]


@dataclass(frozen=True)
class SignOffRow:
    authority: Organisation
    sign_off: ReportSignOff | None
    current: bool


def sign_off_status(report: Report) -> list[SignOffRow]:
    """For each authority: its sign-off (if any) and whether it is on the current version."""
    by_authority = {s.authority_id: s for s in report.sign_offs.select_related("user")}
    rows = []
    for authority in authorities():
        sign_off = by_authority.get(authority.pk)
        rows.append(
            SignOffRow(
                authority=authority,
                sign_off=sign_off,
                current=sign_off is not None and sign_off.report_version == report.version,
            )
        )
    return rows
