"""An embargoed report: nothing of it is public before its moment (pages, feeds, search, open
data, API), and everything is after, with the public page cache on, which proves the cache lapses
at the embargo's end by the clock alone. The clock is moved by replacing ``timezone.now``."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import SuperComplaint
from operations.sweep import sweep_deadlines
from recommendations.services import add_recommendation
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import LONDON, authority, eligible, org, sign_off_all

pytestmark = pytest.mark.django_db

TITLE = "Quokkaline report on embargoed victims"
RECOMMENDATION = "Wombatish guidance on referrals"


@pytest.fixture
def clock(monkeypatch):
    """The present moment, as every ``timezone.now()`` call sees it; set ``clock[0]``."""
    moment = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: moment[0])
    return moment


def _addresses(reference: str) -> dict[str, str]:
    return {
        "complaint": f"/super-complaints/{reference}/",
        "report": f"/super-complaints/{reference}/report/",
        "pdf": f"/super-complaints/{reference}/report.pdf",
        "recommendations": f"/super-complaints/{reference}/recommendations/",
        "complaint feed": f"/super-complaints/{reference}/feed.atom",
        "feed": "/feeds/super-complaints.atom",
        "search": "/search/?q=Quokkaline",
        "complaints csv": "/open-data/complaints.csv",
        "recommendations csv": "/open-data/recommendations.csv",
        "obligations csv": "/open-data/obligations.csv",
        "api complaint": f"/api/v1/super-complaints/{reference}",
        "api recommendations": "/api/v1/recommendations?limit=200",
        "welsh report": f"/cy/super-complaints/{reference}/report/",
    }


def test_nothing_of_an_embargoed_report_is_public_until_its_moment(
    public_record, client, settings, clock, django_capture_on_commit_callbacks
):
    settings.PUBLIC_CACHE_SECONDS = 3600
    cache.clear()
    start = clock[0]
    complaint = eligible("Complaint with an embargoed report", told=start - datetime.timedelta(days=90))
    complaint = complaint_services.start_investigation(
        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authority("IOPC")
    )
    report = create_report(complaint, title=TITLE, conclusions="Harm found")
    add_recommendation(
        report, label="Recommendation 1", text=RECOMMENDATION, organisations=[org("Home Office")]
    )
    moment = (start + datetime.timedelta(days=10)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        publish_report(sign_off_all(report), at=start, embargo_until=moment)
    addresses = _addresses(complaint.reference)

    clock[0] = moment - datetime.timedelta(hours=1)
    for name, address in addresses.items():
        for attempt in ("stored", "served from the cache"):
            response = client.get(address)
            body = response.content.decode(errors="replace")
            assert response.status_code in (200, 404), (name, attempt)
            if name in ("report", "pdf", "recommendations", "welsh report"):
                assert response.status_code == 404, (name, attempt)
            assert TITLE not in body, (name, attempt)
            assert RECOMMENDATION not in body, (name, attempt)
            assert f"{complaint.reference}-R1" not in body, (name, attempt)
    assert client.get(addresses["complaint"])["X-Public-Cache"] == "hit"

    # The moment passes; nobody saves anything, yet every page shows the report.
    clock[0] = moment + datetime.timedelta(seconds=1)
    for name in ("report", "recommendations", "welsh report", "pdf"):
        assert client.get(addresses[name]).status_code == 200, name
    complaint_page = client.get(addresses["complaint"]).content.decode()
    assert TITLE in complaint_page and addresses["pdf"] in complaint_page
    assert RECOMMENDATION in client.get(addresses["report"]).content.decode()
    assert TITLE in client.get(addresses["search"]).content.decode()
    assert TITLE in client.get(addresses["complaints csv"]).content.decode()
    assert TITLE in client.get(addresses["api complaint"]).content.decode()
    assert RECOMMENDATION in client.get(addresses["api recommendations"]).content.decode()
    assert RECOMMENDATION in client.get(addresses["recommendations csv"]).content.decode()

    # The sweep releases it: one obligation, due 56 days after the London day of the moment.
    with django_capture_on_commit_callbacks(execute=True):
        counts = sweep_deadlines(timezone.localdate(clock[0]), now=clock[0])
    assert counts["reports_released"] == 1
    obligations = client.get(addresses["obligations csv"]).content.decode()
    due = (moment.astimezone(LONDON).date() + datetime.timedelta(days=56)).isoformat()
    assert f"{complaint.reference}-R1" in obligations and due in obligations
    # The register shows who the recommendation is addressed to.
    assert "Home Office" in client.get(addresses["recommendations"]).content.decode()
