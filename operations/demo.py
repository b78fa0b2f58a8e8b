"""A demonstration of the whole life cycle: one complaint at each stage, built through the same
services a person's actions call (``manage.py demo_lifecycle``).

Every complaint made here is marked ``is_demonstration``, shown as a "Demonstration" tag on the
public, portal and casework pages and as a field in the API and open data. Each is found again by
its title among the demonstration complaints, and each is built in one transaction, so running the
command twice creates nothing the second time, and a run that fails part-way leaves no half-built
complaint behind.

The complainant is a body from the shipped register (``DEMO_BODY``): demonstration complaints need a
designated body, and designations are made by regulations, so the demonstration does not invent one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import add_membership, create_account
from complaints import drafts
from complaints import services as complaints
from complaints.letters import send_acknowledgement_letter, send_decision_letter, send_progress_report_letter
from complaints.models import ComplaintState, EligibilityDecision, ForcesScope, SuperComplaint
from deadlines.rules import to_london_date
from evidence.services import store_document
from operations.demo_evidence import build_demo_evidence
from organisations.models import Organisation, OrganisationKind
from recommendations.models import AddresseeGroup, Obligation, ResponseStatus
from recommendations.responding import ActionDraft, request_sign_off, save_response, submit_response
from recommendations.services import add_recommendation, ensure_standard_groups
from reports.publication import publish_report, sign_off_report
from reports.services import create_report

DEMO_BODY = "Hestia"
AUTHORITIES = ("HMICFRS", "IOPC", "College")


@dataclass(frozen=True)
class Stage:
    title: str
    build: Callable[[SuperComplaint, datetime.datetime], SuperComplaint]


def _draft(title: str) -> SuperComplaint:
    body = Organisation.objects.get(kind=OrganisationKind.DESIGNATED_BODY, name=DEMO_BODY)
    complaint = drafts.create_draft(body, None, demonstration=True)
    complaint = drafts.update_about(
        complaint,
        title=title,
        subject="Demonstration data: how police forces respond to a feature of policing, written to show "
        "the service at this stage. It is not a real super-complaint.",
        harm_explanation="Demonstration data: the harm described here is invented to show the service.",
        expected_version=None,
    )
    drafts.add_feature(
        complaint,
        text="Demonstration feature: victims are not referred to support services.",
        harms=[
            drafts.HarmText(
                description="Victims disengage from investigations.",
                nature="Distress and loss of trust",
                scale="National",
                vulnerable_groups="Victims of exploitation",
            )
        ],
    )
    complaint = drafts.set_forces(complaint, scope=ForcesScope.ALL, expected_version=None)
    document = store_document(
        SimpleUploadedFile("demonstration-evidence.txt", b"Demonstration evidence: not a real document.\n"),
        description="Demonstration evidence",
    )
    drafts.add_evidence(complaint, document=document, description="Demonstration evidence (a text file)")
    complaint = drafts.update_contact(
        complaint,
        name="Demonstration Contact",
        role="Policy lead (demonstration)",
        email="demonstration.contact@example.org",
        phone="",
        expected_version=None,
    )
    return complaint


def _received(complaint: SuperComplaint, now: datetime.datetime) -> SuperComplaint:
    return drafts.submit_draft(complaint, expected_version=None, at=now)


def _assessing(complaint: SuperComplaint, now: datetime.datetime) -> SuperComplaint:
    complaint = _received(complaint, now)
    complaint = complaints.acknowledge_complaint(complaint, at=now)
    send_acknowledgement_letter(complaint)
    return complaints.start_assessment(complaint)


def _investigating(complaint: SuperComplaint, now: datetime.datetime) -> SuperComplaint:
    complaint = _assessing(complaint, now)
    for short in AUTHORITIES:
        complaints.record_position(
            complaint,
            authority=Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name=short),
            position="eligible",
            reasons="Demonstration: meets regulation 4 and repeats no earlier complaint.",
        )
    complaints.decide_eligibility(
        SuperComplaint.objects.get(pk=complaint.pk),
        outcome="eligible",
        reasons="Demonstration: meets regulation 4; not a repeat.",
        checklist=dict.fromkeys(EligibilityDecision.REG4_CHECKLIST, True),
        repeat_finding="not_a_repeat",
        at=now,
    )
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    send_decision_letter(complaint, email=True)
    complaint = complaints.start_investigation(
        complaint,
        lead_authority=Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name="HMICFRS"),
    )
    send_progress_report_letter(
        complaint.progress_reports.get(period=1),
        steps_taken="Demonstration: the authorities agreed terms of reference and asked forces for data.",
        steps_proposed="Demonstration: fieldwork in six forces, and a call for evidence.",
        at=now,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def _published(complaint: SuperComplaint, now: datetime.datetime) -> SuperComplaint:
    complaint = _investigating(complaint, now)
    ensure_standard_groups()
    report = create_report(
        complaint,
        title="Demonstration report: the police response to victims",
        steps_taken="Demonstration: the steps the investigation took.",
        conclusions="Demonstration: the conclusions, with reasons.",
    )
    add_recommendation(
        report,
        label="Recommendation 1",
        text="Demonstration: chief constables should refer every victim to support services.",
        groups=[AddresseeGroup.objects.get(slug="chief-constables")],
    )
    add_recommendation(
        report,
        label="Recommendation 2",
        text="Demonstration: the Home Office should publish guidance on referrals.",
        organisations=[Organisation.objects.get(name="Home Office")],
    )
    for short in AUTHORITIES:
        sign_off_report(
            report,
            authority=Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name=short),
            at=now,
        )
    publish_report(report, at=now)
    _respond(report, now)
    return SuperComplaint.objects.get(pk=complaint.pk)


# Two forces answer the demonstration report, so the register shows responses from the start; the
# demo force's accounts (``accounts.demo``) find theirs still to answer. Their people are
# demonstration accounts that cannot sign in (no password).
DEMO_RESPONSES: tuple[tuple[str, str, str, str, list[tuple[str, str, int]]], ...] = (
    (
        "Kent Police",
        ResponseStatus.ACCEPTED,
        "Demonstration: we accept the recommendation and will refer every victim.",
        "",
        # What will be done, the role that owns it, and days from publication to its target date.
        [("Demonstration: refer every victim at first contact.", "Head of public protection", 180)],
    ),
    (
        "Essex Police",
        ResponseStatus.NOT_ACCEPTED,
        "Demonstration: we do not accept the recommendation.",
        "Demonstration: referrals are already made by our victim care partner.",
        [],
    ),
)


def _respond(report, now: datetime.datetime) -> None:
    for force_name, status, explanation, reasons, actions in DEMO_RESPONSES:
        force = Organisation.objects.get(kind=OrganisationKind.FORCE, name=force_name)
        people = {}
        for role in (Role.RESPONDER, Role.SIGNATORY):
            email = f"demonstration-{role}@{force.slug}.invalid"
            user = User.objects.filter(email=email).first() or create_account(
                email=email, full_name=f"Demonstration {Role(role).label.lower()}"
            )
            add_membership(user=user, organisation=force, role=role)
            people[role] = user
        obligation = Obligation.objects.get(recommendation__report=report, organisation=force)
        drafts_ = [
            ActionDraft(text, owner, to_london_date(now) + datetime.timedelta(days=days))
            for text, owner, days in actions
        ]
        response = save_response(
            obligation,
            user=people[Role.RESPONDER],
            status=status,
            explanation=explanation,
            reasons=reasons,
            actions=drafts_,
            expected_version=None,
        )
        response = request_sign_off(response, user=people[Role.RESPONDER], expected_version=response.version)
        submit_response(response, user=people[Role.SIGNATORY], at=now)


STAGES = (
    Stage("Demonstration: a complaint just received", _received),
    Stage("Demonstration: a complaint being assessed", _assessing),
    Stage("Demonstration: an investigation with a progress report sent", _investigating),
    Stage("Demonstration: a report published with recommendations", _published),
)

EXPECTED_STATES = {
    STAGES[0].title: ComplaintState.RECEIVED,
    STAGES[1].title: ComplaintState.ASSESSING,
    STAGES[2].title: ComplaintState.INVESTIGATING,
    STAGES[3].title: ComplaintState.REPORT_PUBLISHED,
}


INVESTIGATION = STAGES[2].title


def build_demo_lifecycle(*, now: datetime.datetime | None = None) -> list[SuperComplaint]:
    """Build each demonstration complaint that does not exist yet; return those built now."""
    now = now or timezone.now()
    built = []
    for stage in STAGES:
        if SuperComplaint.objects.filter(is_demonstration=True, title=stage.title).exists():
            continue
        with transaction.atomic():
            built.append(stage.build(_draft(stage.title), now))
    return built


def build_demo_investigation_work(*, now: datetime.datetime | None = None) -> list[str]:
    """Build what is missing of the demonstration investigation's call for evidence, its themes,
    the redaction of a response and the legal hold (``operations.demo_evidence``); return a line
    for each piece built now."""
    complaint = SuperComplaint.objects.get(is_demonstration=True, title=INVESTIGATION)
    return build_demo_evidence(complaint, now=now or timezone.now())
