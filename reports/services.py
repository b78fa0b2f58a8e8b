"""Changes to reports (SI 2018/748 reg 8): the builder's passages, actions, opinions and exclusions.
Sign-offs and publication: ``reports.publication``.

Every change to a draft report goes through ``draft_for_update``: it locks the report, refuses a
published one and a stale edit (another person saved first), and counts the change in the report's
``version``. Audit events name a passage by its section and position, never by its text: a passage
may later be excluded under reg 8(3), and the trail must not keep what the report withholds.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints.models import SuperComplaint
from organisations.models import Organisation, OrganisationKind
from reports.models import (
    DissentingOpinion,
    DmaAction,
    Exclusion,
    ExclusionGround,
    Report,
    ReportPassage,
    ReportSection,
    ReportState,
)

REPORT_FIELDS = ["state", "title", "published_on", "embargo_until", "published_at"]


class ReportError(Exception):
    """A change to a report that the rules do not allow."""


class StaleReport(ReportError):
    """Someone else changed the report since this person opened it."""


def draft_for_update(report: Report, expected_version: int | None = None) -> Report:
    """The report, locked for the rest of the transaction, once it is known to be a draft and (when
    ``expected_version`` is given) unchanged since the person opened it. Call inside ``atomic``."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state == ReportState.PUBLISHED:
        raise ReportError(_("This report has been published: it can no longer change."))
    if expected_version is not None and locked.version != expected_version:
        raise StaleReport(
            _(
                "Someone else changed this report while you were editing it. Your changes have not "
                "been saved: check the report as it is now, then save yours again."
            )
        )
    return locked


def count_change(report: Report) -> Report:
    """Count one change to the locked draft in its ``version`` (what a stale edit is told from)."""
    report.version += 1
    report.save(update_fields=["version"])
    return report


def create_report(
    complaint: SuperComplaint,
    *,
    title: str,
    steps_taken: str = "",
    conclusions: str = "",
    **fields: Any,
) -> Report:
    """Start the draft report on a complaint. ``steps_taken`` and ``conclusions``, when given, are
    its first passages of those sections. Records ``report.created``."""
    if not title.strip():
        raise ReportError(_("Enter the report's title."))
    with transaction.atomic():
        if Report.objects.filter(complaint=complaint).exists():
            raise ReportError(_("This complaint already has a report."))
        report = Report.objects.create(complaint=complaint, title=title.strip(), **fields)
        for section, text in (
            (ReportSection.STEPS_TAKEN, steps_taken),
            (ReportSection.CONCLUSIONS, conclusions),
        ):
            if text.strip():
                ReportPassage.objects.create(report=report, section=section, position=1, text=text)
        record_event(action="report.created", obj=report, after=snapshot(report, REPORT_FIELDS))
    return report


def rename_report(report: Report, *, title: str, expected_version: int | None = None) -> Report:
    """Change the draft report's title. Records ``report.title_changed``; the same title does nothing."""
    title = title.strip()
    if not title:
        raise ReportError(_("Enter the report's title."))
    with transaction.atomic():
        report = draft_for_update(report, expected_version)
        if report.title == title:
            return report
        before = {"title": report.title}
        report.title = title
        report.save(update_fields=["title"])
        count_change(report)
        record_event(action="report.title_changed", obj=report, before=before, after={"title": title})
    return report


# --- Passages (reg 8(1)(a) and (b)) ---------------------------------------------------------------


def _check_passage(section: str, text: str) -> None:
    if section not in ReportSection.values:
        raise ReportError(_("Choose the section the passage belongs to."))
    if not text.strip():
        raise ReportError(_("Enter the passage's text."))


def _passage_summary(passage: ReportPassage) -> dict[str, Any]:
    # Never the text: see the module's docstring.
    return {"passage": passage.pk, "section": passage.section, "position": passage.position}


def add_passage(
    report: Report,
    *,
    section: str,
    text: str,
    heading: str = "",
    position: int | None = None,
    expected_version: int | None = None,
) -> ReportPassage:
    """Add a passage to a section of the draft report, at ``position`` (by default after the last).

    Records ``report.passage_added`` (its section and position, not its text)."""
    _check_passage(section, text)
    with transaction.atomic():
        report = draft_for_update(report, expected_version)
        if position is None:
            last = report.passages.filter(section=section).aggregate(last=Max("position"))["last"]
            position = (last or 0) + 1
        passage = ReportPassage.objects.create(
            report=report, section=section, position=position, heading=heading.strip(), text=text
        )
        count_change(report)
        record_event(action="report.passage_added", obj=report, after=_passage_summary(passage))
    return passage


def edit_passage(
    passage: ReportPassage,
    *,
    section: str,
    text: str,
    heading: str = "",
    position: int,
    expected_version: int | None = None,
) -> ReportPassage:
    """Change a passage of the draft report: its section, place, heading or text.

    Records ``report.passage_changed`` (where it was and is, not its text); no change does nothing."""
    _check_passage(section, text)
    with transaction.atomic():
        report = draft_for_update(passage.report, expected_version)
        passage = ReportPassage.objects.select_for_update().get(pk=passage.pk, report=report)
        values = {"section": section, "position": position, "heading": heading.strip(), "text": text}
        if all(getattr(passage, name) == value for name, value in values.items()):
            return passage
        before = _passage_summary(passage)
        for name, value in values.items():
            setattr(passage, name, value)
        passage.save(update_fields=list(values))
        count_change(report)
        record_event(
            action="report.passage_changed", obj=report, before=before, after=_passage_summary(passage)
        )
    return passage


def delete_passage(passage: ReportPassage, *, expected_version: int | None = None) -> Report:
    """Take a passage out of the draft report, with any exclusion of it.

    Records ``report.passage_deleted``. Returns the report."""
    with transaction.atomic():
        report = draft_for_update(passage.report, expected_version)
        passage = ReportPassage.objects.select_for_update().get(pk=passage.pk, report=report)
        summary = _passage_summary(passage)
        passage.delete()
        count_change(report)
        record_event(action="report.passage_deleted", obj=report, before=summary)
    return report


# --- Further action by the authorities (reg 8(1)(c)) ----------------------------------------------


def _check_authority(authority: Organisation) -> None:
    if authority.kind != OrganisationKind.AUTHORITY:
        raise ReportError(_("Choose one of the three decision-making authorities."))


def _next_action_reference(report: Report) -> str:
    taken = set(report.actions.values_list("reference", flat=True))
    number = len(taken) + 1
    while f"Action {number}" in taken:
        number += 1
    return f"Action {number}"


def add_action(
    report: Report,
    *,
    authority: Organisation,
    text: str,
    reference: str = "",
    position: int | None = None,
    expected_version: int | None = None,
) -> DmaAction:
    """Record further action an authority proposes to take (reg 8(1)(c)), owned by ``authority``.

    ``reference`` defaults to the next free "Action n"; ``position`` to after the last action.
    Records ``report.action_added``."""
    _check_authority(authority)
    if not text.strip():
        raise ReportError(_("Enter what the authority will do."))
    with transaction.atomic():
        report = draft_for_update(report, expected_version)
        reference = reference.strip() or _next_action_reference(report)
        if report.actions.filter(reference=reference).exists():
            raise ReportError(_("The report already has an action with this reference."))
        if position is None:
            position = (report.actions.aggregate(last=Max("position"))["last"] or 0) + 1
        action = DmaAction.objects.create(
            report=report, reference=reference, authority=authority, text=text, position=position
        )
        count_change(report)
        record_event(
            action="report.action_added",
            obj=report,
            after={"reference": reference, "authority": authority.name, "text": text},
        )
    return action


def edit_action(
    action: DmaAction,
    *,
    authority: Organisation,
    text: str,
    position: int,
    expected_version: int | None = None,
) -> DmaAction:
    """Change an action of the draft report: its owner, text or place. Records ``report.action_changed``."""
    _check_authority(authority)
    if not text.strip():
        raise ReportError(_("Enter what the authority will do."))
    with transaction.atomic():
        report = draft_for_update(action.report, expected_version)
        action = (
            DmaAction.objects.select_for_update().select_related("authority").get(pk=action.pk, report=report)
        )
        if (action.authority_id, action.text, action.position) == (authority.pk, text, position):
            return action
        before = {"reference": action.reference, "authority": action.authority.name, "text": action.text}
        action.authority, action.text, action.position = authority, text, position
        action.save(update_fields=["authority", "text", "position"])
        count_change(report)
        record_event(
            action="report.action_changed",
            obj=report,
            before=before,
            after={"reference": action.reference, "authority": authority.name, "text": text},
        )
    return action


def delete_action(action: DmaAction, *, expected_version: int | None = None) -> Report:
    """Take an action out of the draft report. Records ``report.action_deleted``. Returns the report."""
    with transaction.atomic():
        report = draft_for_update(action.report, expected_version)
        action = DmaAction.objects.select_for_update().get(pk=action.pk, report=report)
        before = {"reference": action.reference}
        action.delete()
        count_change(report)
        record_event(action="report.action_deleted", obj=report, before=before)
    return report


# --- Opinions where the authorities disagree (reg 11(2)) -----------------------------------------


def add_opinion(report: Report, *, authority: Organisation, text: str) -> DissentingOpinion:
    """Record an authority's own opinion where they disagree on the report (reg 11(2))."""
    return save_opinion(report, authority=authority, text=text)


def save_opinion(
    report: Report, *, authority: Organisation, text: str, expected_version: int | None = None
) -> DissentingOpinion:
    """Give or change ``authority``'s own opinion on the draft report, where it disagrees (reg 11(2)).

    Each authority has one opinion, which only its own staff edit (``access.rules``). It is part of
    the published report. Records ``report.opinion_added`` or ``report.opinion_changed``."""
    _check_authority(authority)
    if not text.strip():
        raise ReportError(_("Enter the authority's opinion."))
    with transaction.atomic():
        report = draft_for_update(report, expected_version)
        opinion = (
            DissentingOpinion.objects.select_for_update().filter(report=report, authority=authority).first()
        )
        if opinion is not None and opinion.text == text:
            return opinion
        if opinion is None:
            opinion = DissentingOpinion.objects.create(report=report, authority=authority, text=text)
            code = "report.opinion_added"
        else:
            opinion.text = text
            opinion.save(update_fields=["text"])
            code = "report.opinion_changed"
        count_change(report)
        record_event(action=code, obj=report, after={"authority": authority.name})
    return opinion


def withdraw_opinion(opinion: DissentingOpinion, *, expected_version: int | None = None) -> Report:
    """Take an authority's opinion out of the draft report. Records ``report.opinion_withdrawn``."""
    with transaction.atomic():
        report = draft_for_update(opinion.report, expected_version)
        opinion = (
            DissentingOpinion.objects.select_for_update()
            .select_related("authority")
            .get(pk=opinion.pk, report=report)
        )
        name = opinion.authority.name
        opinion.delete()
        count_change(report)
        record_event(action="report.opinion_withdrawn", obj=report, before={"authority": name})
    return report


# --- Exclusions (reg 8(3)) ------------------------------------------------------------------------


def exclude_passage(report: Report, *, ground: str, passage: str, note: str = "") -> Exclusion:
    """Withhold a free-standing passage (its text held by the exclusion itself) from publication
    for national security or safety (reg 8(3)). The builder excludes a report's own passages with
    ``propose_exclusion``."""
    with transaction.atomic():
        exclusion = Exclusion.objects.create(report=report, ground=ground, passage=passage, note=note)
        # The passage itself stays out of the trail's readable summary: only its ground is named.
        record_event(
            action="report.passage_excluded", obj=report, after={"ground": ground, "exclusion": exclusion.pk}
        )
    return exclusion


def propose_exclusion(
    passage: ReportPassage,
    *,
    ground: str,
    reason: str,
    by: Any,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> Exclusion:
    """Propose to exclude one of the draft report's passages from publication (reg 8(3)), on the
    ground of national security or of the safety of any person, with the reason.

    From now on the published rendition leaves the passage out; publication waits until another
    member of staff approves (``approve_exclusion``). Records ``report.exclusion_proposed`` with
    the ground and the passage's place, never its text or the reason (which may describe it)."""
    if ground not in ExclusionGround.values:
        raise ReportError(_("Choose the ground for excluding the passage."))
    if not reason.strip():
        raise ReportError(_("Enter why the passage must be excluded."))
    with transaction.atomic():
        report = draft_for_update(passage.report, expected_version)
        passage = ReportPassage.objects.select_for_update().get(pk=passage.pk, report=report)
        if Exclusion.objects.filter(target=passage).exists():
            raise ReportError(_("This passage is already excluded."))
        exclusion = Exclusion.objects.create(
            report=report,
            target=passage,
            ground=ground,
            note=reason.strip(),
            proposed_by=by,
            proposed_at=at or timezone.now(),
        )
        count_change(report)
        record_event(
            action="report.exclusion_proposed",
            obj=report,
            after={"ground": ground, "exclusion": exclusion.pk, **_passage_summary(passage)},
        )
    return exclusion


def approve_exclusion(
    exclusion: Exclusion, *, by: Any, at: datetime.datetime | None = None, expected_version: int | None = None
) -> Exclusion:
    """Approve a proposed exclusion (reg 8(3)). The approver must be another member of staff than
    the one who proposed it. Records ``report.exclusion_approved``; approving again does nothing."""
    with transaction.atomic():
        report = draft_for_update(exclusion.report, expected_version)
        exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk, report=report)
        if exclusion.approved_at is not None:
            return exclusion
        if exclusion.proposed_by_id is not None and exclusion.proposed_by_id == getattr(by, "pk", None):
            raise ReportError(_("Another member of staff must approve this exclusion: you proposed it."))
        exclusion.approved_by = by
        exclusion.approved_at = at or timezone.now()
        exclusion.save(update_fields=["approved_by", "approved_at"])
        count_change(report)
        record_event(
            action="report.exclusion_approved",
            obj=report,
            after={"ground": exclusion.ground, "exclusion": exclusion.pk},
        )
    return exclusion


def withdraw_exclusion(exclusion: Exclusion, *, expected_version: int | None = None) -> Report:
    """Withdraw an exclusion of a draft report's passage: the passage is published with the report
    again. Records ``report.exclusion_withdrawn``. Returns the report."""
    with transaction.atomic():
        report = draft_for_update(exclusion.report, expected_version)
        exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk, report=report)
        summary = {"ground": exclusion.ground, "exclusion": exclusion.pk}
        exclusion.delete()
        count_change(report)
        record_event(action="report.exclusion_withdrawn", obj=report, before=summary)
    return report
