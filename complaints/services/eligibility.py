"""The eligibility assessment and decision (SI 2018/748 reg 6; reg 11(1))."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints import notifications
from complaints.models import (
    AuthorityPosition,
    ComplaintState,
    DecidedBy,
    EligibilityDecision,
    Position,
    RepeatFinding,
    SuperComplaint,
)
from complaints.services.base import (
    ComplaintError,
    InvalidTransition,
    _check_transition,
    _locked,
    _move,
    check_version,
)
from complaints.services.investigation import _schedule_progress_reports
from deadlines.rules import to_london_date
from organisations.models import Organisation, OrganisationKind
from reports.models import Report

# --- Eligibility ---------------------------------------------------------------------------------


def start_assessment(complaint: SuperComplaint) -> SuperComplaint:
    """Open the eligibility assessment (SI 2018/748 reg 6). Records ``complaint.assessment_started``."""
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.ASSESSING:
            return complaint
        _check_transition(complaint, ComplaintState.ASSESSING)
        _move(complaint, ComplaintState.ASSESSING)
        record_event(
            action="complaint.assessment_started",
            obj=complaint,
            before={"state": ComplaintState.ACKNOWLEDGED.value},
            after={"state": complaint.state},
        )
    return complaint


def record_position(
    complaint: SuperComplaint,
    *,
    authority: Organisation,
    position: str,
    reasons: str,
    user: Any = None,
    expected_version: int | None = None,
) -> AuthorityPosition:
    """Record one authority's position on eligibility (SI 2018/748 reg 6(1)).

    The first position recorded opens the assessment. An authority may change its position until
    the decision is made. A save from a form opened at another version than the complaint's is
    refused (``StaleEdit``), checked under the row lock. Records ``complaint.position_recorded``
    with the previous position, and tells the super-complaints team (through the outbox, once per
    authority) whose position is still awaited.
    """
    if authority.kind != OrganisationKind.AUTHORITY:
        raise ComplaintError(_("Only a decision-making authority records a position on eligibility."))
    if position not in Position.values:
        raise ComplaintError(_("Choose whether the complaint is eligible."))
    if not reasons.strip():
        raise ComplaintError(_("Give the reasons for the position."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_version(complaint, expected_version)
        if complaint.state == ComplaintState.ACKNOWLEDGED:
            complaint = start_assessment(complaint)
        if complaint.state != ComplaintState.ASSESSING:
            raise InvalidTransition(_("Positions can only be recorded while eligibility is being assessed."))
        existing = AuthorityPosition.objects.filter(complaint=complaint, authority=authority).first()
        before = snapshot(existing, ["position", "reasons"]) if existing else None
        record, _created = AuthorityPosition.objects.update_or_create(
            complaint=complaint,
            authority=authority,
            defaults={
                "position": position,
                "reasons": reasons,
                "recorded_at": timezone.now(),
                "recorded_by": user,
            },
        )
        complaint.version += 1
        complaint.save(update_fields=["version", "updated_at"])
        record_event(
            action="complaint.position_recorded",
            obj=complaint,
            before=before,
            after={
                "authority": authority.short_name or authority.name,
                "position": position,
                "reasons": reasons,
            },
        )
        authorities = list(Organisation.objects.of_kind(OrganisationKind.AUTHORITY).order_by("name"))
        recorded = set(complaint.positions.values_list("authority_id", flat=True))
        notifications.positions_awaited(
            complaint,
            recorded=[a for a in authorities if a.pk in recorded],
            awaited=[a for a in authorities if a.pk not in recorded],
        )
    return record


def positions_agree(complaint: SuperComplaint) -> str | None:
    """The agreed position when all three authorities have recorded the same one, else None."""
    authorities = set(Organisation.objects.of_kind(OrganisationKind.AUTHORITY).values_list("pk", flat=True))
    positions = dict(complaint.positions.values_list("authority_id", "position"))
    if set(positions) != authorities:
        return None
    values = set(positions.values())
    return values.pop() if len(values) == 1 else None


def decide_eligibility(
    complaint: SuperComplaint,
    *,
    outcome: str,
    reasons: str,
    checklist: dict[str, bool],
    repeat_finding: str,
    related_complaint: SuperComplaint | None = None,
    material_change: str = "",
    checklist_notes: str = "",
    by_chief_inspector: bool = False,
    user: Any = None,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> EligibilityDecision:
    """Decide whether the complaint is eligible (SI 2018/748 reg 6; reg 11(1)).

    Eligible only if it meets reg 4 and does not merely repeat the substance of a complaint being
    investigated, or of one already investigated with no material change of circumstances. All
    three authorities must have recorded a position; where they differ, only the Chief Inspector
    can decide (``by_chief_inspector``, which the caller grants only to a Chief Inspector user).

    A decision made from a form opened at another version than the complaint's is refused
    (``StaleEdit``), checked under the row lock before anything else.

    Side effects: the state becomes eligible or not eligible; if eligible, the body is taken to be
    told on the London date of ``at`` (the decision letter goes out then, reg 6(5)), which starts
    the reg 7 clock and stores the first progress report's due date; records
    ``complaint.eligibility_decided``; writes the body's notice to the outbox (sent after commit).
    """
    at = at or timezone.now()
    if outcome not in Position.values:
        raise ComplaintError(_("Choose whether the complaint is eligible."))
    if repeat_finding not in RepeatFinding.values:
        raise ComplaintError(_("Say whether the complaint repeats the substance of another complaint."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_version(complaint, expected_version)
        target = ComplaintState.ELIGIBLE if outcome == Position.ELIGIBLE else ComplaintState.NOT_ELIGIBLE
        if complaint.state == target:
            return complaint.eligibility
        _check_transition(complaint, target)

        authorities = Organisation.objects.of_kind(OrganisationKind.AUTHORITY)
        recorded = set(complaint.positions.values_list("authority_id", flat=True))
        missing = [a.short_name or a.name for a in authorities if a.pk not in recorded]
        if missing:
            raise ComplaintError(
                _("Each authority must record its position before the decision. Still to record: %(names)s.")
                % {"names": ", ".join(missing)}
            )
        agreed = positions_agree(complaint)
        if agreed is None and not by_chief_inspector:
            raise ComplaintError(
                _(
                    "The authorities do not agree, so only the Chief Inspector can decide "
                    "(SI 2018/748 regulation 11(1))."
                )
            )
        if agreed is not None and agreed != outcome:
            raise ComplaintError(_("All three authorities agree; the decision must follow their position."))

        decision = EligibilityDecision(
            complaint=complaint,
            outcome=outcome,
            decided_on=to_london_date(at),
            decided_by=DecidedBy.AUTHORITIES if agreed is not None else DecidedBy.CHIEF_INSPECTOR,
            decided_by_user=user,
            checklist_notes=checklist_notes,
            repeat_finding=repeat_finding,
            related_complaint=related_complaint,
            material_change=material_change,
            reasons=reasons,
        )
        for name in EligibilityDecision.REG4_CHECKLIST:
            setattr(decision, name, bool(checklist.get(name)))
        _check_decision(decision)
        decision.save()

        # The decision puts the complaint on the public register (its contact and evidence stay private).
        complaint.public_since = at
        fields = ["public_since"]
        if outcome == Position.ELIGIBLE:
            complaint.told_investigation_on = to_london_date(at)
            fields.append("told_investigation_on")
        _move(complaint, target, fields)
        if outcome == Position.ELIGIBLE:
            _schedule_progress_reports(complaint, upto=to_london_date(at))
        record_event(
            action="complaint.eligibility_decided",
            obj=complaint,
            before={"state": ComplaintState.ASSESSING.value},
            after={
                "state": complaint.state,
                "outcome": outcome,
                "decided_by": decision.decided_by,
                "repeat_finding": repeat_finding,
                "related_complaint": related_complaint.reference if related_complaint else None,
                "reasons": reasons,
            },
        )
        notifications.eligibility_decided(complaint)
    return decision


def _check_decision(decision: EligibilityDecision) -> None:
    """The reg 4 and reg 6(3)-(4) rules a decision must respect."""
    repeat = decision.repeat_finding
    if repeat != RepeatFinding.NOT_A_REPEAT and decision.related_complaint is None:
        raise ComplaintError(_("Name the earlier complaint it relates to."))
    if repeat == RepeatFinding.MATERIAL_CHANGE and not decision.material_change.strip():
        raise ComplaintError(_("Describe the material change of circumstances."))
    if decision.outcome == Position.ELIGIBLE:
        if not decision.meets_reg4():
            raise ComplaintError(
                _("A complaint that does not meet every requirement of regulation 4 cannot be eligible.")
            )
        if repeat in (RepeatFinding.REPEATS_UNDER_INVESTIGATION, RepeatFinding.REPEATS_INVESTIGATED):
            raise ComplaintError(
                _(
                    "A complaint that merely repeats the substance of another cannot be eligible (regulation 6)."
                )
            )
    elif not decision.reasons.strip():
        raise ComplaintError(_("Give the reasons why the complaint is not eligible (regulation 6(6))."))
    related = decision.related_complaint
    if related is not None and repeat != RepeatFinding.NOT_A_REPEAT:
        if related.pk == decision.complaint_id:
            raise ComplaintError(_("A complaint cannot repeat itself. Choose a different complaint."))
        if repeat == RepeatFinding.REPEATS_UNDER_INVESTIGATION and not _being_investigated(related):
            raise ComplaintError(
                _(
                    "%(reference)s is not being investigated (its stage is “%(stage)s”), so this "
                    "complaint cannot merely repeat a complaint being investigated (regulation 6(3)). "
                    "Choose a complaint that is being investigated, or a different answer."
                )
                % {"reference": related.reference, "stage": related.get_state_display()}
            )
        if repeat in (RepeatFinding.REPEATS_INVESTIGATED, RepeatFinding.MATERIAL_CHANGE) and not (
            _report_published(related)
        ):
            raise ComplaintError(
                _(
                    "%(reference)s has no published report, so it has not been investigated yet "
                    "(regulation 6(3) and (4)). Choose a complaint whose report is published, or a "
                    "different answer."
                )
                % {"reference": related.reference}
            )


def _being_investigated(complaint: SuperComplaint) -> bool:
    """Accepted for investigation and without a report yet (SI 2018/748 reg 6(3)(a)). A withdrawn
    or refused complaint is not being investigated, whatever it once was."""
    return complaint.state in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING)


def _report_published(complaint: SuperComplaint) -> bool:
    """Already investigated: its report is published (SI 2018/748 reg 6(3)(b), reg 8)."""
    return Report.objects.published().filter(complaint=complaint).exists()
