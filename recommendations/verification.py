"""What the inspectorate records about a response after it is in: whether its implementation is
verified, and which passages of a published response it withholds from the register.

Who may do either is ``access.rules``'s to say (``may_verify``, ``may_withhold``: the HMICFRS
super-complaints team); these services check the state of the record.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from recommendations.models import (
    Obligation,
    Response,
    ResponseState,
    ResponseWithholding,
    Verification,
    WithheldField,
)


class VerificationError(Exception):
    """A verification or withholding the rules do not allow."""


def _signed_in(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def record_verification(
    obligation: Obligation,
    *,
    state: str,
    note: str = "",
    user: Any = None,
    at: datetime.datetime | None = None,
) -> Obligation:
    """Record the inspectorate's verification of one obligation: self-reported complete, verified
    by the inspectorate, or not verified.

    Checks: a known state; the obligation has a submitted response (there is nothing to verify
    before); a note for "verified" (what the inspectorate saw). Recording the same state and note
    again does nothing; a new one replaces the old, whose trace stays on the audit trail. Side
    effects: sets ``verification``, ``verification_note``, ``verified_by``, ``verified_at``;
    records ``obligation.verification_recorded`` with the state before and after (which purges the
    public pages that show the obligation).
    """
    if state not in Verification.values:
        raise VerificationError(_("Choose one of the verification states."))
    note = note.strip()
    if state == Verification.VERIFIED and not note:
        raise VerificationError(_("Enter a note saying what the inspectorate verified."))
    at = at or timezone.now()
    with transaction.atomic():
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if not Response.objects.filter(
            obligation=obligation, state__in=ResponseState.submitted_states()
        ).exists():
            raise VerificationError(
                _("There is nothing to verify yet: the organisation has not submitted its response.")
            )
        if obligation.verification == state and obligation.verification_note == note:
            return obligation
        before = {"verification": obligation.verification, "note": obligation.verification_note}
        obligation.verification = state
        obligation.verification_note = note
        obligation.verified_by = _signed_in(user)
        obligation.verified_at = at
        obligation.save(update_fields=["verification", "verification_note", "verified_by", "verified_at"])
        record_event(
            action="obligation.verification_recorded",
            obj=obligation,
            before=before,
            after={"verification": state, "note": note},
        )
    return obligation


def withhold_from_response(
    response: Response,
    *,
    field: str,
    passage: str,
    reason: str,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> ResponseWithholding:
    """Withhold a passage of personal data from a published response's public text, with the
    reason. The response keeps its text; ``Response.public_text`` shows a mark in its place.

    Checks: a published response; ``field`` is the explanation or the reasons; the passage (its
    surrounding spaces trimmed) is in that field's text as the register shows it now; a reason.
    The same passage withheld again from the same field does nothing. Side effects: a
    ``ResponseWithholding`` row; records ``response.passage_withheld`` with the field, the
    passage's length and the reason, never the passage itself (it is the personal data being
    withheld); the event purges the public pages showing the response once committed.
    """
    if field not in WithheldField.values:
        raise VerificationError(_("Choose the part of the response the passage is in."))
    passage = passage.strip()
    reason = reason.strip()
    if not passage:
        raise VerificationError(_("Enter the passage to withhold, copied from the response."))
    if not reason:
        raise VerificationError(_("Enter the reason for withholding the passage."))
    at = at or timezone.now()
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.state != ResponseState.PUBLISHED:
            raise VerificationError(_("Passages can only be withheld from a published response."))
        existing = response.withholdings.filter(field=field, passage=passage).first()
        if existing is not None:
            return existing
        if passage not in response.public_text(field):
            raise VerificationError(
                _(
                    "That passage is not in the %(field)s as the register shows it. Copy it exactly "
                    "from the response."
                )
                % {"field": str(WithheldField(field).label).lower()}
            )
        withholding = ResponseWithholding.objects.create(
            response=response,
            field=field,
            passage=passage,
            reason=reason,
            withheld_by=_signed_in(user),
            withheld_at=at,
        )
        record_event(
            action="response.passage_withheld",
            obj=response,
            after={"field": field, "length": len(passage), "reason": reason},
        )
    return withholding
