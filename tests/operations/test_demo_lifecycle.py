"""``manage.py demo_lifecycle``: one demonstration complaint at each stage, built through the
services, marked as demonstration data, and nothing more on a second run."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from complaints.models import ComplaintState, SuperComplaint
from deadlines.models import DeadlineRule
from outbox.models import Message
from recommendations.models import Obligation, Response
from reports.models import ReportState

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        SuperComplaint.objects.count(),
        Obligation.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.count(),
    )


def test_one_demonstration_complaint_at_each_stage_and_a_second_run_creates_nothing(public_record, client):
    out = io.StringIO()
    call_command("demo_lifecycle", stdout=out)
    demos = {c.title: c for c in SuperComplaint.objects.filter(is_demonstration=True)}
    assert {title: c.state for title, c in demos.items()} == {
        "Demonstration: a complaint just received": ComplaintState.RECEIVED,
        "Demonstration: a complaint being assessed": ComplaintState.ASSESSING,
        "Demonstration: an investigation with a progress report sent": ComplaintState.INVESTIGATING,
        "Demonstration: a report published with recommendations": ComplaintState.REPORT_PUBLISHED,
    }
    assert len(out.getvalue().strip().splitlines()) == 4

    investigating = demos["Demonstration: an investigation with a progress report sent"]
    assert investigating.progress_reports.get(period=1).sent_at is not None

    published = demos["Demonstration: a report published with recommendations"]
    report = published.report
    assert report.state == ReportState.PUBLISHED and report.released_at is not None
    obligations = Obligation.objects.filter(recommendation__report=report)
    assert obligations.filter(recommendation__label="Recommendation 1").count() == 43
    assert list(
        obligations.filter(recommendation__label="Recommendation 2").values_list(
            "organisation__name", flat=True
        )
    ) == ["Home Office"]
    assert all(o.deadline is not None and o.deadline.rule == DeadlineRule.RESPONSE for o in obligations)
    # Two forces have answered, through the drafting, sign-off and submission services: on the register.
    assert sorted(
        Response.objects.filter(obligation__recommendation__report=report).values_list(
            "obligation__organisation__name", "state", "status"
        )
    ) == [
        ("Essex Police", "published", "not_accepted"),
        ("Kent Police", "published", "accepted"),
    ]
    assert obligations.filter(responded_at__isnull=False).count() == 2
    # Every step went through the services, so each is on the audit trail.
    assert AuditEvent.objects.filter(action="report.released").count() == 1
    assert AuditEvent.objects.filter(action="complaint.submitted").count() >= 4

    # Shown as demonstration data on the register and in the API.
    page = client.get(f"/super-complaints/{published.reference}/").content.decode()
    assert "Demonstration</strong>" in page
    data = client.get(f"/api/v1/super-complaints/{published.reference}").json()
    assert data["is_demonstration"] is True

    before = _counts()
    again = io.StringIO()
    call_command("demo_lifecycle", stdout=again)
    assert _counts() == before
    assert "nothing was created" in again.getvalue()
