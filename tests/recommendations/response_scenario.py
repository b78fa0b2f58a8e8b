"""A published report whose recommendations are addressed to Kent Police and Essex Police, built
through the services a person's actions call, with Kent's drafter and signatory and an Essex
responder: for the response services, the portal pages and the browser journey."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import Role, User
from recommendations.models import Obligation, Recommendation
from recommendations.responding import ActionDraft, request_sign_off, save_response
from recommendations.services import add_recommendation, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import london, org, sign_off_all
from tests.portal.support import person
from tests.public.seed import investigating

PUBLISHED_AT = london(2026, 5, 1, 9)
# 56 calendar days after Friday 1 May 2026, the day of publication: Friday 26 June 2026.
DUE = datetime.date(2026, 6, 26)
TITLE = "Still missing: the police response to missing children"


@dataclass
class Scenario:
    report: object
    first: Recommendation
    second: Recommendation
    kent: Obligation  # Kent's obligation on the first recommendation
    kent_second: Obligation
    essex: Obligation
    drafter: User
    signatory: User
    essex_user: User


def published_report(*, published_at: datetime.datetime = PUBLISHED_AT, title: str = TITLE) -> Scenario:
    complaint = investigating("Police response to missing children", forces=["Kent Police", "Essex Police"])
    report = create_report(complaint, title=title, findings_summary="Forces record episodes differently.")
    forces = [org("Kent Police"), org("Essex Police")]
    first = add_recommendation(
        report,
        label="Recommendation 1",
        text="Record every missing episode the same way.",
        organisations=forces,
    )
    second = add_recommendation(
        report, label="Recommendation 2", text="Train call handlers on repeat episodes.", organisations=forces
    )
    for recommendation in (first, second):
        expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=published_at)
    return Scenario(
        report=report,
        first=first,
        second=second,
        kent=Obligation.objects.get(recommendation=first, organisation=org("Kent Police")),
        kent_second=Obligation.objects.get(recommendation=second, organisation=org("Kent Police")),
        essex=Obligation.objects.get(recommendation=first, organisation=org("Essex Police")),
        drafter=person(
            "drafter@kent.police.example", org("Kent Police"), Role.RESPONDER, full_name="Dee Drafter"
        ),
        signatory=person(
            "chief@kent.police.example", org("Kent Police"), Role.SIGNATORY, full_name="Sam Chief"
        ),
        essex_user=person("drafter@essex.police.example", org("Essex Police"), Role.RESPONDER),
    )


ACTION = ActionDraft(
    "Adopt the national missing-episode form.", "Head of public protection", datetime.date(2026, 12, 31)
)


def awaiting_sign_off(obligation: Obligation, drafter: User, **fields):
    """A complete, accepted response sent for sign-off by ``drafter``."""
    values = {
        "status": "accepted",
        "explanation": "We accept it and will adopt the national form.",
        "reasons": "",
        "actions": [ACTION],
    }
    values.update(fields)
    response = save_response(obligation, user=drafter, expected_version=None, **values)
    return request_sign_off(response, user=drafter, expected_version=response.version)


def empty_draft(obligation: Obligation, drafter: User):
    """A response started with nothing in it yet (a draft may be incomplete)."""
    return save_response(
        obligation, user=drafter, status="", explanation="", reasons="", actions=[], expected_version=None
    )
