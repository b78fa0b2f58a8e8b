"""Hestia makes its modern slavery super-complaint in a real browser, reads its letters, and
Liberty cannot see any of it. Every page, and every error state, is checked with axe-core."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from audit.models import AuditEvent
from complaints.models import ComplaintState, ForcesScope, SuperComplaint
from tests.accounts.support import make_device, make_user, sign_in_page
from tests.builders import ensure_public_record, org
from tests.evidence import corpus
from tests.evidence.files import csv_bytes, pdf_bytes, png_bytes
from tests.helpers import assert_accessible
from tests.portal.support import acknowledgement_letter

pytestmark = pytest.mark.browser


def hestia_features() -> list[str]:
    with (settings.PUBLIC_RECORD_DIR / "super_complaints.json").open(encoding="utf-8") as handle:
        record = json.load(handle)
    hestia = next(c for c in record["super_complaints"] if c["complainants"] == ["Hestia"])
    return hestia["features_of_policing"]


def member(email: str, body: str):
    user = make_user(email, full_name=f"{body} policy lead")
    Membership.objects.create(user=user, organisation=org(body), role=Role.BODY_MEMBER)
    return user, make_device(user)


sign_in = sign_in_page


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_hestia_makes_its_modern_slavery_super_complaint(transactional_db, live_server, page: Page, browser):
    ensure_public_record()
    base = live_server.url
    _user, device = member("policy@hestia.example", "Hestia")
    features = hestia_features()
    assert len(features) == 6

    sign_in(page, base, "policy@hestia.example", device, "/portal/")
    expect(page).to_have_url(f"{base}/portal/")
    expect(heading(page)).to_have_text("Your super-complaints")
    assert_accessible(page)

    page.get_by_role("link", name="Start a new super-complaint").click()
    expect(heading(page)).to_have_text("Make a super-complaint")
    assert_accessible(page)
    # The body says which language it will write in (English or Welsh); without an answer it is asked.
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the language you will write the super-complaint in"
    )
    assert_accessible(page)
    page.get_by_role("group", name="Which language will you write the super-complaint in?").get_by_label(
        "English"
    ).check()
    page.get_by_role("button", name="Start").click()
    draft_url = page.url
    assert re.fullmatch(rf"{base}/portal/drafts/\d+/", draft_url)
    expect(page.locator("#task-about-status")).to_have_text("Not yet started")
    expect(page.locator("#task-submit-status")).to_have_text("Cannot start yet")
    assert_accessible(page)

    # About the complaint: first an error state, then the answers.
    page.get_by_role("link", name="About the complaint").click()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: About the complaint – Police super-complaints")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a title").click()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Police response to victims of modern slavery")
    page.get_by_label("Summary").fill(
        "The policies and practices of all police forces in England and Wales with respect to the "
        "standard of support that victims of modern slavery receive"
    )
    page.get_by_label(re.compile("significantly harming the interests of the public")).fill(
        "Lack of effective support for victims, together with experiences of poor treatment, deters "
        "victims from engaging with investigations."
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(draft_url)
    expect(page.locator("#task-about-status")).to_have_text("Completed")

    # Features of policing: an empty feature is refused, then the six are added.
    page.get_by_role("link", name="Features of policing").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a feature").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the feature of policing")
    expect(page.locator("#id_text-error")).to_contain_text("Enter the feature of policing")
    assert_accessible(page)
    for n, text in enumerate(features, start=1):
        if n > 1:
            page.get_by_role("link", name="Add another feature").click()
        expect(heading(page)).to_have_text(f"Feature {n}")
        page.get_by_label("Describe the feature of policing").fill(text)
        page.get_by_label("Describe harm 1").fill("Victims are not identified or supported")
        page.get_by_label("The nature of harm 1").fill("Continued exploitation and distrust of the police")
        page.get_by_label("The scale of harm 1").fill("Thousands of potential victims a year")
        page.get_by_label("Groups especially vulnerable to harm 1 (optional)").fill("Foreign nationals")
        if n == 1:
            # Another harm block appears without JavaScript and without losing what was typed.
            page.get_by_role("button", name="Add another harm").click()
            expect(page.get_by_label("Describe the feature of policing")).to_have_value(text)
            page.get_by_label("Describe harm 2").fill("Victims are treated as offenders")
            page.get_by_label("The nature of harm 2").fill("Criminalisation")
            page.get_by_label("The scale of harm 2").fill("Unknown, believed widespread")
            assert_accessible(page)
        page.get_by_role("button", name="Save and continue").click()
        expect(heading(page)).to_have_text("Features of policing")
    expect(page.locator(".govuk-summary-card")).to_have_count(6)
    # Reorder with buttons, no JavaScript needed: the last goes up one and back down.
    page.get_by_role("button", name="Move up feature 6").click()
    expect(page.locator(".govuk-summary-card").nth(4)).to_contain_text(features[5])
    page.get_by_role("button", name="Move down feature 5").click()
    expect(page.locator(".govuk-summary-card").nth(5)).to_contain_text(features[5])
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.locator("#task-features-status")).to_have_text("Completed")

    # Forces concerned: all forces.
    page.get_by_role("link", name="Forces concerned").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select which police forces the complaint concerns"
    )
    assert_accessible(page)
    page.get_by_label("All forces in England and Wales").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#task-forces-status")).to_have_text("Completed")

    # Evidence: a PNG dressed as a PDF is refused; then a real PDF, a PNG and a CSV.
    page.get_by_role("link", name="Evidence").click()
    assert_accessible(page)
    file_input = page.get_by_label("Upload a file")
    description = page.get_by_label("Describe the file and what it shows")
    file_input.set_input_files({"name": "report.pdf", "mimeType": "application/pdf", "buffer": png_bytes()})
    description.fill("A picture pretending to be a report")
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "“report.pdf” is not a real PDF file. Its name says PDF but its content is a PNG image."
    )
    expect(description).to_have_value("A picture pretending to be a report")
    assert_accessible(page)
    too_big = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024 - 8)
    file_input.set_input_files({"name": "huge.pdf", "mimeType": "application/pdf", "buffer": too_big})
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be 25 MB or smaller. “huge.pdf” is too large."
    )
    # A macro-enabled document renamed .docx: refused, with the reason on the page.
    file_input.set_input_files(
        {"name": "minutes.docx", "mimeType": "application/octet-stream", "buffer": corpus.docm_renamed_docx()}
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "“minutes.docx” cannot be accepted. It contains macros, which can run programs."
    )
    assert_accessible(page)
    for name, mime, content, text in (
        (
            "underground-lives.pdf",
            "application/pdf",
            pdf_bytes("Underground lives"),
            "Hestia's report, March 2019",
        ),
        ("referrals-chart.png", "image/png", png_bytes(), "Chart of National Referral Mechanism referrals"),
        ("foi-responses.csv", "text/csv", csv_bytes(), "Freedom of Information responses by force"),
    ):
        file_input.set_input_files({"name": name, "mimeType": mime, "buffer": content})
        description.fill(text)
        page.get_by_role("button", name="Upload file").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            f"“{name}” has been uploaded."
        )
    expect(page.locator(".govuk-summary-list__row")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.locator("#task-evidence-status")).to_have_text("Completed")

    # Contact: offered from the signed-in person, completed with a role.
    page.get_by_role("link", name="Contact").click()
    expect(page.get_by_label("Full name")).to_have_value("Hestia policy lead")
    page.get_by_label("Role at the body").fill("Head of policy")
    page.get_by_label("Telephone number (optional)").fill("020 7946 0000")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#task-contact-status")).to_have_text("Completed")
    expect(page.get_by_text("You have completed 5 of 5 sections.")).to_be_visible()
    assert_accessible(page)

    # Check your answers, the declaration (refused unticked), submission.
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(heading(page)).to_have_text("Check your answers before submitting the super-complaint")
    expect(page.get_by_text("All forces in England and Wales")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Continue to the declaration").click()
    page.get_by_role("button", name="Submit super-complaint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that the information is accurate")
    assert_accessible(page)
    page.get_by_label(
        re.compile("I confirm that the information in this super-complaint is accurate")
    ).check()
    page.get_by_role("button", name="Submit super-complaint").click()

    complaint = SuperComplaint.objects.get(is_historical=False)
    expect(page).to_have_url(f"{base}/portal/complaints/{complaint.reference}/submitted/")
    expect(page.locator(".govuk-panel__body")).to_have_text(
        re.compile(rf"Your reference is\s*{complaint.reference}")
    )
    expect(page.get_by_text("must acknowledge the super-complaint by the end of")).to_be_visible()
    page.get_by_text("How this date is worked out").click()
    expect(page.locator(".govuk-details__text")).to_contain_text("5 working days")
    assert_accessible(page)

    assert complaint.state == ComplaintState.RECEIVED
    assert complaint.forces_scope == ForcesScope.ALL
    assert list(complaint.features.order_by("position").values_list("text", flat=True)) == features
    assert complaint.features.get(position=1).harms.count() == 2
    assert sorted(complaint.evidence_items.values_list("document__content_type", flat=True)) == [
        "application/pdf",
        "image/png",
        "text/csv",
    ]
    assert AuditEvent.objects.filter(action="complaint.submitted", object_id=str(complaint.pk)).count() == 1

    # Hestia reads the letter sent to it.
    letter = acknowledgement_letter(complaint)
    page.get_by_role("link", name="View your super-complaint").click()
    expect(heading(page)).to_have_text("Police response to victims of modern slavery")
    expect(page.locator("main .govuk-tag").first).to_have_text("Received")
    assert_accessible(page)
    page.get_by_role(
        "link", name=f"Acknowledgement of super-complaint {complaint.reference}", exact=True
    ).click()
    expect(page.get_by_text(f"The reference of your complaint is {complaint.reference}.")).to_be_visible()
    assert_accessible(page)
    pdf = page.request.get(f"{base}/portal/complaints/{complaint.reference}/letters/{letter.pk}.pdf")
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF-")

    # The withdrawal page, and its error state, without withdrawing.
    page.goto(f"{base}/portal/complaints/{complaint.reference}/withdraw/")
    page.get_by_role("button", name="Withdraw super-complaint").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the body is withdrawing")
    assert_accessible(page)

    # Liberty, signed in elsewhere, finds none of it.
    _liberty, liberty_device = member("policy@liberty.example", "Liberty")
    other = browser.new_context()
    liberty = other.new_page()
    sign_in(liberty, base, "policy@liberty.example", liberty_device, "/portal/")
    expect(liberty.get_by_text("You have no drafts.")).to_be_visible()
    for url in (
        draft_url,
        f"{draft_url}about/",
        f"{base}/portal/complaints/{complaint.reference}/",
        f"{base}/portal/complaints/{complaint.reference}/letters/{letter.pk}/",
        f"{base}/portal/evidence/{complaint.evidence_items.first().pk}/download/",
    ):
        response = liberty.goto(url)
        assert response.status == 404, url
    expect(liberty.get_by_role("heading", level=1)).to_have_text("Page not found")
    liberty.goto(f"{base}/portal/complaints/{complaint.reference}/")
    assert_accessible(liberty)
    other.close()
