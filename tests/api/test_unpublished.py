"""Nothing that is not published ever reaches the API: each seeded thing carries a marker string,
and every answer the API can give is searched for it."""

import json

import pytest

from tests.public.seed import CONTACT_EMAIL, CONTACT_NAME, MARK, seed_unpublished

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

KINDS = ["designated_body", "force", "local_policing_body", "authority", "national_body"]


@pytest.fixture
def seeded():
    return seed_unpublished()


def every_api_answer(client) -> str:
    """The whole of what the API says: every list, every page of it, every complaint's detail."""
    texts = []
    complaints = client.get("/api/v1/super-complaints", {"limit": 200})
    texts.append(complaints.content.decode())
    for item in complaints.json()["items"]:
        texts.append(client.get(f"/api/v1/super-complaints/{item['reference']}").content.decode())
    texts.append(client.get("/api/v1/recommendations", {"limit": 200}).content.decode())
    texts.append(client.get("/api/v1/organisations", {"limit": 200}).content.decode())
    for kind in KINDS:
        texts.append(client.get("/api/v1/organisations", {"kind": kind, "limit": 200}).content.decode())
    texts.append(client.get("/api/openapi.json").content.decode())
    return "\n".join(texts)


def test_no_unpublished_text_appears_anywhere_in_the_api(client, seeded):
    everything = every_api_answer(client)

    assert MARK not in everything
    assert CONTACT_NAME not in everything
    assert CONTACT_EMAIL not in everything
    # Escaped forms too: a marker inside JSON would still be found above, but make sure of it.
    assert MARK not in json.dumps(everything)


def test_draft_received_and_assessing_complaints_are_not_on_the_register(client, seeded):
    listed = [c["reference"] for c in client.get("/api/v1/super-complaints", {"limit": 200}).json()["items"]]

    assert seeded.received.reference not in listed
    assert seeded.assessing.reference not in listed
    assert seeded.embargoed.reference in listed
    assert seeded.investigating.reference in listed
    for reference in (seeded.received.reference, seeded.assessing.reference):
        response = client.get(f"/api/v1/super-complaints/{reference}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"No published super-complaint has the reference {reference}."}
    for stage in ("received", "acknowledged", "assessing"):
        assert client.get("/api/v1/super-complaints", {"stage": stage}).json() == {"items": [], "count": 0}


def test_an_embargoed_report_leaves_the_complaint_at_its_investigation_stage(client, seeded):
    # Published, but its moment has not come: the complaint moves on when the report is released.
    assert seeded.embargoed.state == "investigating"

    item = client.get(f"/api/v1/super-complaints/{seeded.embargoed.reference}").json()

    assert item["stage"] == "investigating"
    assert item["report"] is None
    investigating = client.get("/api/v1/super-complaints", {"stage": "investigating"}).json()
    published = client.get("/api/v1/super-complaints", {"stage": "report_published"}).json()
    assert seeded.embargoed.reference in [c["reference"] for c in investigating["items"]]
    assert seeded.embargoed.reference not in [c["reference"] for c in published["items"]]
    recommendations = client.get("/api/v1/recommendations", {"complaint": seeded.embargoed.reference}).json()
    assert recommendations == {"items": [], "count": 0}


def test_only_sent_progress_reports_are_counted(client, seeded):
    item = client.get(f"/api/v1/super-complaints/{seeded.investigating.reference}").json()

    assert seeded.investigating.progress_reports.count() == 2
    assert item["progress_reports_sent"] == 1


def test_unpublished_responses_are_left_out(client, seeded):
    (first,) = client.get("/api/v1/recommendations", {"addressee": "home-office"}).json()["items"]

    assert first["reference"] == "SC-2019-002-R1"
    assert first["obligations"][0]["responses"] == []


def test_the_seeded_markers_are_really_there_to_find(seeded):
    """Guards the tests above: they would pass vacuously if the seed wrote nothing."""
    from django.db.models import Q

    from complaints.models import AuthorityPosition, ProgressReport, SuperComplaint
    from recommendations.models import Recommendation, Response
    from reports.models import Exclusion, Report

    assert SuperComplaint.objects.filter(title__startswith=MARK).count() == 3
    # Three authorities' positions on each of: the assessing, the embargoed, the not-eligible complaint.
    assert AuthorityPosition.objects.filter(reasons__startswith=MARK).count() == 9
    assert Report.objects.filter(title__startswith=MARK, state="published").count() == 1
    assert Recommendation.objects.filter(text__startswith=MARK).count() == 1
    # From Hestia's report, and from the report written in this service.
    assert Exclusion.objects.filter(passage__startswith=MARK).count() == 2
    assert ProgressReport.objects.filter(steps_taken__startswith=MARK, sent_at__isnull=True).count() == 1
    assert (
        Response.objects.filter(Q(reasons__startswith=MARK) | Q(explanation__startswith=MARK))
        .exclude(state="published")
        .count()
        == 2
    )
    # Under investigation, reported on here, not eligible, withdrawn: on the register, with a contact.
    assert SuperComplaint.objects.filter(contact_email=CONTACT_EMAIL, public_since__isnull=False).count() == 4
