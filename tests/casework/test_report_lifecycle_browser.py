"""A report's whole life in a real browser, on a Hestia-like complaint: the team builds it (steps
taken, conclusions, a passage excluded under reg 8(3) and approved by a second person, the College
and HMICFRS actions, a recommendation to the 43 chief constables and one to the Home Office), the
IOPC records a dissenting opinion, the three authorities sign off and the team publishes under an
embargo.

Before the embargo ends nothing of the report is public anywhere (pages, feeds, search, CSV, API,
PDF). When the task worker releases it: the excluded text is in neither the published HTML nor the
text of the published PDF; there are 43 chief-constable obligations and 1 Home Office obligation,
each due 56 calendar days after the day of publication; and the body has the report, by e-mail and
in its portal. Every page is checked with axe-core."""

from __future__ import annotations

import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from complaints.models import ComplaintState, SuperComplaint
from deadlines.models import DeadlineRule
from deadlines.rules import to_london_date
from organisations.models import OrganisationKind
from outbox.models import Message
from recommendations.models import Obligation
from recommendations.services import ensure_standard_groups
from reports.models import Report, ReportState
from reports.publication import release_due_reports
from tests.builders import authority, ensure_public_record, london
from tests.casework.support import make_person
from tests.casework.test_investigation_browser import sign_in
from tests.casework.test_report_browser import saved
from tests.helpers import assert_accessible
from tests.public.seed import investigating
from tests.public.test_unpublished import public_addresses, readable

pytestmark = [pytest.mark.browser]

EXCLUDED = "EXCLUDED-e2e the survivor now lives in Hull"
TITLE = "Modern slavery: the police response to victims"
DISSENT = "The IOPC would also have recommended a statutory duty to refer victims."


def add_passage(page: Page, section: str, text: str) -> None:
    page.get_by_role("link", name=f"Add a passage to {section}").click()
    page.get_by_label("Text of the passage").fill(text)
    page.get_by_role("button", name="Save the passage").click()
    saved(page, "The passage has been added")


def add_action(page: Page, owner: str, text: str) -> None:
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_label("What the authority will do")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(owner, exact=True).check()
    page.get_by_label("What the authority will do").fill(text)
    page.get_by_role("button", name="Save the action").click()
    saved(page, "The action has been added")


def public_text(client: Client, addresses: list[str]) -> dict[str, str]:
    """Each public address that answers 200, with what a reader (or a PDF reader) gets from it."""
    found = {}
    for address in addresses:
        response = client.get(address)
        if response.status_code == 200:
            # A search page repeats its query: that is the reader's own words, not the report's.
            query = parse_qs(urlsplit(address).query).get("q", [""])[0]
            found[address] = readable(response).replace(query, "") if query else readable(response)
    return found


def test_a_report_is_built_signed_off_published_under_embargo_and_released(
    transactional_db, live_server, browser: Browser, monkeypatch
):
    ensure_public_record()
    ensure_standard_groups()
    base = live_server.url
    people = {name: make_person(name) for name in ("team", "iopc", "college", "hestia")}
    complaint = investigating("Police response to victims of modern slavery", body="Hestia")
    reference = complaint.reference
    report_url = f"/casework/complaints/{reference}/report/"

    # --- The team builds the report ------------------------------------------------------------
    team = sign_in(browser, base, people["team"], f"/casework/complaints/{reference}/")
    team.get_by_role("link", name="Start the report").click()
    team.get_by_label("Title of the report").fill(TITLE)
    team.get_by_role("button", name="Start the report").click()
    saved(team, "The report has been started")
    add_passage(team, "steps taken to investigate", "We inspected 12 forces and read 400 case files.")
    add_passage(team, "steps taken to investigate", EXCLUDED)
    add_passage(team, "conclusions", "Victims were treated as offenders, because of poor training.")
    team.get_by_role("link", name="Exclude passage 2 of Steps taken to investigate").click()
    team.get_by_label("The safety of any person").check()
    team.get_by_label("Reason").fill("It would locate a survivor.")
    team.get_by_role("button", name="Propose the exclusion").click()
    saved(team, "The exclusion has been proposed")

    add_action(team, "College of Policing", "Revise the authorised professional practice on modern slavery.")
    add_action(team, authority("HMICFRS").name, "Re-inspect the response to modern slavery in 2028.")

    team.get_by_role("link", name="Add a recommendation").click()
    team.get_by_label("Text of the recommendation").fill("Chief constables should screen every victim.")
    team.get_by_label("chief constables (43)").check()
    team.get_by_role("button", name="Save the recommendation").click()
    saved(team, f"Recommendation {reference}-R1 has been added")
    team.get_by_role("link", name="Add a recommendation").click()
    team.get_by_label("Text of the recommendation").fill("The Home Office should fund victim navigators.")
    team.get_by_label("Home Office", exact=True).check()
    team.get_by_role("button", name="Save the recommendation").click()
    saved(team, f"Recommendation {reference}-R2 has been added")

    # --- The IOPC dissents and approves the exclusion (never its proposer) ---------------------
    iopc = sign_in(browser, base, people["iopc"], report_url)
    iopc.get_by_role("link", name="Give the opinion of").click()
    expect(iopc.get_by_label("Your authority's opinion")).to_be_visible()
    assert_accessible(iopc)
    iopc.get_by_label("Your authority's opinion").fill(DISSENT)
    iopc.get_by_role("button", name="Save the opinion").click()
    saved(iopc, "opinion has been saved")
    iopc.get_by_role("button", name="Approve the exclusion").click()
    saved(iopc, "The exclusion has been approved")

    # --- Each authority signs off the finished version -----------------------------------------
    sign_off_url = f"{report_url}sign-off/"
    for page, name in (
        (iopc, "Independent Office for Police Conduct"),
        (sign_in(browser, base, people["college"], sign_off_url), "College of Policing"),
        (team, authority("HMICFRS").name),
    ):
        page.goto(f"{base}{sign_off_url}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign off the report")
        assert_accessible(page)
        page.get_by_role("button", name=f"Sign off for {name}").click()
        saved(page, "has signed off the report")

    # --- The team publishes under an embargo: 9:30am London, two days from now ------------------
    embargo_day = to_london_date(timezone.now()) + datetime.timedelta(days=2)
    team.get_by_role("link", name="Publish the report").click()
    team.get_by_label("At a set date and time (an embargo)").check()
    team.get_by_label("Day").fill(str(embargo_day.day))
    team.get_by_label("Month").fill(str(embargo_day.month))
    team.get_by_label("Year").fill(str(embargo_day.year))
    team.get_by_label("Time of publication (London time)").fill("9:30am")
    team.get_by_role("button", name="Continue").click()
    expect(team.get_by_role("heading", level=1)).to_have_text("Confirm the publication")
    assert_accessible(team)
    team.get_by_role("button", name="Schedule the publication").click()
    saved(team, "The report will be published at 9:30am on")

    report = Report.objects.get(complaint=complaint)
    embargo = london(embargo_day.year, embargo_day.month, embargo_day.day, 9, 30)
    assert report.state == ReportState.PUBLISHED and report.embargo_until == embargo

    # --- Before the moment, nothing of it is public ---------------------------------------------
    base_path = f"/super-complaints/{reference}/"
    report_addresses = [
        f"{language}{base_path}{page}"
        for language in ("", "/cy")
        for page in ("report/", "report.pdf", "recommendations/")
    ]
    api_addresses = [
        f"/api/v1/super-complaints/{reference}",
        "/api/v1/super-complaints?limit=200",
        "/api/v1/recommendations?limit=200",
        *(f"/open-data/{name}.csv" for name in ("complaints", "recommendations", "obligations", "responses")),
    ]
    reader = Client()
    for address in report_addresses:
        assert reader.get(address).status_code == 404, address
    before = public_text(
        reader, public_addresses() + api_addresses + [f"/search/?q={TITLE}", "/search/?q=navigators"]
    )
    assert before, "the public pages were read"
    leaks = [
        (address, marker)
        for address, words in before.items()
        for marker in (TITLE, "screen every victim", "victim navigators", DISSENT, "400 case files")
        if marker in words
    ]
    assert leaks == []
    public = browser.new_context().new_page()
    response = public.goto(f"{base}{base_path}report/")
    assert response is not None and response.status == 404
    assert not Message.objects.filter(subject__contains="report is published").exists()

    # --- The clock moves past the moment (for the server too: it runs in this process) and the
    # sweep's release step runs, as the task worker would at that moment ------------------------
    assert release_due_reports() == 0
    real_now = timezone.now
    offset = embargo + datetime.timedelta(minutes=1) - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    assert release_due_reports() == 1
    assert SuperComplaint.objects.get(pk=complaint.pk).state == ComplaintState.REPORT_PUBLISHED

    # The published HTML in the browser: the report, its dissent, no excluded text.
    response = public.goto(f"{base}{base_path}report/")
    assert response is not None and response.status == 200
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(public.get_by_text("We inspected 12 forces and read 400 case files.")).to_be_visible()
    expect(public.get_by_text(DISSENT)).to_be_visible()
    assert_accessible(public)
    assert "e2e" not in public.content() and "Hull" not in public.content()
    for address in report_addresses:
        response = reader.get(address)
        assert response.status_code == 200, address
        words = readable(response)
        assert "Hull" not in words and "EXCLUDED" not in words, address

    # The text of the published PDF, as a PDF reader extracts it.
    pdf = reader.get(f"{base_path}report.pdf")
    extracted = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    squashed = " ".join(extracted.split())
    assert "We inspected 12 forces and read 400 case files." in squashed
    assert "Hull" not in squashed and "EXCLUDED" not in squashed

    # 43 chief-constable obligations and 1 Home Office one, each due 56 calendar days after the
    # day of publication.
    due = embargo_day + datetime.timedelta(days=56)
    obligations = Obligation.objects.filter(recommendation__report=report).select_related(
        "organisation", "recommendation"
    )
    by_recommendation: dict[str, list] = {}
    for obligation in obligations:
        by_recommendation.setdefault(obligation.recommendation.reference, []).append(obligation)
    chief_constables = by_recommendation[f"{reference}-R1"]
    home_office = by_recommendation[f"{reference}-R2"]
    assert len(chief_constables) == 43
    assert {o.organisation.kind for o in chief_constables} == {OrganisationKind.FORCE}
    assert [o.organisation.name for o in home_office] == ["Home Office"]
    for obligation in obligations:
        [deadline] = obligation.deadlines.filter(rule=DeadlineRule.RESPONSE)
        assert deadline.due == due, obligation.organisation.name
        assert "56" in deadline.explanation_text

    # The body has the report: an e-mail with its links, and the report in its portal.
    [to_body] = [
        m
        for m in Message.objects.filter(subject__contains="report is published")
        if m.to == ["pat@example.org"]
    ]
    assert to_body.context["report_url"].endswith(f"{base_path}report/")
    assert to_body.context["pdf_url"].endswith(f"{base_path}report.pdf")
    hestia = sign_in(browser, base, people["hestia"], f"/portal/complaints/{reference}/")
    expect(hestia.get_by_role("heading", name="The report")).to_be_visible()
    assert_accessible(hestia)
    hestia.get_by_role("link", name="Read the report").click()
    expect(hestia.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "Hull" not in hestia.content()
