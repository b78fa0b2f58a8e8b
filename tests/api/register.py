"""A register built through the services: public complaints, and a seeded set of things that are
not published, each carrying a marker string that must never appear in the API or the open data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from complaints import services as complaints
from complaints.models import ProgressReport, SuperComplaint
from organisations.models import Organisation
from recommendations.models import Obligation, Response, ResponseState, ResponseStatus
from recommendations.services import add_recommendation, expand_addressees, set_obligation_due
from reports.services import create_report, exclude_passage, publish_report
from tests.builders import (
    REG4_MET,
    assessing,
    authority,
    ensure_public_record,
    london,
    make_draft,
    org,
    received,
)

# Every marker starts with this; nothing on the public record contains it.
MARK = "ZQXV"

# make_draft's contact: never public, even once the complaint is.
CONTACT_NAME = "Pat Example"
CONTACT_EMAIL = "pat@example.org"


def made_public(
    title: str,
    *,
    body: str = "Hestia",
    forces: list[str] | None = None,
    at: datetime.datetime | None = None,
    position_reasons: str = "Meets regulation 4",
    checklist_notes: str = "",
) -> SuperComplaint:
    """A complaint decided eligible (which puts it on the register), then under investigation."""
    draft = make_draft(body, title=title, features=3)
    if forces:
        draft.forces_scope = "named"
        draft.save(update_fields=["forces_scope"])
        draft.forces.set([org(name) for name in forces])
    complaint = complaints.acknowledge_complaint(
        complaints.submit_complaint(draft, at=at or london(2026, 1, 5, 9))
    )
    for short in ("HMICFRS", "IOPC", "College"):
        complaints.record_position(
            complaint, authority=authority(short), position="eligible", reasons=position_reasons
        )
    complaints.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="It meets regulation 4 and repeats no other complaint.",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        checklist_notes=checklist_notes,
    )
    return complaints.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("HMICFRS")
    )


@dataclass
class Seeded:
    draft: SuperComplaint
    received: SuperComplaint
    assessing: SuperComplaint
    embargoed: SuperComplaint
    investigating: SuperComplaint


def seed_unpublished() -> Seeded:
    """One of each thing the public must not see, beside the public record.

    Where no service writes a field yet (draft progress-report text, draft and unpublished
    responses, internal notes on organisations), the test writes it directly: the point is that
    the read side never shows it, however it got there.
    """
    ensure_public_record()
    draft = make_draft(title=f"{MARK}-draft-title")
    draft.features.update(text=f"{MARK}-draft-feature")
    got = received(f"{MARK}-received-title")
    being_assessed = assessing(f"{MARK}-assessing-title", reasons=f"{MARK}-authority-position")

    # A public complaint whose report is published under an embargo that has not ended.
    embargoed = made_public(
        "Complaint with an embargoed report",
        position_reasons=f"{MARK}-position-on-public-complaint",
        checklist_notes=f"{MARK}-checklist-notes",
    )
    report = create_report(embargoed, title=f"{MARK}-embargoed-report", conclusions=f"{MARK}-conclusions")
    recommendation = add_recommendation(
        report,
        label="Recommendation 1",
        text=f"{MARK}-embargoed-recommendation",
        organisations=[org("Home Office")],
    )
    expand_addressees(recommendation)
    publish_report(report, embargo_until=timezone.now() + datetime.timedelta(days=365))

    # A passage excluded from Hestia's published report (reg 8(3)).
    hestia = SuperComplaint.objects.get(reference="SC-2019-002")
    exclude_passage(
        hestia.report, ground="safety", passage=f"{MARK}-excluded-passage", note=f"{MARK}-exclusion-note"
    )

    # An investigation with one progress report sent and the next one drafted, not sent.
    investigating = made_public("Complaint under investigation")
    first = investigating.progress_reports.get(period=1)
    complaints.send_progress_report(
        first, steps_taken=f"{MARK}-sent-steps-taken", steps_proposed=f"{MARK}-sent-steps-proposed"
    )
    ProgressReport.objects.filter(complaint=investigating, period=2).update(
        steps_taken=f"{MARK}-unsent-steps-taken", steps_proposed=f"{MARK}-unsent-steps-proposed"
    )

    # Responses to Hestia's first recommendation that are not published.
    obligation = Obligation.objects.get(recommendation__reference="SC-2019-002-R1")
    Response.objects.create(
        obligation=obligation,
        state=ResponseState.DRAFT,
        status=ResponseStatus.NOT_ACCEPTED,
        reasons=f"{MARK}-draft-response",
        action_plan=f"{MARK}-draft-action-plan",
    )
    Response.objects.create(
        obligation=obligation,
        state=ResponseState.SUBMITTED,
        status=ResponseStatus.ACCEPTED,
        reasons=f"{MARK}-submitted-response",
        submitted_at=london(2021, 7, 1, 12),
    )
    Organisation.objects.filter(slug="hestia").update(notes=f"{MARK}-organisation-notes")
    org("Hestia").designations.update(notes=f"{MARK}-designation-notes")
    return Seeded(
        draft=draft,
        received=got,
        assessing=being_assessed,
        embargoed=SuperComplaint.objects.get(pk=embargoed.pk),
        investigating=SuperComplaint.objects.get(pk=investigating.pk),
    )


def publish_response(
    obligation: Obligation,
    *,
    status: str,
    submitted: datetime.datetime,
    published: datetime.datetime,
    reasons: str = "",
    action_plan: str = "",
) -> Response:
    """A published response. No service publishes responses yet, so the test writes the row."""
    return Response.objects.create(
        obligation=obligation,
        state=ResponseState.PUBLISHED,
        status=status,
        reasons=reasons,
        action_plan=action_plan,
        submitted_at=submitted,
        published_at=published,
    )


def give_deadline(obligation: Obligation, due: datetime.date) -> Obligation:
    return set_obligation_due(obligation, due=due, explanation="56 days after publication")
