"""Every change to a super-complaint goes through one of these functions.

Each one: checks the move is allowed (raising a ``ComplaintError`` with a plain-words message if
not), does nothing if the complaint is already there, writes inside one transaction with the row
locked, records the audit event in that transaction, and sends notifications after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints.models import (
    ALLOWED_TRANSITIONS,
    AuthorityPosition,
    ComplaintState,
    DecidedBy,
    EligibilityDecision,
    ForcesScope,
    Position,
    ProgressReport,
    ReferenceCounter,
    RepeatFinding,
    SuperComplaint,
)
from deadlines.rules import acknowledgement_due, progress_report_periods, to_london_date
from organisations.models import Organisation, OrganisationKind

STATE_FIELDS = ["state", "version"]


class ComplaintError(Exception):
    """A change that the rules do not allow. The message is written for the person who asked."""


class InvalidTransition(ComplaintError):
    pass


class NotDesignated(ComplaintError):
    pass


class IncompleteComplaint(ComplaintError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


class StaleEdit(ComplaintError):
    pass


def _locked(complaint: SuperComplaint) -> SuperComplaint:
    return SuperComplaint.objects.select_for_update().get(pk=complaint.pk)


def _check_transition(complaint: SuperComplaint, target: ComplaintState) -> None:
    current = ComplaintState(complaint.state)
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(
            _("A complaint that is “%(current)s” cannot become “%(target)s”.")
            % {"current": current.label, "target": target.label}
        )


def _move(complaint: SuperComplaint, target: ComplaintState, extra_fields: Iterable[str] = ()) -> None:
    complaint.state = target
    complaint.version += 1
    complaint.save(update_fields=[*STATE_FIELDS, *extra_fields, "updated_at"])


def check_version(complaint: SuperComplaint, expected_version: int | None) -> None:
    """Refuse a save made from a stale form: someone else saved first."""
    if expected_version is not None and complaint.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else saved changes to this complaint after you opened this page. "
                "Your changes have not been saved yet: check the latest version below, then save again."
            )
        )


# --- Reference -----------------------------------------------------------------------------------


def next_reference(year: int) -> str:
    """The next free reference in a year, e.g. SC-2026-001. Call inside a transaction."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"SC-{year}-{counter.last:03d}"


# --- Submission ----------------------------------------------------------------------------------


def submission_problems(complaint: SuperComplaint) -> list[str]:
    """What a complaint still lacks before it meets SI 2018/748 reg 4 and the guidance."""
    problems = []
    if not complaint.complainants.exists():
        problems.append(_("Name the designated body making the complaint."))
    features = list(complaint.features.prefetch_related("harms"))
    if not features:
        problems.append(_("Add at least one feature of policing."))
    for feature in features:
        if not feature.text.strip():
            problems.append(_("Feature %(n)s has no description.") % {"n": feature.position})
        if not any(h.description.strip() for h in feature.harms.all()):
            problems.append(_("Describe the harm caused by feature %(n)s.") % {"n": feature.position})
    if not complaint.forces_scope or (
        complaint.forces_scope == ForcesScope.NAMED and not complaint.forces.exists()
    ):
        problems.append(_("Say which forces the complaint concerns."))
    if not complaint.evidence_items.exists():
        problems.append(_("Include the evidence you rely on."))
    if not complaint.contact_name.strip() or not complaint.contact_email.strip():
        problems.append(
            _("Name an individual who represents the body and may be contacted, with an e-mail address.")
        )
    return problems


def submit_complaint(complaint: SuperComplaint, *, at: datetime.datetime | None = None) -> SuperComplaint:
    """Send a draft to the Chief Inspector (PRA 2002 s.29A; SI 2018/748 regs 4-5).

    Side effects: stamps the moment and London date of receipt, gives the complaint its
    reference, stores the reg 5 acknowledgement due date, records ``complaint.submitted``, and
    after commit e-mails the contact. Submitting twice does nothing the second time.
    """
    at = at or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state != ComplaintState.DRAFT:
            return complaint
        _check_transition(complaint, ComplaintState.RECEIVED)
        problems = submission_problems(complaint)
        if problems:
            raise IncompleteComplaint(problems)
        received_on = to_london_date(at)
        for body in complaint.complainants.all():
            if not body.is_designated_on(received_on):
                raise NotDesignated(
                    _(
                        "%(body)s is not a designated body on %(day)s, so it cannot make a super-complaint. "
                        "Only bodies designated by regulations may do so (Police Reform Act 2002, section 29A)."
                    )
                    % {"body": body.name, "day": received_on.strftime("%-d %B %Y")}
                )
        before = snapshot(
            complaint, ["state", "reference", "received_at", "received_on", "acknowledgement_due"]
        )
        complaint.reference = next_reference(received_on.year)
        complaint.received_at = at
        complaint.received_on = received_on
        complaint.acknowledgement_due = acknowledgement_due(at).due
        _move(
            complaint,
            ComplaintState.RECEIVED,
            ["reference", "received_at", "received_on", "acknowledgement_due"],
        )
        record_event(
            action="complaint.submitted",
            obj=complaint,
            before=before,
            after=snapshot(
                complaint, ["state", "reference", "received_at", "received_on", "acknowledgement_due"]
            ),
        )
        transaction.on_commit(lambda: _notify("complaint_received", complaint.pk))
    return complaint


def _notify(kind: str, complaint_id: int) -> None:
    from complaints import tasks

    tasks.send_complaint_email.enqueue(kind, complaint_id)


# --- Acknowledgement -----------------------------------------------------------------------------


def acknowledge_complaint(
    complaint: SuperComplaint, *, at: datetime.datetime | None = None
) -> SuperComplaint:
    """Record the acknowledgement the Chief Inspector gives the body (SI 2018/748 reg 5).

    Side effects: records ``complaint.acknowledged``. An overdue flag stays, as history.
    """
    at = at or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.ACKNOWLEDGED:
            return complaint
        _check_transition(complaint, ComplaintState.ACKNOWLEDGED)
        before = snapshot(complaint, ["state", "acknowledged_at"])
        complaint.acknowledged_at = at
        _move(complaint, ComplaintState.ACKNOWLEDGED, ["acknowledged_at"])
        record_event(
            action="complaint.acknowledged",
            obj=complaint,
            before=before,
            after=snapshot(complaint, ["state", "acknowledged_at"]),
        )
    return complaint


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
    complaint: SuperComplaint, *, authority: Organisation, position: str, reasons: str, user: Any = None
) -> AuthorityPosition:
    """Record one authority's position on eligibility (SI 2018/748 reg 6(1)).

    The first position recorded opens the assessment. An authority may change its position until
    the decision is made. Records ``complaint.position_recorded`` with the previous position.
    """
    if authority.kind != OrganisationKind.AUTHORITY:
        raise ComplaintError(_("Only a decision-making authority records a position on eligibility."))
    if position not in Position.values:
        raise ComplaintError(_("Choose whether the complaint is eligible."))
    if not reasons.strip():
        raise ComplaintError(_("Give the reasons for the position."))
    with transaction.atomic():
        complaint = _locked(complaint)
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
) -> EligibilityDecision:
    """Decide whether the complaint is eligible (SI 2018/748 reg 6; reg 11(1)).

    Eligible only if it meets reg 4 and does not merely repeat the substance of a complaint being
    investigated, or of one already investigated with no material change of circumstances. All
    three authorities must have recorded a position; where they differ, only the Chief Inspector
    can decide (``by_chief_inspector``, which the caller grants only to a Chief Inspector user).

    Side effects: the state becomes eligible or not eligible; if eligible, the body is taken to be
    told on the London date of ``at`` (the decision letter goes out then, reg 6(5)), which starts
    the reg 7 clock and stores the first progress report's due date; records
    ``complaint.eligibility_decided``; after commit, notifies the body.
    """
    at = at or timezone.now()
    if outcome not in Position.values:
        raise ComplaintError(_("Choose whether the complaint is eligible."))
    if repeat_finding not in RepeatFinding.values:
        raise ComplaintError(_("Say whether the complaint repeats the substance of another complaint."))
    with transaction.atomic():
        complaint = _locked(complaint)
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
        transaction.on_commit(lambda: _notify("eligibility_decided", complaint.pk))
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


# --- Investigation and progress reports ----------------------------------------------------------


def start_investigation(complaint: SuperComplaint, *, lead_authority: Organisation) -> SuperComplaint:
    """Open the investigation with its lead authority. Records ``complaint.investigation_started``."""
    if lead_authority.kind != OrganisationKind.AUTHORITY:
        raise ComplaintError(_("The lead must be one of the decision-making authorities."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.INVESTIGATING:
            return complaint
        _check_transition(complaint, ComplaintState.INVESTIGATING)
        complaint.lead_authority = lead_authority
        _move(complaint, ComplaintState.INVESTIGATING, ["lead_authority"])
        record_event(
            action="complaint.investigation_started",
            obj=complaint,
            before={"state": ComplaintState.ELIGIBLE.value},
            after={"state": complaint.state, "lead_authority": lead_authority.name},
        )
    return complaint


def _schedule_progress_reports(complaint: SuperComplaint, *, upto: datetime.date) -> int:
    """Store the reg 7 periods up to the one running on ``upto`` (at least the first).

    Due dates of unsent reports are re-derived from the day the body was told, so a change of
    that day or of the holiday calendar is followed. Returns how many rows changed.
    """
    if complaint.told_investigation_on is None:
        return 0
    existing = {r.period: r for r in complaint.progress_reports.all()}
    needed = max(1, len(existing))
    periods = progress_report_periods(complaint.told_investigation_on, needed)
    while periods[-1].due < upto:
        needed += 1
        periods = progress_report_periods(complaint.told_investigation_on, needed)
    changed = 0
    for number, deadline in enumerate(periods, start=1):
        report = existing.get(number)
        if report is None:
            ProgressReport.objects.create(
                complaint=complaint,
                period=number,
                period_start=deadline.start,
                due=deadline.due,
                explanation=deadline.explanation,
            )
            changed += 1
        elif not report.is_sent and (report.due, report.period_start) != (deadline.due, deadline.start):
            report.due, report.period_start, report.explanation = (
                deadline.due,
                deadline.start,
                deadline.explanation,
            )
            report.save(update_fields=["due", "period_start", "explanation"])
            changed += 1
    return changed


def send_progress_report(
    report: ProgressReport,
    *,
    steps_taken: str,
    steps_proposed: str,
    exclusion_note: str = "",
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Send the progress report for a reg 7 period (SI 2018/748 reg 7(2)-(3)).

    Side effects: marks it sent, stores the next period so its due date shows, records
    ``complaint.progress_report_sent``.
    """
    at = at or timezone.now()
    if not steps_taken.strip() or not steps_proposed.strip():
        raise ComplaintError(
            _("Explain the steps taken and the steps proposed before the end of the next period.")
        )
    with transaction.atomic():
        complaint = _locked(report.complaint)
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.is_sent:
            return report
        if complaint.state not in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            raise InvalidTransition(
                _("Progress reports are sent only while the complaint is being investigated.")
            )
        report.steps_taken, report.steps_proposed, report.exclusion_note = (
            steps_taken,
            steps_proposed,
            exclusion_note,
        )
        report.sent_at = at
        report.save(update_fields=["steps_taken", "steps_proposed", "exclusion_note", "sent_at"])
        _schedule_progress_reports(complaint, upto=report.due + datetime.timedelta(days=1))
        record_event(
            action="complaint.progress_report_sent",
            obj=complaint,
            after={"period": report.period, "due": report.due, "sent_at": at},
        )
    return report


# --- Withdrawal, report, monitoring, closure -----------------------------------------------------


def withdraw_complaint(
    complaint: SuperComplaint, *, reason: str, at: datetime.datetime | None = None
) -> SuperComplaint:
    """Record that the body withdrew its complaint.

    Non-statutory: the regulations have no withdrawal procedure, but bodies do withdraw. Possible
    from receipt until the report. Records ``complaint.withdrawn``.
    """
    if not reason.strip():
        raise ComplaintError(_("Give a reason for withdrawing the complaint."))
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.WITHDRAWN:
            return complaint
        _check_transition(complaint, ComplaintState.WITHDRAWN)
        before = snapshot(complaint, ["state"])
        complaint.withdrawn_at = at or timezone.now()
        complaint.withdrawal_reason = reason
        _move(complaint, ComplaintState.WITHDRAWN, ["withdrawn_at", "withdrawal_reason"])
        record_event(
            action="complaint.withdrawn",
            obj=complaint,
            before=before,
            after={"state": complaint.state, "reason": reason, "statutory": False},
        )
    return complaint


def mark_report_published(complaint: SuperComplaint) -> SuperComplaint:
    """Called by ``reports.services.publish_report`` in its transaction (SI 2018/748 reg 8)."""
    return _simple_transition(complaint, ComplaintState.REPORT_PUBLISHED, "complaint.report_published")


def begin_monitoring(complaint: SuperComplaint) -> SuperComplaint:
    """Start tracking the responses to the report's recommendations."""
    return _simple_transition(complaint, ComplaintState.MONITORING, "complaint.monitoring_started")


def close_complaint(complaint: SuperComplaint) -> SuperComplaint:
    """Close a complaint whose responses no longer need monitoring."""
    return _simple_transition(complaint, ComplaintState.CLOSED, "complaint.closed")


def _simple_transition(complaint: SuperComplaint, target: ComplaintState, action: str) -> SuperComplaint:
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == target:
            return complaint
        _check_transition(complaint, target)
        previous = complaint.state
        _move(complaint, target)
        record_event(
            action=action, obj=complaint, before={"state": previous}, after={"state": complaint.state}
        )
    return complaint


# --- Stored deadlines ----------------------------------------------------------------------------


def recompute_deadlines(complaint: SuperComplaint) -> bool:
    """Re-derive the stored due dates from their inputs. Returns whether anything changed.

    Inputs: the moment of receipt (reg 5), the day the body was told of the investigation
    (reg 7), and the holiday calendar. Records ``complaint.deadlines_recomputed`` on change.
    """
    with transaction.atomic():
        complaint = _locked(complaint)
        before = {
            "acknowledgement_due": complaint.acknowledgement_due,
            "progress_reports": [(r.period, r.due) for r in complaint.progress_reports.all()],
        }
        changed = False
        if complaint.received_at is not None:
            due = acknowledgement_due(complaint.received_at).due
            if due != complaint.acknowledgement_due:
                complaint.acknowledgement_due = due
                complaint.save(update_fields=["acknowledgement_due"])
                changed = True
        told = complaint.told_investigation_on
        if told and complaint.state in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING):
            changed |= _schedule_progress_reports(complaint, upto=told) > 0
        if changed:
            record_event(
                action="complaint.deadlines_recomputed",
                obj=complaint,
                before=before,
                after={
                    "acknowledgement_due": complaint.acknowledgement_due,
                    "progress_reports": [(r.period, r.due) for r in complaint.progress_reports.all()],
                },
            )
    return changed


def correct_receipt(complaint: SuperComplaint, *, received_at: datetime.datetime) -> SuperComplaint:
    """Staff correct the moment of receipt; the acknowledgement due date follows.

    Records ``complaint.receipt_corrected``.
    """
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.state == ComplaintState.DRAFT:
            raise InvalidTransition(_("A draft has not been received yet."))
        before = snapshot(complaint, ["received_at", "received_on"])
        complaint.received_at = received_at
        complaint.received_on = to_london_date(received_at)
        complaint.version += 1
        complaint.save(update_fields=["received_at", "received_on", "version", "updated_at"])
        record_event(
            action="complaint.receipt_corrected",
            obj=complaint,
            before=before,
            after=snapshot(complaint, ["received_at", "received_on"]),
        )
        recompute_deadlines(complaint)
    return complaint


def flag_overdue(on: datetime.date) -> dict[str, int]:
    """Flag acknowledgements and progress reports overdue on ``on``. Safe to run twice.

    A flag is set once, on the first sweep that finds the item overdue; a second sweep finds
    nothing new and changes nothing. Records one ``*.overdue`` event per newly flagged item.
    """
    counts = {"acknowledgements": 0, "progress_reports": 0}
    with transaction.atomic():
        # Progress-report rows for running periods must exist before they can be checked.
        for complaint in SuperComplaint.objects.filter(
            state__in=[ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING],
            told_investigation_on__isnull=False,
        ):
            _schedule_progress_reports(complaint, upto=on)
        late = SuperComplaint.objects.select_for_update().filter(
            state=ComplaintState.RECEIVED,
            acknowledgement_due__lt=on,
            acknowledgement_overdue_flagged_on__isnull=True,
        )
        for complaint in late:
            complaint.acknowledgement_overdue_flagged_on = on
            complaint.save(update_fields=["acknowledgement_overdue_flagged_on"])
            record_event(
                action="complaint.acknowledgement_overdue",
                obj=complaint,
                after={"due": complaint.acknowledgement_due, "flagged_on": on},
            )
            counts["acknowledgements"] += 1
        late_reports = ProgressReport.objects.select_for_update().filter(
            sent_at__isnull=True,
            due__lt=on,
            overdue_flagged_on__isnull=True,
            complaint__state__in=[ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING],
        )
        for report in late_reports.select_related("complaint"):
            report.overdue_flagged_on = on
            report.save(update_fields=["overdue_flagged_on"])
            record_event(
                action="complaint.progress_report_overdue",
                obj=report.complaint,
                after={"period": report.period, "due": report.due, "flagged_on": on},
            )
            counts["progress_reports"] += 1
    return counts


# --- The public record ---------------------------------------------------------------------------


def import_historical_complaint(
    *,
    key: str,
    state: ComplaintState,
    complainants: list[Organisation],
    received_on: Any,
    fields: dict[str, Any],
) -> tuple[SuperComplaint, bool]:
    """Load a complaint from the public record in the state the record shows.

    The one way a complaint enters a state without its transitions: it went through them before
    the service existed. Keyed by ``key``, so loading twice creates nothing new and never
    overwrites what staff corrected. Records ``complaint.loaded_from_public_record``.
    """
    existing = SuperComplaint.objects.filter(public_record_key=key).first()
    if existing:
        return existing, False
    with transaction.atomic():
        year = received_on.year
        complaint = SuperComplaint.objects.create(
            public_record_key=key,
            is_historical=True,
            state=state,
            public_since=timezone.now(),
            reference=next_reference(year),
            received_on=received_on,
            **fields,
        )
        for position, body in enumerate(complainants, start=1):
            complaint.complainant_set.create(body=body, position=position)
        record_event(
            action="complaint.loaded_from_public_record",
            obj=complaint,
            after={
                **snapshot(complaint, ["reference", "state", "title", "received_on", "acknowledgement_due"]),
                "complainants": [b.name for b in complainants],
            },
        )
    return complaint, True
