"""The whole record of a complaint for staff, its timeline, its audit history and its letters."""

import html
import re

import pytest

from audit.models import AuditEvent
from complaints import letters, services
from complaints.models import SuperComplaint
from tests.builders import london
from tests.casework.support import FULL_CHECKLIST, PEOPLE, attach_document, received, with_positions
from tests.helpers import assert_valid_html

pytestmark = pytest.mark.django_db


def words(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def decided(public_record):
    complaint = with_positions()
    attach_document(complaint)
    letters.send_acknowledgement_letter(complaint)
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets every requirement.",
        checklist=dict.fromkeys(FULL_CHECKLIST, True),
        repeat_finding="not_a_repeat",
        at=london(2026, 12, 1, 11, 0),
    )
    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    letters.send_decision_letter(complaint)
    return complaint


def test_the_page_shows_the_whole_record(client_for, decided):
    response = client_for("iopc").get(f"/casework/complaints/{decided.reference}/")
    assert response.status_code == 200
    text = words(response)
    for expected in [
        f"{decided.reference} Police response to victims Eligible for investigation",
        "Complainant Hestia",
        "Received Friday 27 November 2026, 10:00am",
        "Acknowledgement due By the end of Thursday 3 December 2026",
        "Why it is, or appears to be, significantly harming the interests of the public "
        "Victims are deterred from engaging with investigations.",
        "Forces concerned All forces in England and Wales",
        "Name Pat Example",
        "Email address pat@example.org",
        "Feature 1 Feature of policing number 1 Harm Harm 1 Nature Distress Scale National "
        "Groups especially vulnerable Victims",
        "Research report, March 2019 Described only",
        "Research report Download Research.pdf (17 bytes)",
        "HMICFRS Eligible HMICFRS reasons",
        "IOPC Eligible IOPC reasons",
        "College Eligible College reasons",
        "Decision Eligible Decided on 1 December 2026 Decided by The decision-making authorities, agreeing",
        "Reasons Meets every requirement.",
        "1 Tuesday 1 December 2026 Friday 19 February 2027 How the due date of report 1 was worked out",
        "Due: progress report 1 by the end of Friday 19 February 2027, the 56th working day of period 1.",
        "Progress report 1 (SI 2018/748 regulation 7): Due Friday 19 February 2027",
        f"Acknowledgement of super-complaint {decided.reference}",
        f"Super-complaint {decided.reference} will be investigated",
        "Tuesday 1 December 2026 The body was told the complaint will be investigated (regulation 6(5))",
        "Friday 27 November 2026 Received by the Chief Inspector",
    ]:
        assert expected in text, expected
    item = decided.evidence_items.exclude(document=None).get()
    page = response.content.decode()
    assert f'href="/casework/complaints/{decided.reference}/evidence/{item.pk}/"' in page
    for letter in decided.letters.all():
        assert f'href="/casework/complaints/{decided.reference}/letters/{letter.pk}/pdf/"' in page


def test_the_audit_history_shows_who_did_what_before_and_after(client_for, decided):
    response = client_for("team").get(f"/casework/complaints/{decided.reference}/")
    history = words(response).split("Audit history")[1]
    # Labels from audit.labels: never a field name, a stored code, a Python structure or a raw key.
    assert (
        "system Complaint received stage: Draft → Received reference: "
        + decided.reference
        + " received at: 27 November 2026, 10:00 day of receipt: 27 November 2026 "
        "acknowledgement due: 3 December 2026"
    ) in history
    assert "system Complaint acknowledged stage: Received → Acknowledged" in history
    assert "system Position recorded position: Eligible authority: IOPC reasons: IOPC reasons" in history
    assert (
        "system Eligibility decided stage: Eligibility being assessed → Eligible for investigation "
        "reasons: Meets every requirement. outcome: Eligible decided by: The decision-making "
        "authorities, agreeing repeat finding: Does not repeat the substance of another complaint "
        "related complaint: —"
    ) in history
    assert (
        f"system Letter sent subject: Acknowledgement of super-complaint {decided.reference} sent at: "
    ) in history
    assert "sent to: pat@example.org e-mailed: yes letter: Acknowledgement (regulation 5)" in history
    for raw in ("{", "[", "'", "_", "sent_at", "True"):
        assert raw not in history.split(PEOPLE["team"][0])[0], raw
    assert history.rstrip().endswith(
        f"{PEOPLE['team'][0]} His Majesty's Inspectorate of Constabulary and Fire & Rescue Services "
        "Complaint viewed, with contact details Access Support links Accessibility statement Privacy notice "
        "Cookies Open data All content is available under the Open Government Licence v3.0 , except where "
        "otherwise stated"
    )


def test_each_view_of_the_contact_details_is_recorded_once(client_for, people, public_record):
    complaint = received()
    iopc = client_for("iopc")
    iopc.get(f"/casework/complaints/{complaint.reference}/")
    iopc.get(f"/casework/complaints/{complaint.reference}/")
    client_for("team").get("/casework/")  # the dashboard shows no contact details
    views = AuditEvent.objects.filter(action="complaint.viewed", object_id=str(complaint.pk))
    assert [(e.kind, e.actor_id) for e in views] == [("access", people["iopc"][0].pk)] * 2


def test_downloading_a_document_is_recorded_as_an_access(client_for, people, public_record):
    complaint = received()
    item = attach_document(complaint, content=b"%PDF-1.7 the evidence", name="Hidden victims.pdf")
    response = client_for("college").get(f"/casework/complaints/{complaint.reference}/evidence/{item.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the evidence"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Hidden victims.pdf\"; filename*=UTF-8''Hidden%20victims.pdf"
    )
    [event] = AuditEvent.objects.filter(action="document.viewed")
    assert (event.kind, event.object_type, event.object_id) == (
        "access",
        "evidence.document",
        str(item.document_id),
    )
    assert event.actor_id == people["college"][0].pk
    described_only = complaint.evidence_items.filter(document=None).get()
    assert (
        client_for("college")
        .get(f"/casework/complaints/{complaint.reference}/evidence/{described_only.pk}/")
        .status_code
        == 404
    )


def test_a_letter_is_shown_inside_the_service_under_its_strict_csp(client_for, decided):
    letter = decided.letters.get(kind="eligible")
    response = client_for("college").get(f"/casework/complaints/{decided.reference}/letters/{letter.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<style" not in page
    assert " style=" not in page
    assert f'<h1 class="govuk-heading-l" id="letter-title">{letter.subject}</h1>' in page
    assert "your super-complaint will be investigated" in page
    assert_valid_html(page, name="letter.html")

    pdf = client_for("college").get(f"/casework/complaints/{decided.reference}/letters/{letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    name = f"{decided.reference}-eligible.pdf"
    assert pdf["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert (pdf["X-Content-Type-Options"], pdf["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_another_complaints_letter_is_not_found(client_for, decided):
    other = received(at=london(2026, 11, 25, 10, 0))
    letter = decided.letters.first()
    assert (
        client_for("team").get(f"/casework/complaints/{other.reference}/letters/{letter.pk}/").status_code
        == 404
    )


def test_the_complaint_page_is_valid_html(client_for, decided):
    assert_valid_html(
        client_for("team").get(f"/casework/complaints/{decided.reference}/").content.decode(),
        name="complaint.html",
    )


def test_the_harm_label_quotes_the_statute_exactly():
    """PRA 2002 s.29A(1): "is, or appears to be, significantly harming the interests of the public"."""
    from pathlib import Path

    for template in (
        "casework/templates/casework/complaint.html",
        "casework/templates/casework/eligibility.html",
    ):
        source = (Path(__file__).resolve().parents[2] / template).read_text(encoding="utf-8")
        assert "Why it is, or appears to be, significantly harming the interests of the public" in source
        assert "Why significantly harming" not in source
        assert "Why it is significantly harming the public" not in source


def test_each_section_is_a_heading_that_names_its_table(client_for, decided):
    page = client_for("team").get(f"/casework/complaints/{decided.reference}/").content.decode()
    for section, anchor in (
        ("Evidence", "evidence"),
        ("Progress reports (regulation 7)", "progress-reports"),
        ("Letters", "letters"),
        ("Timeline", "timeline"),
        ("Audit history", "audit-history"),
    ):
        assert f'<h2 class="govuk-heading-m" id="{anchor}">{section}</h2>' in page
        assert re.search(
            rf'<table class="govuk-table app-table--responsive" aria-labelledby="{anchor}">', page
        )
    assert "govuk-table__caption--m" not in page
    # On a narrow screen each cell is introduced by its column's heading.
    assert 'data-label="Before → after"' in page


def test_staff_are_told_of_a_pdfs_active_content_and_a_file_waiting_for_its_scan(
    client_for, people, public_record
):
    from evidence.models import ScanStatus

    complaint = received()
    flagged = attach_document(complaint, content=b"%PDF-1.7 /OpenAction", name="Flagged.pdf")
    flagged.document.flags = ["javascript", "open_action"]
    flagged.document.save(update_fields=["flags"])
    pending = attach_document(complaint, content=b"%PDF-1.7 later", name="Later.pdf")
    pending.document.scan_status = ScanStatus.PENDING
    pending.document.save(update_fields=["scan_status"])
    staff = client_for("college")
    page = staff.get(f"/casework/complaints/{complaint.reference}/").content.decode()
    assert "Contains active content: JavaScript" in page
    assert "Contains active content: an action when opened" in page
    assert "Later.pdf: waiting for a virus scan, not yet available" in page
    assert f"/evidence/{pending.pk}/" not in page
    assert staff.get(f"/casework/complaints/{complaint.reference}/evidence/{pending.pk}/").status_code == 404
    assert staff.get(f"/casework/complaints/{complaint.reference}/evidence/{flagged.pk}/").status_code == 200
