"""A published report with obligations, and the people who hear about them, for the ladder,
verification and casework obligation tests. Everything is reached through the services staff use
(submission, eligibility, investigation, report, sign-offs, publication)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import Membership, Role, User
from complaints import services as complaint_services
from complaints.models import SuperComplaint
from recommendations.models import Obligation, Response
from recommendations.services import add_recommendation
from reports.models import Report
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import REG4_MET, authority, london, make_draft, org, sign_off_all
from tests.public.seed import publish_response

# Published on Wednesday 1 July 2026 (London): each response is due 56 calendar days later.
PUBLISHED_AT = london(2026, 7, 1, 10)
DUE = datetime.date(2026, 8, 26)


@dataclass
class Published:
    complaint: SuperComplaint
    report: Report
    kent: Obligation
    home_office: Obligation


def person(email: str, organisation: str, role: str) -> User:
    user = User.objects.create_user(email, password="x" * 20, full_name=email.split("@")[0].title())
    Membership.objects.create(user=user, organisation=org(organisation), role=role)
    return user


def addressee_people() -> None:
    """Who answers for Kent Police and the Home Office, and the Kent PCC's office."""
    person("drafter@kent.example", "Kent Police", Role.RESPONDER)
    person("chief@kent.example", "Kent Police", Role.SIGNATORY)
    person("office@kent-pcc.example", "Kent Police and Crime Commissioner", Role.RESPONDER)
    person("drafter@homeoffice.example", "Home Office", Role.RESPONDER)
    person("permsec@homeoffice.example", "Home Office", Role.SIGNATORY)


def published_report(
    title: str = "Police response to victims", *, at: datetime.datetime = PUBLISHED_AT
) -> Published:
    """A report with one recommendation to Kent Police and the Home Office, published at ``at``
    (1 July 2026 by default), so each obligation is due by the end of 26 August 2026."""
    complaint = complaint_services.submit_complaint(make_draft(title=title), at=london(2026, 1, 5, 9))
    complaint_services.acknowledge_complaint(complaint)
    for short in ("HMICFRS", "IOPC", "College"):
        complaint_services.record_position(
            complaint, authority=authority(short), position="eligible", reasons="ok"
        )
    complaint_services.decide_eligibility(
        complaint, outcome="eligible", reasons="ok", checklist=REG4_MET, repeat_finding="not_a_repeat"
    )
    complaint = complaint_services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("HMICFRS")
    )
    report = create_report(complaint, title="The police response to victims", conclusions="Harm found")
    recommendation = add_recommendation(
        report,
        label="Recommendation 1",
        text="Refer every victim to support within 48 hours.",
        organisations=[org("Kent Police"), org("Home Office")],
    )
    publish_report(sign_off_all(report), at=at)
    return Published(
        SuperComplaint.objects.get(pk=complaint.pk),
        Report.objects.get(pk=report.pk),
        Obligation.objects.get(recommendation=recommendation, organisation=org("Kent Police")),
        Obligation.objects.get(recommendation=recommendation, organisation=org("Home Office")),
    )


def published_response(
    obligation: Obligation,
    *,
    at: datetime.datetime,
    explanation: str = "",
    reasons: str = "",
    status: str = "accepted",
) -> Response:
    """A response drafted, signed off and submitted at ``at`` through the responding services
    (``tests.public.seed.publish_response``): published then, its deadline met."""
    return publish_response(obligation, status=status, submitted=at, explanation=explanation, reasons=reasons)
