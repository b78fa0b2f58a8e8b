"""Uploading evidence to a draft, removing it, and downloading it: checked, stored, audited."""

import hashlib
import re

import pytest
from django.core.files.storage import storages
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from audit.models import AuditEvent
from complaints import drafts
from evidence.models import Document
from tests.builders import org
from tests.evidence import corpus, files
from tests.evidence.files import upload

pytestmark = pytest.mark.django_db

ACCEPTED = "PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG"


@pytest.fixture
def draft(hestia_user):
    return drafts.create_draft(org("Hestia"), hestia_user)


def post_file(client, draft, name, content, description="Our report, March 2019"):
    return client.post(
        f"/portal/drafts/{draft.pk}/evidence/", {"file": upload(name, content), "description": description}
    )


def test_uploading_a_pdf_stores_it_under_a_random_key_and_lists_it(hestia, draft):
    content = files.pdf_bytes()
    response = post_file(hestia, draft, "Underground lives.pdf", content)
    assertRedirects(response, f"/portal/drafts/{draft.pk}/evidence/", fetch_redirect_response=False)
    item = draft.evidence_items.get()
    document = item.document
    digest = hashlib.sha256(content).hexdigest()
    assert (item.description, item.position) == ("Our report, March 2019", 1)
    assert (document.original_name, document.content_type, document.size, document.sha256) == (
        "Underground lives.pdf",
        "application/pdf",
        len(content),
        digest,
    )
    assert re.fullmatch(r"documents/([0-9a-f]{2})/\1[0-9a-f]{30}", document.file.name)
    assert document.uploaded_by.email == "policy@hestia.example"
    draft.refresh_from_db()
    assert draft.version == 2
    assert AuditEvent.objects.get(action="complaint.evidence_added").after == {
        "item": item.pk,
        "document": document.pk,
        "name": "Underground lives.pdf",
    }
    page = hestia.get(response["Location"])
    assertContains(page, "“Underground lives.pdf” has been uploaded.")
    assertContains(
        page,
        f'<a class="govuk-link" href="/portal/evidence/{item.pk}/download/">Underground lives.pdf'
        '<span class="govuk-visually-hidden"> (download)</span></a>',
        html=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            files.png_bytes(),
            f"“report.pdf” is not a real PDF file. Its name says PDF but its content is a PNG image. "
            f"The selected file must be a {ACCEPTED}.",
        ),
        (
            "report.pdf",
            files.plain_zip_bytes(),
            f"“report.pdf” is not a real PDF file. Its name says PDF but its content is a ZIP archive. "
            f"The selected file must be a {ACCEPTED}.",
        ),
        (
            "report.pdf",
            b"This is only text pretending to be a PDF.\n",
            f"“report.pdf” is not a real PDF file. Its name says PDF but its content is plain text. "
            f"The selected file must be a {ACCEPTED}.",
        ),
        (
            "script.exe",
            b"MZ\x90\x00",
            f"The selected file must be a {ACCEPTED}. “script.exe” is not one of these.",
        ),
        ("empty.txt", b"", "The selected file is empty. Choose a file that has something in it."),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_with_a_clear_message(
    hestia, draft, name, content, message
):
    response = post_file(hestia, draft, name, content, description="What I typed about it")
    assert response.status_code == 200
    assertContains(response, f'<a href="#id_file">{message}</a>', html=True)
    assertContains(response, "What I typed about it</textarea>")
    assertContains(response, "<title>Error: Evidence – Police super-complaints</title>", html=True)
    assert Document.objects.count() == 0
    assert draft.evidence_items.count() == 0


def test_a_file_over_25_mb_is_refused_with_a_clear_message_not_an_error_page(hestia, draft):
    content = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024 - 8)
    response = post_file(hestia, draft, "huge.pdf", content)
    assert response.status_code == 200
    assertContains(
        response,
        '<a href="#id_file">The selected file must be 25 MB or smaller. “huge.pdf” is too large.</a>',
        html=True,
    )
    assert Document.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        (
            "report.docx",
            corpus.zip_bomb_docx,
            "It is compressed more than 100 to 1, which real documents are not.",
        ),
        ("report.docx", corpus.docm_renamed_docx, "It contains macros, which can run programs."),
        ("report.pdf", corpus.html_pdf_polyglot, "It is two kinds of file at once"),
        ("chart.png", corpus.svg_with_script, "Its content is an SVG image, not a PNG file."),
    ],
)
def test_a_hostile_file_gets_its_message_on_the_page_and_nothing_is_stored(hestia, draft, name, make, reason):
    response = post_file(hestia, draft, name, make(), description="What I typed about it")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"“{name}” cannot be accepted. {reason}" in page
    assert 'href="#id_file"' in page
    assert "What I typed about it</textarea>" in page
    assert Document.objects.count() == 0
    assert draft.evidence_items.count() == 0
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_a_complaints_files_together_may_hold_at_most_the_submission_limit(hestia, draft, settings):
    settings.EVIDENCE_MAX_SUBMISSION_SIZE = 100
    assert post_file(hestia, draft, "first.txt", b"a" * 60).status_code == 302
    response = post_file(hestia, draft, "second.txt", b"b" * 60)
    assert response.status_code == 200
    assertContains(
        response,
        "“second.txt” cannot be added: the evidence for one complaint must be 1 KB or smaller in total.",
    )
    assert [i.document.original_name for i in draft.evidence_items.all()] == ["first.txt"]
    assert Document.objects.count() == 1


def test_the_submission_limit_holds_in_the_service_too(draft, settings):
    from complaints.services import ComplaintError
    from evidence.services import store_document

    settings.EVIDENCE_MAX_SUBMISSION_SIZE = 100
    drafts.add_evidence(draft, document=store_document(upload("a.txt", b"a" * 60)), description="A")
    late = store_document(upload("b.txt", b"b" * 60))  # stored without the total, as a racing upload
    with pytest.raises(ComplaintError, match="must be 1 KB or smaller in total"):
        drafts.add_evidence(draft, document=late, description="B")
    assert draft.evidence_items.count() == 1


def test_a_file_and_a_description_are_both_needed(hestia, draft):
    response = hestia.post(f"/portal/drafts/{draft.pk}/evidence/", {"description": ""})
    assertContains(response, '<a href="#id_file">Select a file</a>', html=True)
    assertContains(response, '<a href="#id_description">Describe the file and what it shows</a>', html=True)


def test_the_file_input_names_the_accepted_types(hestia, draft):
    page = hestia.get(f"/portal/drafts/{draft.pk}/evidence/")
    assertContains(page, 'accept=".pdf,.docx,.odt,.xlsx,.ods,.csv,.txt,.png,.jpg,.jpeg"')
    assertContains(page, f"A {ACCEPTED} file, 25 MB or smaller. Upload one file at a time.")
    assertContains(page, 'enctype="multipart/form-data"')


def test_removing_evidence_asks_first_then_deletes_the_file(
    hestia, draft, django_capture_on_commit_callbacks
):
    post_file(hestia, draft, "notes.txt", b"Some notes")
    item = draft.evidence_items.get()
    stored = item.document.file.name
    page = hestia.get(f"/portal/drafts/{draft.pk}/evidence/{item.pk}/remove/")
    assertContains(page, "Are you sure you want to remove this file?")
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = hestia.post(
            f"/portal/drafts/{draft.pk}/evidence/{item.pk}/remove/", {"version": draft.version}
        )
    assertRedirects(response, f"/portal/drafts/{draft.pk}/evidence/", fetch_redirect_response=False)
    assert draft.evidence_items.count() == 0
    assert Document.objects.count() == 0
    assert not storages["documents"].exists(stored)
    assert AuditEvent.objects.get(action="complaint.evidence_removed").before["name"] == "notes.txt"
    assert AuditEvent.objects.filter(action="document.deleted").count() == 1


def test_a_stale_removal_is_refused(hestia, draft):
    post_file(hestia, draft, "notes.txt", b"Some notes")
    item = draft.evidence_items.get()
    response = hestia.post(f"/portal/drafts/{draft.pk}/evidence/{item.pk}/remove/", {"version": 1})
    assertContains(response, "Someone else saved changes to this complaint after you opened this page.")
    assert draft.evidence_items.count() == 1


def test_a_download_is_recorded_and_served_as_an_attachment_of_the_proven_type(hestia, draft):
    content = files.csv_bytes()
    post_file(hestia, draft, "figures.csv", content)
    item = draft.evidence_items.get()
    response = hestia.get(f"/portal/evidence/{item.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "text/csv"
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"figures.csv\"; filename*=UTF-8''figures.csv"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Security-Policy"] == "sandbox"
    event = AuditEvent.objects.get(action="document.viewed")
    assert (event.kind, event.object_id, event.actor_label) == (
        "access",
        str(item.document.pk),
        "policy@hestia.example",
    )


def test_another_body_cannot_download_and_nothing_is_recorded(hestia, liberty, draft):
    post_file(hestia, draft, "figures.csv", files.csv_bytes())
    item = draft.evidence_items.get()
    assert liberty.get(f"/portal/evidence/{item.pk}/download/").status_code == 404
    assert not AuditEvent.objects.filter(action="document.viewed").exists()
    assertNotContains(liberty.get("/portal/"), "figures.csv")
