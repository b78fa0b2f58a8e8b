"""Registers built through the services, for every test of what the public sees: the public
pages, the feeds, the open data and the API share this one seeder.

``published_case`` makes a complaint the public may read everything about: decided eligible,
investigated, its report published with actions, a dissenting opinion, recommendations with
deadlines and published responses. ``seed_unpublished`` adds one of each thing the public must
never see, each carrying a marker string that must appear on no public page, feed, PDF or search
result.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, User
from complaints import services as complaints
from complaints.models import ProgressReport, SuperComplaint
from organisations.models import Designation, Organisation
from recommendations.models import Obligation, Response, ResponseStatus
from recommendations.responding import (
    NEEDS_ACTIONS,
    ActionDraft,
    request_sign_off,
    save_response,
    submit_response,
)
from recommendations.services import (
    add_recommendation,
    expand_addressees,
    set_obligation_due,
)
from reports.publication import publish_report
from reports.services import add_action, add_opinion, create_report, exclude_passage
from tests.builders import (
    REG4_MET,
    assessing,
    authority,
    ensure_public_record,
    london,
    make_draft,
    org,
    received,
    sign_off_all,
)

# Every marker starts with this; nothing on the public record contains it.
MARK = "XQJZ"

# make_draft's contact: never public, even once the complaint is.
CONTACT_NAME = "Pat Example"
CONTACT_EMAIL = "pat@example.org"


def decided(
    title: str,
    *,
    body: str = "Hestia",
    outcome: str = "eligible",
    forces: list[str] | None = None,
    at: datetime.datetime | None = None,
    decided_at: datetime.datetime | None = None,
    position_reasons: str = "Meets regulation 4",
    checklist_notes: str = "",
    decision_reasons: str = "It meets regulation 4 and repeats no other complaint.",
    contact: str = "",
    features: int = 3,
) -> SuperComplaint:
    """A complaint through its eligibility decision, which puts it on the register."""
    draft = make_draft(body, title=title, features=features)
    if contact:
        draft.contact_name, draft.contact_email, draft.contact_phone = (
            contact,
            f"{contact}@example.org",
            contact,
        )
        draft.harm_explanation = draft.evidence_summary = contact
        draft.save()
        draft.evidence_items.update(description=contact)
    if forces:
        draft.forces_scope = "named"
        draft.save(update_fields=["forces_scope"])
        draft.forces.set([org(name) for name in forces])
    complaint = complaints.acknowledge_complaint(
        complaints.submit_complaint(draft, at=at or london(2026, 1, 5, 9))
    )
    for short in ("HMICFRS", "IOPC", "College"):
        complaints.record_position(
            complaint, authority=authority(short), position=outcome, reasons=position_reasons
        )
    complaints.decide_eligibility(
        complaint,
        outcome=outcome,
        reasons=decision_reasons,
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        checklist_notes=checklist_notes,
        at=decided_at or london(2026, 2, 2, 10),
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def investigating(title: str, **kwargs) -> SuperComplaint:
    complaint = decided(title, **kwargs)
    return complaints.start_investigation(complaint, lead_authority=authority("HMICFRS"))


def made_public(title: str, *, at: datetime.datetime | None = None, **kwargs) -> SuperComplaint:
    """A complaint received at ``at``, decided eligible the next day (which puts it on the
    register), and under investigation."""
    at = at or london(2026, 1, 5, 9)
    kwargs.setdefault("decided_at", at + datetime.timedelta(days=1))
    return investigating(title, at=at, **kwargs)


def give_deadline(obligation: Obligation, due: datetime.date) -> Obligation:
    return set_obligation_due(obligation, due=due, explanation="56 days after publication")


def _responders(organisation: Organisation) -> tuple[User, User]:
    """A drafter and a signatory of ``organisation`` (made once)."""
    from tests.portal.support import person

    users = []
    for role in (Role.RESPONDER, Role.SIGNATORY):
        email = f"{role}@{organisation.slug}.example"
        user = User.objects.filter(email=email).first() or person(email, organisation, role)
        users.append(user)
    return users[0], users[1]


def publish_response(
    obligation: Obligation,
    *,
    status: str,
    submitted: datetime.datetime,
    reasons: str = "",
    explanation: str = "",
    actions: Sequence[ActionDraft] | None = None,
) -> Response:
    """A response drafted, signed off and submitted at ``submitted`` through the services an
    organisation's people use: published on submission, its deadline met then. An accepting
    response without ``actions`` gets one action (accepting commits the organisation to one)."""
    drafter, signatory = _responders(obligation.organisation)
    if actions is None:
        actions = (
            [ActionDraft("Carry out the recommendation.", "Chief constable", datetime.date(2027, 3, 31))]
            if status in NEEDS_ACTIONS
            else []
        )
    response = save_response(
        obligation,
        user=drafter,
        status=status,
        explanation=explanation or "Our answer to the recommendation.",
        reasons=reasons,
        actions=actions,
        expected_version=None,
    )
    response = request_sign_off(response, user=drafter, expected_version=response.version)
    return submit_response(response, user=signatory, at=submitted)


@dataclass
class Case:
    complaint: SuperComplaint
    report: object
    recommendations: list


def published_case(
    title: str = "Police response to missing children", *, body: str = "Missing People"
) -> Case:
    """A complaint with a published report: two recommendations, one to the Home Office and the
    NPCC with a deadline of 1 June 2026, one to Kent Police without one; actions, a dissent, and
    published responses (the Home Office on time, the NPCC late)."""
    complaint = investigating(title, body=body, forces=["Kent Police", "Essex Police"])
    complaints.send_progress_report(
        complaint.progress_reports.get(period=1),
        steps_taken="Steps taken, never public",
        steps_proposed="Steps proposed, never public",
        at=london(2026, 4, 1, 12),
    )
    report = create_report(
        complaint,
        title="Still missing",
        title_cy="Yn dal ar goll",
        steps_taken="We read 400 case files.\n\nWe visited six forces.",
        findings_summary="Forces do not record repeat missing episodes consistently.",
        conclusions="The harm is significant.",
    )
    add_action(
        report,
        reference="Action 1",
        authority=authority("College"),
        text="Update the guidance on missing children.",
    )
    add_opinion(report, authority=authority("IOPC"), text="The IOPC would have gone further on training.")
    first = add_recommendation(
        report,
        label="Recommendation 1",
        text="Record every missing episode the same way.",
        organisations=[org("Home Office"), org("National Police Chiefs' Council")],
        default_due=datetime.date(2026, 6, 1),
    )
    second = add_recommendation(
        report,
        label="Recommendation 2",
        text="Train call handlers on repeat episodes.",
        organisations=[org("Kent Police")],
    )
    second.text_cy = "Hyfforddi trinwyr galwadau."
    second.save(update_fields=["text_cy"])
    for recommendation in (first, second):
        expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=london(2026, 5, 1, 9))
    home_office = Obligation.objects.get(recommendation=first, organisation=org("Home Office"))
    npcc = Obligation.objects.get(recommendation=first, organisation=org("National Police Chiefs' Council"))
    publish_response(
        home_office,
        status=ResponseStatus.ACCEPTED,
        submitted=london(2026, 6, 1, 23, 30),  # the last hour of the deadline day, London time
        explanation="We accept it in full.",
    )
    publish_response(
        npcc,
        status=ResponseStatus.PARTIALLY_ACCEPTED,
        submitted=london(2026, 6, 2, 0, 30),  # half an hour late
        explanation="Partly, for cost reasons.",
    )
    return Case(SuperComplaint.objects.get(pk=complaint.pk), report, [first, second])


@dataclass
class Seeded:
    draft: SuperComplaint
    received: SuperComplaint
    assessing: SuperComplaint
    embargoed: SuperComplaint
    investigating: SuperComplaint
    not_eligible: SuperComplaint
    withdrawn: SuperComplaint


def _seed_redactions(complaint: SuperComplaint) -> None:
    """A response to a call on a public complaint, redacted three times: a draft extract and a
    withdrawn one (their titles must stay off the register) and a published one, whose removed
    words must not be in its PDF."""
    from calls.services import submit_response
    from redaction import services as redaction
    from tests.calls.support import open_now

    call = open_now(complaint, title="A call for evidence on the register")
    question = call.questions.get(position=1)
    response = submit_response(
        call,
        answers={question.pk: f"I went to the station. {MARK}-redacted-words. Nobody helped."},
        consent_given=True,
    )
    redaction.start_redaction(complaint, title=f"{MARK}-draft-extract", call_response=response)
    for title in (f"{MARK}-withdrawn-extract", "A published extract"):
        extract = redaction.start_redaction(complaint, title=title, call_response=response)
        redaction.mark_passage(extract, passage=f"{MARK}-redacted-words", kind="other")
        extract.refresh_from_db()
        extract = redaction.publish_redaction(extract, expected_version=extract.version)
        if title != "A published extract":
            redaction.withdraw_redaction(extract)


def seed_unpublished() -> Seeded:
    """One of each thing the public must not see, beside the public record.

    Internal notes, the investigation plan, the fieldwork log and information excluded from a
    progress report (reg 7(3)) are written through their services. Where no service writes a field
    yet (draft progress-report text, draft and submitted but
    unpublished responses, internal notes on organisations), the test writes it directly: the point
    is that the read side never shows it, however it got there.
    """
    ensure_public_record()
    draft = make_draft(title=f"{MARK}-draft-title")
    draft.features.update(text=f"{MARK}-draft-feature")
    draft.subject = f"{MARK}-draft-subject"
    draft.save(update_fields=["subject"])
    got = received(f"{MARK}-received-title")
    being_assessed = assessing(f"{MARK}-assessing-title", reasons=f"{MARK}-authority-position")

    # On the register, with its internal record full of markers.
    embargoed = investigating(
        "Complaint with an embargoed report",
        position_reasons=f"{MARK}-position-on-public-complaint",
        checklist_notes=f"{MARK}-checklist-notes",
        decision_reasons=f"{MARK}-decision-reasons",
        contact=f"{MARK}-contact",
    )
    report = create_report(
        embargoed,
        title=f"{MARK}-embargoed-report",
        findings_summary=f"{MARK}-embargoed-findings",
        conclusions=f"{MARK}-embargoed-conclusions",
        steps_taken=f"{MARK}-embargoed-steps",
    )
    add_action(report, reference="Action 1", authority=authority("HMICFRS"), text=f"{MARK}-embargoed-action")
    add_opinion(report, authority=authority("IOPC"), text=f"{MARK}-embargoed-opinion")
    recommendation = add_recommendation(
        report,
        label="Recommendation 1",
        text=f"{MARK}-embargoed-recommendation",
        organisations=[org("Home Office")],
    )
    expand_addressees(recommendation)
    publish_report(sign_off_all(report), embargo_until=timezone.now() + datetime.timedelta(days=365))

    # A passage excluded from Hestia's published report (reg 8(3)).
    hestia = SuperComplaint.objects.get(reference="SC-2019-002")
    exclude_passage(
        hestia.report, ground="safety", passage=f"{MARK}-excluded-passage", note=f"{MARK}-exclusion-note"
    )

    # A report written in this service, so with a PDF, with a passage excluded from it (reg 8(3)).
    written_here = investigating("Complaint reported on in this service")
    own_report = create_report(
        written_here, title="A report written here", findings_summary="Findings written here."
    )
    exclude_passage(
        own_report, ground="national_security", passage=f"{MARK}-excluded-from-pdf", note=f"{MARK}-pdf-note"
    )
    publish_report(sign_off_all(own_report), at=london(2026, 5, 1, 9))

    # An investigation with one progress report sent and the next one drafted, not sent.
    under_investigation = investigating("Complaint under investigation")
    complaints.send_progress_report(
        under_investigation.progress_reports.get(period=1),
        steps_taken=f"{MARK}-sent-steps-taken",
        steps_proposed=f"{MARK}-sent-steps-proposed",
        excluded_text=f"{MARK}-progress-report-excluded",
        exclusion_ground="safety",
        exclusion_note=f"{MARK}-progress-report-exclusion-reason",
    )
    # The investigation's working file: the authorities' only.
    complaints.save_plan(
        under_investigation,
        terms_of_reference=f"{MARK}-terms-of-reference",
        methods=f"{MARK}-methods",
    )
    complaints.add_milestone(
        under_investigation, title=f"{MARK}-milestone", target_date=datetime.date(2026, 9, 30)
    )
    complaints.record_fieldwork(
        under_investigation,
        occurred_on=datetime.date(2026, 3, 2),
        kind="visit",
        place=f"{MARK}-fieldwork-place",
        summary=f"{MARK}-fieldwork-summary",
        at=london(2026, 3, 3, 9),
    )
    complaints.add_internal_note(under_investigation, text=f"{MARK}-internal-note")
    _seed_redactions(under_investigation)
    ProgressReport.objects.filter(complaint=under_investigation, period=2).update(
        steps_taken=f"{MARK}-unsent-steps-taken", steps_proposed=f"{MARK}-unsent-steps-proposed"
    )

    not_eligible = decided(
        "Complaint found not eligible",
        outcome="not_eligible",
        decision_reasons=f"{MARK}-not-eligible-reasons",
        position_reasons=f"{MARK}-not-eligible-position",
    )
    withdrawn = complaints.withdraw_complaint(
        investigating("Complaint later withdrawn"), reason=f"{MARK}-withdrawal-reason"
    )

    # Responses to Hestia's first recommendation that are not published.
    obligation, other = Obligation.objects.filter(
        recommendation__reference__startswith="SC-2019-002-R"
    ).order_by("recommendation__position", "pk")[:2]
    drafter, _signatory = _responders(obligation.organisation)
    save_response(
        obligation,
        user=drafter,
        status=ResponseStatus.NOT_ACCEPTED,
        explanation=f"{MARK}-draft-action-plan",
        reasons=f"{MARK}-draft-response",
        actions=[],
        expected_version=None,
    )
    drafter, _signatory = _responders(other.organisation)
    awaiting = save_response(
        other,
        user=drafter,
        status=ResponseStatus.NOT_ACCEPTED,
        explanation=f"{MARK}-awaiting-sign-off-response",
        reasons=f"{MARK}-awaiting-sign-off-reasons",
        actions=[],
        expected_version=None,
    )
    request_sign_off(awaiting, user=drafter, expected_version=awaiting.version)
    Organisation.objects.filter(slug="hestia").update(notes=f"{MARK}-organisation-notes")
    Designation.objects.filter(body__slug="hestia").update(notes=f"{MARK}-designation-notes")
    return Seeded(
        draft=draft,
        received=got,
        assessing=being_assessed,
        embargoed=SuperComplaint.objects.get(pk=embargoed.pk),
        investigating=SuperComplaint.objects.get(pk=under_investigation.pk),
        not_eligible=not_eligible,
        withdrawn=SuperComplaint.objects.get(pk=withdrawn.pk),
    )
