"""The investigation in a real browser: the team starts it, writes the plan, logs a visit, takes
the case, drafts and sends progress report 1 with an excluded passage; the body signs in and reads
it, and the excluded text is in neither its HTML nor its PDF. Every page is checked with axe-core."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from complaints.models import ComplaintState, SuperComplaint
from tests.accounts.support import browser_sign_in
from tests.builders import authority, eligible, ensure_public_record, london
from tests.casework.support import make_person
from tests.helpers import assert_accessible

pytestmark = [pytest.mark.browser]

EXCLUDED = "EXCLUDED-PASSAGE the witness lives in Leeds"


def sign_in(browser: Browser, base: str, person, landing: str) -> Page:
    """A member of staff (``(user, device)``), signed in and landed on ``landing``."""
    user, device = person
    page = browser_sign_in(browser, base, user.email, device, landing)
    expect(page).to_have_url(f"{base}{landing}")
    return page


def test_the_team_runs_the_investigation_and_the_body_reads_progress_report_1(
    transactional_db, live_server, browser: Browser
):
    ensure_public_record()
    base = live_server.url
    team_person, hestia_person = make_person("team"), make_person("hestia")
    complaint = eligible("Police response to victims of modern slavery", told=london(2026, 11, 2, 10))
    reference = complaint.reference

    team = sign_in(browser, base, team_person, f"/casework/complaints/{reference}/")
    team.get_by_role("link", name="Start the investigation").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Start the investigation")
    assert_accessible(team)
    team.get_by_role("button", name="Start the investigation").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text(
        "Select the authority that leads the investigation"
    )
    assert_accessible(team)
    team.get_by_label(authority("IOPC").name).check()
    team.get_by_role("button", name="Start the investigation").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text("has started, led by")
    expect(team.get_by_role("heading", level=1)).to_have_text("Investigation plan, fieldwork and notes")
    assert_accessible(team)

    team.get_by_label("Terms of reference").fill("How forces identify and protect victims.")
    team.get_by_role("button", name="Save the plan").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text("plan has been saved")

    # A visit with an impossible date: the error, and what was typed kept.
    visit = team.locator("form", has=team.locator('input[name="form"][value="fieldwork"]'))
    visit.get_by_label("Visit", exact=True).check()
    visit.get_by_label("Day").fill("31")
    visit.get_by_label("Month").fill("2")
    visit.get_by_label("Year").fill("2026")
    visit.get_by_label("Place or organisation").fill("West Yorkshire Police control room")
    visit.get_by_label("Summary").fill("Observed how calls about exploitation are graded.")
    visit.get_by_role("button", name="Log it").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    expect(visit.get_by_label("Place or organisation")).to_have_value("West Yorkshire Police control room")
    assert_accessible(team)
    visit.get_by_label("Day").fill("20")
    visit.get_by_label("Month").fill("11")
    visit.get_by_role("button", name="Log it").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text("has been logged")
    expect(team.locator("#fieldwork + table")).to_contain_text("West Yorkshire Police control room")
    assert_accessible(team)

    # The team takes the case.
    team.goto(f"{base}/casework/complaints/{reference}/")
    team.get_by_label("Caseworker").select_option(label=str(team_person[0]))
    team.get_by_role("button", name="Assign", exact=True).click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{reference} is now assigned to"
    )
    assert_accessible(team)
    team.goto(f"{base}/casework/?mine=on")
    expect(team.locator("main")).to_contain_text(reference)
    assert_accessible(team)

    # Progress report 1, with a passage excluded for a person's safety (reg 7(3)).
    team.goto(f"{base}/casework/complaints/{reference}/")
    team.get_by_role("link", name="Progress report 1").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Progress report 1")
    assert_accessible(team)
    team.get_by_label("Steps taken that earlier progress reports have not explained").fill(
        "We visited a force control room and read 40 case files."
    )
    team.get_by_label("Steps proposed before the end of the next period").fill(
        "We will survey all 43 forces."
    )
    team.get_by_label("Information excluded from the report (optional)").fill(EXCLUDED)
    team.get_by_role("button", name="Send the progress report").click()
    expect(team.locator(".govuk-error-summary")).to_contain_text(
        "Select the ground for excluding the information"
    )
    expect(team.get_by_label("Information excluded from the report (optional)")).to_have_value(EXCLUDED)
    assert_accessible(team)
    team.get_by_label("The safety of any person").check()
    team.get_by_label("Reason for excluding it").fill("It would identify a witness.")
    team.get_by_role("button", name="Send the progress report").click()
    expect(team.locator(".govuk-notification-banner--success")).to_contain_text(
        "Progress report 1 has been sent"
    )
    assert_accessible(team)
    team.context.close()

    complaint = SuperComplaint.objects.get(pk=complaint.pk)
    assert complaint.state == ComplaintState.INVESTIGATING
    report = complaint.progress_reports.get(period=1)
    assert report.sent_at is not None and report.letter is not None

    body = sign_in(browser, base, hestia_person, f"/portal/complaints/{reference}/")
    reports = body.locator("#progress-reports + table")
    subject = f"Progress report 1 on super-complaint {reference}"
    expect(reports).to_contain_text(subject)
    expect(body.locator("main")).to_contain_text(
        "Progress report 2 on the investigation is due by the end of"
    )
    assert_accessible(body)
    assert EXCLUDED not in body.content()
    reports.get_by_role("link", name=subject, exact=True).click()
    expect(body.locator("main")).to_contain_text("We will survey all 43 forces.")
    assert EXCLUDED not in body.content()
    assert_accessible(body)

    body.goto(f"{base}/portal/complaints/{reference}/")
    pdf_link = body.locator("#progress-reports + table").get_by_role("link", name=re.compile("^Download"))
    response = body.request.get(base + pdf_link.get_attribute("href"))
    assert response.status == 200
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages).split()
    )
    assert "We will survey all 43 forces." in text
    assert "EXCLUDED-PASSAGE" not in text and "Leeds" not in text
