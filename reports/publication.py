"""Sign-offs and publication of the report (SI 2018/748 reg 8(2)).

Each decision-making authority signs off the draft at a version of it; publication needs all three
sign-offs on the current version and a title. Staff publish now, or at a later moment (an
embargo): until that moment nothing of the report is public (``Report.objects.published`` filters
it out). At the public moment the report is *released*: the complaint moves to "report
published", each recommendation gets one obligation per addressee with its response deadline in
the ledger, the report is sent to the body, every addressee organisation is told, and so is the
team. Release runs once, whichever comes first of the task worker (queued for the moment) and
``sweep_deadlines`` (``release_due_reports``); each report is claimed with ``SELECT ... FOR UPDATE
SKIP LOCKED`` and a released report no longer matches, so a second run does nothing.

A report loaded from the public record is published without any of this (``release_pending`` is
never set on it), so loading the record again creates no obligations or messages.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from common.partial_dates import PartialDate
from complaints.models import ComplaintState
from complaints.services import mark_report_published
from deadlines.models import DeadlineRule
from deadlines.rules import to_london_date
from deadlines.services import ensure_response_deadline
from organisations.models import Organisation
from recommendations.models import Obligation
from recommendations.services import expand_addressees
from reports import notifications
from reports.models import Report, ReportSignOff, ReportState
from reports.selectors import missing_sign_offs, unapproved_exclusions
from reports.services import REPORT_FIELDS, ReportError

logger = logging.getLogger(__name__)

PUBLICATION_FIELDS = [*REPORT_FIELDS, "release_pending", "released_at"]


def _locked(report: Report, *, skip_locked: bool = False) -> Report:
    return (
        Report.objects.select_for_update(skip_locked=skip_locked)
        .select_related("complaint")
        .get(pk=report.pk)
    )


# --- Sign-offs -----------------------------------------------------------------------------------


def sign_off_report(
    report: Report, *, authority: Organisation, user: Any = None, at: datetime.datetime | None = None
) -> ReportSignOff:
    """Record that ``authority`` approves the draft report as it now stands (its current version).

    A sign-off given on an earlier version is brought to the current one; signing the current
    version again does nothing. Refused once the report is published. Side effects: creates or
    updates the authority's ``ReportSignOff``; records ``report.signed_off``.
    """
    at = at or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if report.state != ReportState.DRAFT:
            raise ReportError(_("The report is published, so it can no longer be signed off."))
        existing = ReportSignOff.objects.filter(report=report, authority=authority).first()
        if existing is not None and existing.report_version == report.version:
            return existing
        before = {"report_version": existing.report_version} if existing else None
        sign_off, _created = ReportSignOff.objects.update_or_create(
            report=report,
            authority=authority,
            defaults={"user": user, "at": at, "report_version": report.version},
        )
        record_event(
            action="report.signed_off",
            obj=report,
            before=before,
            after={"authority": authority.name, "report_version": report.version},
        )
    return sign_off


def withdraw_sign_off(report: Report, *, authority: Organisation, user: Any = None) -> Report:
    """Withdraw ``authority``'s sign-off of the draft. Refused once publication is decided (cancel
    a scheduled publication first). Side effects: deletes the sign-off; records
    ``report.sign_off_withdrawn``. Withdrawing one that is not there does nothing."""
    with transaction.atomic():
        report = _locked(report)
        if report.state != ReportState.DRAFT:
            raise ReportError(
                _(
                    "Publication is decided, so sign-offs can no longer change. Cancel a scheduled publication first."
                )
            )
        existing = ReportSignOff.objects.filter(report=report, authority=authority).first()
        if existing is None:
            return report
        version = existing.report_version
        existing.delete()
        record_event(
            action="report.sign_off_withdrawn",
            obj=report,
            before={"authority": authority.name, "report_version": version},
        )
    return report


# --- Publication ---------------------------------------------------------------------------------


def _names(organisations: list[Organisation]) -> str:
    return _(", ").join(o.name for o in organisations)


def publish_report(
    report: Report,
    *,
    by: Any = None,
    at: datetime.datetime | None = None,
    embargo_until: datetime.datetime | None = None,
) -> Report:
    """Publish the report (SI 2018/748 reg 8(2)): now, or at ``embargo_until`` (an embargo).

    Refused without a title, without a sign-off from each authority on the current version (the
    message names who is missing), while an exclusion waits for its approver, while a
    factual-accuracy check is open, unless the complaint is being investigated, or with an embargo
    moment that is not after ``at``. Publishing a published report does nothing.

    Side effects: the report becomes published (``published_at``, ``published_on`` the London
    day it becomes public, ``embargo_until``), pending release; records ``report.published`` (now)
    or ``report.publication_scheduled`` (embargo). Published now, it is released in the same
    transaction (``release_report``); with an embargo, the task worker is asked after commit to
    release it at that moment (``sweep_deadlines`` does so too, whichever comes first).
    """
    at = at or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if report.state == ReportState.PUBLISHED:
            return report
        if not report.title.strip():
            raise ReportError(_("Enter the report's title before publishing it."))
        if report.complaint.state != ComplaintState.INVESTIGATING:
            raise ReportError(_("A report is published only on a complaint under investigation."))
        missing = missing_sign_offs(report)
        if missing:
            raise ReportError(
                _(
                    "The report cannot be published until every authority has signed it off. Missing: %(names)s."
                )
                % {"names": _names(missing)}
            )
        if unapproved_exclusions(report).exists():
            # Nothing is withheld from the public on one person's word (reg 8(3)).
            raise ReportError(
                _(
                    "The report cannot be published while an exclusion waits for approval. "
                    "Approve or withdraw it first."
                )
            )
        if _accuracy_check_open(report, at):
            # The addressees were promised until the closing date to point out errors.
            raise ReportError(
                _(
                    "The report cannot be published while its factual-accuracy check is open. "
                    "Wait for the closing date or close the check first."
                )
            )
        if embargo_until is not None and embargo_until <= at:
            raise ReportError(_("The publication moment must be in the future."))
        before = snapshot(report, REPORT_FIELDS)
        report.state = ReportState.PUBLISHED
        report.published_at = at
        report.embargo_until = embargo_until
        report.published_on = PartialDate.from_date(to_london_date(embargo_until or at))
        report.publication_decided_by = by
        report.release_pending = True
        report.save(
            update_fields=[
                "state",
                "published_at",
                "embargo_until",
                "published_on",
                "publication_decided_by",
                "release_pending",
            ]
        )
        record_event(
            action="report.publication_scheduled" if embargo_until else "report.published",
            obj=report,
            before=before,
            after=snapshot(report, REPORT_FIELDS),
        )
        if embargo_until is None:
            report = release_report(report, now=at) or report
        else:
            report_id, when = report.pk, embargo_until
            transaction.on_commit(lambda: _queue_release(report_id, when), robust=True)
    return report


def _accuracy_check_open(report: Report, at: datetime.datetime) -> bool:
    """A factual-accuracy check of the report is open and its closing day has not ended (one the
    sweep has not yet closed, but whose day has passed, no longer counts). Read through the
    check's reverse relation: the accuracy app depends on reports, never the other way round."""
    return report.accuracy_checks.filter(  # type: ignore[attr-defined]
        state="open",
        deadlines__rule=DeadlineRule.ACCURACY_CHECK,
        deadlines__due__gte=to_london_date(at),
    ).exists()


def _queue_release(report_id: int, when: datetime.datetime) -> None:
    from reports.tasks import release_report_task

    task = release_report_task
    if not task.get_backend().supports_defer:
        return  # this backend cannot wait; ``sweep_deadlines`` releases it once the moment passes
    task.using(run_after=when).enqueue(report_id)


def cancel_scheduled_publication(
    report: Report, *, by: Any = None, at: datetime.datetime | None = None
) -> Report:
    """Take back a publication scheduled for a later moment, before that moment: the report is a
    draft again (its sign-offs stand). Refused once the report is public. Side effects: clears
    the publication fields; records ``report.publication_cancelled``."""
    at = at or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        if report.state == ReportState.DRAFT:
            return report
        if not report.release_pending or report.embargo_until is None or report.embargo_until <= at:
            raise ReportError(_("The report is already public, so its publication cannot be cancelled."))
        before = snapshot(report, REPORT_FIELDS)
        report.state = ReportState.DRAFT
        report.published_at = None
        report.embargo_until = None
        report.published_on = None
        report.publication_decided_by = None
        report.release_pending = False
        report.save(
            update_fields=[
                "state",
                "published_at",
                "embargo_until",
                "published_on",
                "publication_decided_by",
                "release_pending",
            ]
        )
        record_event(
            action="report.publication_cancelled",
            obj=report,
            before=before,
            after=snapshot(report, REPORT_FIELDS),
        )
    return report


def _due_for_release(now: datetime.datetime) -> Q:
    return Q(state=ReportState.PUBLISHED, release_pending=True) & (
        Q(embargo_until__isnull=True) | Q(embargo_until__lte=now)
    )


def release_report(report: Report, *, now: datetime.datetime | None = None) -> Report | None:
    """Carry out publication at the public moment (SI 2018/748 reg 8(2)), once.

    Claims the report with SKIP LOCKED and re-checks it is pending and past its moment; returns
    None if not (already released, cancelled, not yet due, or held by another worker). Side
    effects: the complaint moves to "report published" (``mark_report_published``); every
    recommendation's addressees are expanded into obligations, and each obligation without a
    deadline gets one (the date the recommendation sets, else 56 calendar days after the London
    day the report became public); the body is e-mailed the report (reg 8(2)(a)) and sees it in
    its portal; each addressee organisation is e-mailed what is addressed to it (or recorded as
    having nobody to tell); the team is told; records ``report.released``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (
            Report.objects.select_for_update(skip_locked=True)
            .select_related("complaint")
            .filter(_due_for_release(now), pk=report.pk)
            .first()
        )
        if claimed is None:
            return None
        report = claimed
        public_moment = report.public_from or now
        mark_report_published(report.complaint)
        recommendations = list(report.recommendations.order_by("position", "pk"))
        for recommendation in recommendations:
            expand_addressees(recommendation)
        obligations = list(
            Obligation.objects.filter(recommendation__report=report)
            .select_related("recommendation", "organisation")
            .prefetch_related("deadlines")
        )
        for obligation in obligations:
            if any(d.rule == DeadlineRule.RESPONSE for d in obligation.deadlines.all()):
                continue  # set one by one before publication: kept as set
            ensure_response_deadline(
                obligation,
                case=report.complaint,
                due=obligation.recommendation.default_due,
                published=None if obligation.recommendation.default_due else public_moment,
            )
        report.release_pending = False
        report.released_at = now
        report.save(update_fields=["release_pending", "released_at"])
        sent = notifications.report_released(report)
        record_event(
            action="report.released",
            obj=report,
            after={
                "public_from": public_moment,
                "obligations": len(obligations),
                "organisations_told": sent.told,
                "organisations_without_recipient": sent.without_recipient,
            },
        )
    return report


def release_due_reports(*, now: datetime.datetime | None = None) -> int:
    """Release every report whose public moment has passed and whose release has not run: the
    sweep's step, beside the task worker. Each report in its own transaction. Returns how many."""
    now = now or timezone.now()
    pks = list(Report.objects.filter(_due_for_release(now)).order_by("pk").values_list("pk", flat=True))
    released = 0
    for pk in pks:
        if release_report(Report(pk=pk), now=now) is not None:
            released += 1
    return released
