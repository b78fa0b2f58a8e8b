"""Submission and receipt (PRA 2002 s.29A; SI 2018/748 regs 4-5)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints import notifications
from complaints.models import (
    ComplaintState,
    ForcesScope,
    SuperComplaint,
)
from complaints.services.base import (
    IncompleteComplaint,
    InvalidTransition,
    NotDesignated,
    _check_transition,
    _locked,
    _move,
    next_reference,
)
from complaints.services.clocks import recompute_deadlines
from deadlines.rules import to_london_date
from deadlines.services import ensure_acknowledgement_deadline

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
    reference, creates the reg 5 acknowledgement deadline row, records ``complaint.submitted``, and
    writes to the outbox a message to the contact and one to the super-complaints team (sent
    after commit). Submitting twice does nothing the second time.
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
        fields = ["state", "reference", "received_at", "received_on"]
        before = {**snapshot(complaint, fields), "acknowledgement_due": None}
        complaint.reference = next_reference(received_on.year)
        complaint.received_at = at
        complaint.received_on = received_on
        _move(complaint, ComplaintState.RECEIVED, ["reference", "received_at", "received_on"])
        deadline = ensure_acknowledgement_deadline(complaint, received=at)
        record_event(
            action="complaint.submitted",
            obj=complaint,
            before=before,
            after={**snapshot(complaint, fields), "acknowledgement_due": deadline.due},
        )
        notifications.complaint_received(complaint)
    return complaint


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
