"""The writes of the retention schedule: change a rule; place and lift a legal hold.

Each is one change in one transaction with its audit event. A hold's reason may name a person or a
case in court, so events record that a hold was placed or lifted and on what, never the reason.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from complaints.models import SuperComplaint
from retention.models import LegalHold, RetentionRule
from retention.schedule import BY_KEY, MAX_PERIOD

MAX_REASON_LENGTH = 2000


class RetentionError(Exception):
    """A change the retention schedule does not allow."""


class StaleRule(RetentionError):
    """Someone else changed the rule after this form was opened."""


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _locked_rule(category: str) -> RetentionRule:
    """The category's rule, locked; created from its default if the schedule lacks it."""
    default = BY_KEY[category]
    RetentionRule.objects.get_or_create(
        category=category,
        defaults={"period": default.period, "unit": default.unit, "action": default.action},
    )
    return RetentionRule.objects.select_for_update().get(category=category)


def update_rule(
    category: str,
    *,
    period: int,
    unit: str,
    action: str,
    user: Any = None,
    expected_version: int | None = None,
) -> RetentionRule:
    """Change how long one category of record is kept and what happens at the end.

    Checks, under the rule's row lock: the category exists; the form was opened at the current
    version (else ``StaleRule``); the period is a whole number of days or months from 1 up to a
    hundred years; the action is one this category can take. Does nothing if nothing changed.
    Bumps the version and records ``retention.rule_changed`` with the values before and after.
    The next run of the job applies the new rule; nothing is done at once.
    """
    if category not in BY_KEY:
        raise RetentionError(_("There is no retention category called %(key)s.") % {"key": category})
    known = BY_KEY[category]
    if unit not in MAX_PERIOD:
        raise RetentionError(_("Choose days or months."))
    if period < 1:
        raise RetentionError(_("The period must be at least 1 day or month."))
    if period > MAX_PERIOD[unit]:
        raise RetentionError(
            _("The period can be at most %(max)d %(unit)s (a hundred years).")
            % {"max": MAX_PERIOD[unit], "unit": unit}
        )
    if action not in known.actions:
        allowed = " or ".join(known.actions)
        raise RetentionError(
            _("%(category)s can only be treated this way at the end: %(allowed)s.")
            % {"category": known.label, "allowed": allowed}
        )
    with transaction.atomic():
        rule = _locked_rule(category)
        if expected_version is not None and rule.version != expected_version:
            raise StaleRule(
                _(
                    "Someone else changed this rule while you were editing it. Your changes have not "
                    "been saved yet: check the rule as it now stands, then save again."
                )
            )
        before = {"period": rule.period, "unit": rule.unit, "action": rule.action}
        after = {"period": period, "unit": unit, "action": action}
        if before == after:
            return rule
        rule.period, rule.unit, rule.action = period, unit, action
        rule.updated_at = timezone.now()
        rule.updated_by = _user(user)
        rule.version += 1
        rule.save(update_fields=["period", "unit", "action", "updated_at", "updated_by", "version"])
        record_event(
            action="retention.rule_changed",
            obj=rule,
            before={"category": category, **before},
            after={"category": category, **after},
        )
    return rule


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionError(_("Give the reason for the legal hold."))
    if len(reason) > MAX_REASON_LENGTH:
        raise RetentionError(_("The reason can be at most %(max)d characters.") % {"max": MAX_REASON_LENGTH})
    return reason


def place_hold(
    *,
    reason: str,
    complaint: SuperComplaint | None = None,
    category: str = "",
    object_id: int | None = None,
    user: Any = None,
) -> LegalHold:
    """Stop the retention job for a whole complaint (and everything under it) or for one record.

    Give either ``complaint`` or both ``category`` and ``object_id``. Records
    ``retention.hold_placed`` with what is held, never the reason (which may name a person).
    Placing a second hold on what is already held is allowed: each is lifted on its own.
    """
    reason = _checked_reason(reason)
    if complaint is not None and (category or object_id is not None):
        raise RetentionError(_("Hold either a complaint or one record, not both."))
    if complaint is None:
        if category not in BY_KEY:
            raise RetentionError(_("Choose the kind of record to hold."))
        if object_id is None or object_id < 1:
            raise RetentionError(_("Enter the record's number."))
    with transaction.atomic():
        hold = LegalHold.objects.create(
            complaint=complaint,
            category="" if complaint is not None else category,
            object_id=None if complaint is not None else object_id,
            reason=reason,
            placed_at=timezone.now(),
            placed_by=_user(user),
        )
        record_event(action="retention.hold_placed", obj=hold, after=_target(hold))
    return hold


def lift_hold(hold: LegalHold, *, user: Any = None) -> LegalHold:
    """Let the retention job reach what a hold protected again (at its next run).

    Does nothing if the hold is already lifted. Records ``retention.hold_lifted``.
    """
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            return hold
        hold.lifted_at = timezone.now()
        hold.lifted_by = _user(user)
        hold.save(update_fields=["lifted_at", "lifted_by"])
        record_event(action="retention.hold_lifted", obj=hold, after=_target(hold))
    return hold


def _target(hold: LegalHold) -> dict[str, Any]:
    if hold.complaint_id is not None:
        return {"complaint": hold.complaint.reference if hold.complaint else None}
    return {"category": hold.category, "object_id": hold.object_id}
