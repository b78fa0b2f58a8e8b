"""Building blocks for domain tests: the public record, and complete draft complaints."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from audit.context import SYSTEM, acting_as
from complaints.models import ForcesScope, SuperComplaint
from complaints.public_record import load_public_record
from organisations.models import Organisation, OrganisationKind

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime.datetime:
    """An aware moment given in London wall-clock time."""
    return datetime.datetime(*args, tzinfo=LONDON)


def ensure_public_record() -> None:
    if not Organisation.objects.exists():
        with acting_as(SYSTEM):
            load_public_record(settings.PUBLIC_RECORD_DIR)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def authority(short: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name=short)


def make_draft(
    body_name: str = "Hestia", *, features: int = 2, title: str = "Police response to victims"
) -> SuperComplaint:
    """A draft that meets SI 2018/748 reg 4: features with harms, all forces, evidence, a contact."""
    complaint = SuperComplaint.objects.create(
        title=title,
        subject="How the police respond to victims",
        harm_explanation="Victims are deterred from engaging with investigations.",
        contact_name="Pat Example",
        contact_email="pat@example.org",
        forces_scope=ForcesScope.ALL,
    )
    complaint.complainant_set.create(body=org(body_name), position=1)
    for n in range(1, features + 1):
        feature = complaint.features.create(position=n, text=f"Feature of policing number {n}")
        feature.harms.create(
            description=f"Harm {n}", nature="Distress", scale="National", vulnerable_groups="Victims"
        )
    complaint.evidence_items.create(description="Research report, March 2019")
    return complaint
