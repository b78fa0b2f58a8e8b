"""A draft report with a chief-constables recommendation, a Home Office one and one to Gwent Police
alone, and the people who answer for those organisations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from accounts.models import Membership, Role, User
from complaints.models import SuperComplaint
from complaints.services import start_investigation
from recommendations.models import AddresseeGroup, Recommendation
from recommendations.services import add_recommendation, ensure_standard_groups
from reports.models import Report
from reports.services import create_report
from tests.accounts.support import PASSWORD
from tests.builders import authority, eligible, london, org

OPENED_AT = london(2026, 3, 2, 10)  # a Monday
CLOSES_ON = datetime.date(2026, 3, 16)


@dataclass
class Draft:
    complaint: SuperComplaint
    report: Report
    chiefs: Recommendation
    home_office: Recommendation
    gwent_only: Recommendation


def person(email: str, organisation: str, role: str = Role.RESPONDER) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0].title())
    Membership.objects.create(user=user, organisation=org(organisation), role=role)
    return user


def staff(email: str = "team@hmicfrs.example", short: str = "HMICFRS") -> User:
    """A caseworker of one of the authorities."""
    user = User.objects.create_user(email=email, password=PASSWORD, full_name="Team Caseworker")
    Membership.objects.create(user=user, organisation=authority(short), role=Role.CASEWORKER)
    return user


def draft_report(title: str = "Police response to domestic abuse") -> Draft:
    complaint = start_investigation(
        eligible(title, told=london(2026, 1, 19, 10)),
        lead_authority=authority("HMICFRS"),
        at=london(2026, 1, 20, 10),
    )
    report = create_report(complaint, title=f"{title}: the report")
    ensure_standard_groups()
    chiefs = add_recommendation(
        report,
        label="Recommendation 1",
        text="Chief constables should train every call handler in risk assessment.",
        groups=[AddresseeGroup.objects.get(slug="chief-constables")],
    )
    home_office = add_recommendation(
        report,
        label="Recommendation 2",
        text="The Home Office should publish guidance on repeat victims.",
        organisations=[org("Home Office")],
    )
    gwent_only = add_recommendation(
        report,
        label="Recommendation 3",
        text="Gwent Police should review its referral pathway.",
        organisations=[org("Gwent Police")],
    )
    return Draft(complaint, report, chiefs, home_office, gwent_only)
