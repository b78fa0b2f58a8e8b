"""Building blocks for domain tests: the public record, and complete draft complaints."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from audit.context import SYSTEM, acting_as
from complaints import services
from complaints.models import EligibilityDecision, ForcesScope, SuperComplaint
from operations.public_record import load_public_record
from organisations.models import Organisation, OrganisationKind
from pagecache.cache import purge_scopes_on_commit
from pagecache.models import CacheVersion
from tests import snapshot

LONDON = ZoneInfo("Europe/London")
RECORD = "public record"


def london(*args: int) -> datetime.datetime:
    """An aware moment given in London wall-clock time."""
    return datetime.datetime(*args, tzinfo=LONDON)


def ensure_public_record() -> None:
    """The shipped public record in the database, unless it is there already.

    The first load in a test process goes through the services (``load_public_record``); the rows
    it wrote are then kept (``tests.snapshot``) and each later load into the same database copies
    them back, with new page-cache tokens, in a few statements instead of some 1,700 queries."""
    if Organisation.objects.exists():
        return
    if snapshot.restore(RECORD):
        # As the load's purges did (when it commits): new tokens, or a page stored from an earlier
        # copy of the same rows would be served again.
        purge_scopes_on_commit(frozenset(CacheVersion.objects.values_list("scope", flat=True)))
        return
    with snapshot.taken(RECORD), acting_as(SYSTEM):
        load_public_record(settings.PUBLIC_RECORD_DIR)


def org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def authority(short: str) -> Organisation:
    return Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name=short)


def make_draft(
    body_name: str = "Hestia",
    *,
    features: int = 2,
    title: str = "Police response to victims",
    language: str = "en",
) -> SuperComplaint:
    """A draft that meets SI 2018/748 reg 4: features with harms, all forces, evidence, a contact."""
    complaint = SuperComplaint.objects.create(
        title=title,
        language=language,
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


# Every requirement of SI 2018/748 reg 4 met, as an eligibility decision's checklist.
REG4_MET = dict.fromkeys(EligibilityDecision.REG4_CHECKLIST, True)


def received(title: str, *, body: str = "Hestia", at: datetime.datetime | None = None) -> SuperComplaint:
    """A complaint made through the service and received (Monday 5 January 2026 by default)."""
    return services.submit_complaint(make_draft(body, title=title), at=at or london(2026, 1, 5, 9))


def assessing(title: str, *, reasons: str = "Meets regulation 4", **kwargs: object) -> SuperComplaint:
    """A received complaint, acknowledged, with all three authorities finding it eligible."""
    complaint = services.acknowledge_complaint(received(title, **kwargs))  # type: ignore[arg-type]
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(complaint, authority=authority(short), position="eligible", reasons=reasons)
    return SuperComplaint.objects.get(pk=complaint.pk)


def eligible(title: str, *, told: datetime.datetime, **kwargs: object) -> SuperComplaint:
    """A complaint found eligible (its body told, so the reg 7 clock runs) at ``told``; received
    and assessed two weeks before."""
    complaint = assessing(title, at=told - datetime.timedelta(days=14), **kwargs)
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets regulation 4; not a repeat",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=told,
    )
    return SuperComplaint.objects.get(pk=complaint.pk)


def cache_content_types() -> None:
    """Look every content type up once, as a running process has after its first requests.

    Django keeps them for the life of the process, but the flush after each transactional test
    empties that cache, so a query count that included the look-up would depend on which test ran
    before (deadline rows are found by content type)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())


def sign_off_all(report):  # type: ignore[no-untyped-def]
    """The report signed off by each of the three authorities at its current version, as their
    staff do on the sign-off page; returns it, ready to publish."""
    from reports.publication import sign_off_report

    for short in ("HMICFRS", "IOPC", "College"):
        sign_off_report(report, authority=authority(short))
    return report
