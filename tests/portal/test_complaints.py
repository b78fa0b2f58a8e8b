"""The body's page for a submitted complaint: stage, dated timeline, letters, withdrawal."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from audit.models import AuditEvent
from complaints import services
from complaints.models import ComplaintState
from tests.builders import REG4_MET, authority, london
from tests.portal.support import acknowledgement_letter, complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(hestia_user):
    return services.submit_complaint(complete_draft("Hestia", hestia_user), at=london(2026, 11, 27, 16, 45))


def investigated(complaint):
    complaint = services.acknowledge_complaint(complaint, at=london(2026, 12, 1, 9, 0))
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(
            complaint, authority=authority(short), position="eligible", reasons="Meets reg 4"
        )
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets regulation 4",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=london(2027, 1, 15, 12, 0),
    )
    complaint.refresh_from_db()
    report = complaint.progress_reports.get(period=1)
    services.send_progress_report(
        report,
        steps_taken="Fieldwork in six forces",
        steps_proposed="Report drafting",
        at=london(2027, 3, 3, 10, 0),
    )
    complaint.refresh_from_db()
    return complaint


def test_the_complaint_page_shows_its_stage_and_what_was_submitted(hestia, received):
    response = hestia.get(f"/portal/complaints/{received.reference}/")
    assertContains(response, '<strong class="govuk-tag govuk-tag--blue">Received</strong>', html=True)
    assertContains(
        response,
        "The acknowledgement of your super-complaint is due by the end of Thursday 3 December 2026 "
        "(SI 2018/748 regulation 5).",
    )
    assertContains(response, "Officers fail to recognise the signs of exploitation")
    assertContains(response, "All forces in England and Wales")
    item = received.evidence_items.get()
    assertContains(response, f'href="/portal/evidence/{item.pk}/download/"')
    assertNotContains(response, "?return_to=check")  # no Change links on a submitted complaint
    assertContains(response, "No letters have been sent to the body yet.")


def test_the_timeline_is_dated_from_the_record(hestia, received):
    complaint = investigated(received)
    response = hestia.get(f"/portal/complaints/{complaint.reference}/")
    html = response.content.decode()
    # The one timeline partial (complaints.timeline, as the body may see it).
    rows = [
        ("2026-11-27", "Friday 27 November 2026", "Received by the Chief Inspector"),
        ("2026-12-01", "Tuesday 1 December 2026", "Acknowledged"),
        ("2027-01-15", "Friday 15 January 2027", "Eligibility decided: Eligible"),
        ("2027-03-03", "Wednesday 3 March 2027", "Progress report 1 sent"),
    ]
    positions = []
    for iso, day, what in rows:
        assertContains(
            response,
            f'<td class="govuk-table__cell" data-label="Date"><time datetime="{iso}">{day}</time></td>',
            html=True,
        )
        positions.append(html.index(what))
    assertContains(response, "The complaint will be investigated, with progress reports (regulation 6(5)).")
    assert positions == sorted(positions)
    assertContains(
        response, '<strong class="govuk-tag govuk-tag--green">Eligible for investigation</strong>', html=True
    )


def test_only_sent_letters_are_listed_and_each_can_be_read_and_downloaded(hestia, received):
    letter = acknowledgement_letter(received)
    draft_letter = acknowledgement_letter(received, sent=False)
    page = hestia.get(f"/portal/complaints/{received.reference}/")
    assertContains(
        page,
        f'<a class="govuk-link" href="/portal/complaints/{received.reference}/letters/{letter.pk}/">'
        f"Acknowledgement of super-complaint {received.reference}</a>",
        html=True,
    )
    assertContains(
        page, '<td class="govuk-table__cell" data-label="Sent">Tuesday 1 December 2026</td>', html=True
    )
    assertNotContains(page, f"/letters/{draft_letter.pk}/")

    html = hestia.get(f"/portal/complaints/{received.reference}/letters/{letter.pk}/")
    assertContains(html, f"The reference of your complaint is {received.reference}.")
    assertContains(html, "This letter acknowledges it, as regulation 5")
    assert html.content.decode().count("<html") == 1  # the letter's fragment, not a second document
    assertContains(html, "Sent on Tuesday 1 December 2026.")

    pdf = hestia.get(f"/portal/complaints/{received.reference}/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    name = f"{received.reference}-acknowledgement-{letter.pk}.pdf"
    assert pdf["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")

    assert (
        hestia.get(f"/portal/complaints/{received.reference}/letters/{draft_letter.pk}/").status_code == 404
    )
    assert (
        hestia.get(f"/portal/complaints/{received.reference}/letters/{draft_letter.pk}.pdf").status_code
        == 404
    )
    no_pdf = acknowledgement_letter(received, pdf=False)
    assert hestia.get(f"/portal/complaints/{received.reference}/letters/{no_pdf.pk}.pdf").status_code == 404


def test_a_letter_is_found_only_under_its_own_complaint(hestia, hestia_user, received):
    other = services.submit_complaint(
        complete_draft("Hestia", hestia_user, title="Another"), at=london(2026, 11, 27, 17)
    )
    letter = acknowledgement_letter(other)
    assert hestia.get(f"/portal/complaints/{received.reference}/letters/{letter.pk}/").status_code == 404


def test_withdrawing_needs_a_reason_and_is_recorded(hestia, received):
    page = hestia.get(f"/portal/complaints/{received.reference}/withdraw/")
    assertContains(page, "You cannot undo this.")
    response = hestia.post(f"/portal/complaints/{received.reference}/withdraw/", {"reason": ""})
    assertContains(
        response, '<a href="#id_reason">Enter why the body is withdrawing the super-complaint</a>', html=True
    )
    response = hestia.post(
        f"/portal/complaints/{received.reference}/withdraw/", {"reason": "The issue is now being addressed"}
    )
    assertRedirects(response, f"/portal/complaints/{received.reference}/", fetch_redirect_response=False)
    received.refresh_from_db()
    assert received.state == ComplaintState.WITHDRAWN
    assert received.withdrawal_reason == "The issue is now being addressed"
    event = AuditEvent.objects.get(action="complaint.withdrawn")
    assert event.after["statutory"] is False
    page = hestia.get(response["Location"])
    assertContains(page, f"Super-complaint {received.reference} has been withdrawn.")
    assertContains(page, '<strong class="govuk-tag govuk-tag--grey">Withdrawn</strong>', html=True)
    assertContains(page, "Withdrawn by the body")
    assertNotContains(page, "Withdraw this super-complaint")
    # A resubmitted form does nothing more.
    again = hestia.post(f"/portal/complaints/{received.reference}/withdraw/", {"reason": "again"})
    assertRedirects(again, f"/portal/complaints/{received.reference}/", fetch_redirect_response=False)
    assert AuditEvent.objects.filter(action="complaint.withdrawn").count() == 1


def test_a_complaint_past_its_report_cannot_be_withdrawn(hestia, received):
    received.state = ComplaintState.REPORT_PUBLISHED
    received.save(update_fields=["state"])
    page = hestia.get(f"/portal/complaints/{received.reference}/")
    assertNotContains(page, "Withdraw this super-complaint")
    assert hestia.get(f"/portal/complaints/{received.reference}/withdraw/").status_code == 404
    assert (
        hestia.post(f"/portal/complaints/{received.reference}/withdraw/", {"reason": "x"}).status_code == 404
    )


def _words(response) -> str:
    import html as html_module
    import re

    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_the_body_sees_the_next_progress_report_it_can_expect_with_its_explanation(hestia, received):
    complaint = investigated(received)
    text = _words(hestia.get(f"/portal/complaints/{complaint.reference}/"))
    # Progress report 1 was sent on 3 March 2027, so the next is report 2: period 2 begins the first
    # working day after period 1 ended (reg 7).
    from deadlines.rules import progress_report_periods

    second = progress_report_periods(complaint.told_investigation_on, 2)[1]
    assert (
        f"What you can expect next Progress report 2 on the investigation is due by the end of "
        f"{second.due.strftime('%A')} {second.due.day} {second.due.strftime('%B %Y')} (SI 2018/748 regulation 7)."
    ) in text
    assert "How this date is worked out" in text
    assert "Period 2 begins on" in text


def test_the_first_progress_report_is_announced_once_eligible(hestia, received):
    complaint = services.acknowledge_complaint(received, at=london(2026, 12, 1, 9, 0))
    for short in ("HMICFRS", "IOPC", "College"):
        services.record_position(complaint, authority=authority(short), position="eligible", reasons="Yes")
    services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="Meets regulation 4",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        at=london(2027, 1, 15, 12, 0),
    )
    complaint.refresh_from_db()
    first = complaint.progress_reports.get(period=1).deadline
    text = _words(hestia.get(f"/portal/complaints/{complaint.reference}/"))
    assert (
        "The first progress report on the investigation is due by the end of "
        f"{first.due.strftime('%A')} {first.due.day} {first.due.strftime('%B %Y')} (SI 2018/748 regulation 7)."
    ) in text
    assert "Told the complaint will be investigated: Friday 15 January 2027" in text


def test_a_historical_complaint_says_its_earlier_letters_are_not_held_here(hestia, public_record):
    text = _words(hestia.get("/portal/complaints/SC-2019-002/"))
    assert "Letters sent before this service are not held here." in text
    assert "No letters have been sent" not in text


def test_no_date_explanation_shows_a_raw_timestamp(hestia, received):
    import re

    for url in (
        f"/portal/complaints/{received.reference}/submitted/",
        f"/portal/complaints/{received.reference}/",
    ):
        text = _words(hestia.get(url))
        assert "Received: Friday 27 November 2026, at 4:45pm GMT in London." in text, url
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text), url
