"""Changes to reports (SI 2018/748 reg 8). Sign-offs and publication: ``reports.publication``."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints.models import SuperComplaint
from reports.models import DissentingOpinion, DmaAction, Exclusion, Report

REPORT_FIELDS = ["state", "title", "published_on", "embargo_until", "published_at"]


class ReportError(Exception):
    """A change to a report that the rules do not allow."""


def create_report(complaint: SuperComplaint, *, title: str, **fields: object) -> Report:
    """Start the draft report on a complaint. Records ``report.created``."""
    if not title.strip():
        raise ReportError(_("Enter the report's title."))
    with transaction.atomic():
        report = Report.objects.create(complaint=complaint, title=title, **fields)
        record_event(action="report.created", obj=report, after=snapshot(report, REPORT_FIELDS))
    return report


def add_action(report: Report, *, reference: str, authority, text: str, position: int = 1) -> DmaAction:  # type: ignore[no-untyped-def]
    """Record further action an authority proposes (reg 8(1)(c)). Records ``report.action_added``."""
    with transaction.atomic():
        action = DmaAction.objects.create(
            report=report, reference=reference, authority=authority, text=text, position=position
        )
        record_event(
            action="report.action_added",
            obj=report,
            after={"reference": reference, "authority": authority.name, "text": text},
        )
    return action


def add_opinion(report: Report, *, authority, text: str) -> DissentingOpinion:  # type: ignore[no-untyped-def]
    """Record an authority's own opinion where they disagree on the report (reg 11(2))."""
    with transaction.atomic():
        opinion = DissentingOpinion.objects.create(report=report, authority=authority, text=text)
        record_event(action="report.opinion_added", obj=report, after={"authority": authority.name})
    return opinion


def exclude_passage(report: Report, *, ground: str, passage: str, note: str = "") -> Exclusion:
    """Exclude a passage from publication for national security or safety (reg 8(3))."""
    with transaction.atomic():
        exclusion = Exclusion.objects.create(report=report, ground=ground, passage=passage, note=note)
        # The passage itself stays out of the trail's readable summary: only its ground is named.
        record_event(
            action="report.passage_excluded", obj=report, after={"ground": ground, "exclusion": exclusion.pk}
        )
    return exclusion
