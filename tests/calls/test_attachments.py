"""Files attached to a response to a call for evidence: checked and stored through the one document
store, linked to the response, refused with a clear message (answers kept, nothing stored), removed
again when the response is refused, and downloaded only by staff, with safe headers and an access
on the audit trail."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from audit.models import AuditEvent
from calls.models import CallResponse
from calls.services import MAX_FILES, CallError, close_call, submit_response
from evidence.models import Document, ScanStatus
from evidence.services import store_document
from public.calls import CallResponseForm
from tests.calls.support import open_now
from tests.casework.support import make_person, signed_in
from tests.evidence import corpus
from tests.evidence.files import pdf_bytes
from tests.evidence.test_downloads import assert_safe_headers
from tests.helpers import assert_valid_html
from tests.public.pages import main, text
from tests.public.test_calls import ANSWER, call_url, form_data

pytestmark = pytest.mark.django_db

NOTES = "I wrote down what the officer said.\n"


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Calls hang off complaints on the shipped public record."""


def storage():
    return Document._meta.get_field("file").storage  # type: ignore[attr-defined]


def a_file(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post(client, call, files, **overrides):
    return client.post(call_url(call), form_data(call, **overrides) | {"attachments": files})


def detail_url(response: CallResponse) -> str:
    return f"/casework/calls-for-evidence/responses/{response.pk}/"


def download_url(response: CallResponse, document: Document) -> str:
    return f"/casework/calls-for-evidence/responses/{response.pk}/documents/{document.pk}/"


def page_text(response) -> str:
    return text(main(response.content.decode())).replace("\u00a0", " ")


def test_the_form_offers_a_file_upload_with_the_kinds_the_limit_and_the_advice(client):
    call = open_now()
    html = client.get(call_url(call)).content.decode()
    assert '<form method="post" enctype="multipart/form-data" novalidate>' in html
    assert re.search(
        r'<input class="govuk-file-upload" id="id_attachments" name="attachments" type="file"'
        r' accept="\.pdf,\.docx,\.odt,\.xlsx,\.ods,\.csv,\.txt,\.png,\.jpg,\.jpeg" multiple'
        r' aria-describedby="id_attachments-hint"\s*>',
        html,
    )
    page = text(main(html))
    assert "Attach files (optional)" in page
    assert (
        "You can attach up to 3 files, each a PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG file of "
        "25 MB or smaller. Before you attach a file, take out any names, addresses or other details you "
        "do not want to share."
    ) in page


def test_a_response_with_files_stores_and_links_them_and_staff_download_them(client):
    call = open_now()
    sent = post(
        client,
        call,
        [a_file("Statement of Sam Survivor.pdf", pdf_bytes()), a_file("notes.txt", NOTES.encode())],
    )
    assert sent.status_code == 302
    receipt = client.get(sent["Location"])
    assert receipt.status_code == 200
    # The receipt says nothing of the files (their names can identify someone).
    body = receipt.content.decode()
    assert "Statement of Sam Survivor" not in body and "notes.txt" not in body

    response = CallResponse.objects.get()
    documents = sorted(response.documents.all(), key=lambda d: d.original_name)
    assert [(d.original_name, d.content_type, d.size, d.scan_status) for d in documents] == [
        ("Statement of Sam Survivor.pdf", "application/pdf", len(pdf_bytes()), ScanStatus.NOT_SCANNED),
        ("notes.txt", "text/plain", len(NOTES.encode()), ScanStatus.NOT_SCANNED),
    ]
    submitted = AuditEvent.objects.get(action="call_response.submitted")
    assert submitted.after["files"] == 2
    assert "Sam Survivor" not in str(submitted.after)
    uploaded = AuditEvent.objects.filter(action="document.uploaded").order_by("pk")
    assert uploaded.count() == 2
    assert all("original_name" not in event.after for event in uploaded)

    staff = signed_in(*make_person("team"))
    page = staff.get(detail_url(response))
    assert page.status_code == 200
    shown = page_text(page)
    pdf, notes = documents
    assert (
        f"Download Statement of Sam Survivor.pdf ({len(pdf_bytes())} bytes) PDF {len(pdf_bytes())} bytes"
        in shown
    )
    assert f"Download notes.txt ({len(NOTES.encode())} bytes) TXT {len(NOTES.encode())} bytes" in shown
    assert f'href="{download_url(response, pdf)}"' in page.content.decode()
    assert_valid_html(page.content.decode(), name="call-response-files.html")

    download = staff.get(download_url(response, notes))
    assert download.status_code == 200
    assert_safe_headers(download, content_type="text/plain", filename="notes.txt")
    assert b"".join(download.streaming_content) == NOTES.encode()
    viewed = AuditEvent.objects.filter(action="document.viewed", object_id=str(notes.pk))
    assert viewed.count() == 1
    assert viewed.get().actor_label == "team@hmicfrs.example"


def test_a_flagged_pdf_shows_its_flags_to_staff(client):
    call = open_now()
    assert post(client, call, [a_file("report.pdf", corpus.pdf_with_active_content())]).status_code == 302
    response = CallResponse.objects.get()
    assert response.documents.get().flags == ["embedded_file", "javascript", "open_action"]
    shown = page_text(signed_in(*make_person("team")).get(detail_url(response)))
    for label in [
        "Contains active content: embedded files",
        "Contains active content: JavaScript",
        "Contains active content: an action when opened",
    ]:
        assert label in shown


def test_a_renamed_executable_is_refused_with_the_message_nothing_stored_and_the_answers_kept(client):
    call = open_now()
    page = post(client, call, [a_file("statement.pdf", corpus.renamed_executable())], name="")
    assert page.status_code == 200
    html = page.content.decode()
    message = "“statement.pdf” cannot be accepted. Its content is a program, not a PDF file. Choose a different file."
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary is not None
    assert f'<a href="#id_attachments">{message}</a>' in summary.group(0)
    assert re.search(
        r'<p id="id_attachments-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        + re.escape(message)
        + "</p>",
        html,
    )
    assert "choose the files you want to attach again." in page_text(page)
    assert_valid_html(html, name="call-file-refused.html")
    assert ANSWER in html
    assert 'id="id_consent" name="consent" type="checkbox" value="on" checked' in html
    assert Document.objects.count() == 0
    assert CallResponse.objects.count() == 0
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_a_file_one_byte_over_the_limit_is_refused_and_nothing_stored(client):
    call = open_now()
    big = a_file("diary.txt", b"a" * (25 * 1024 * 1024 + 1))
    page = post(client, call, [big])
    assert page.status_code == 200
    shown = page_text(page)
    assert "The selected file must be 25 MB or smaller. “diary.txt” is too large." in shown
    assert ANSWER in page.content.decode()
    assert (Document.objects.count(), CallResponse.objects.count()) == (0, 0)


def test_a_file_at_the_limit_is_accepted(client):
    call = open_now()
    assert post(client, call, [a_file("diary.txt", b"a" * (25 * 1024 * 1024))]).status_code == 302
    assert CallResponse.objects.get().documents.get().size == 25 * 1024 * 1024


def test_more_than_three_files_are_refused(client):
    call = open_now()
    chosen = [a_file(f"note-{n}.txt", NOTES.encode()) for n in range(1, MAX_FILES + 2)]
    page = post(client, call, chosen)
    assert page.status_code == 200
    assert "Choose up to 3 files. You chose 4." in page_text(page)
    assert (Document.objects.count(), CallResponse.objects.count()) == (0, 0)


def test_an_other_error_keeps_the_answers_and_asks_for_the_files_again(client):
    call = open_now()
    page = post(client, call, [a_file("notes.txt", NOTES.encode())], consent="")
    assert page.status_code == 200
    shown = page_text(page)
    assert "Confirm that you agree to how we will use your answers" in shown
    assert (
        "Your answers have been kept, but files cannot be: choose the files you want to attach again."
        in shown
    )
    assert Document.objects.count() == 0
    # Without files, there is nothing to choose again.
    again = post(client, call, [], consent="")
    assert "choose the files you want to attach again" not in page_text(again)


def test_a_refused_response_removes_the_documents_it_stored(client, django_capture_on_commit_callbacks):
    call = open_now()
    close_call(call)
    with django_capture_on_commit_callbacks(execute=True):
        page = post(client, call, [a_file("Statement of Sam Survivor.txt", NOTES.encode())])
    assert page.status_code == 200
    assert "This call for evidence closed on" in page_text(page)
    assert (Document.objects.count(), CallResponse.objects.count()) == (0, 0)
    uploaded = AuditEvent.objects.get(action="document.uploaded")
    deleted = AuditEvent.objects.get(action="document.deleted")
    assert uploaded.object_id == deleted.object_id
    assert "original_name" not in deleted.before
    # The stored bytes went with the row.
    assert uploaded.after["file"]
    assert not storage().exists(uploaded.after["file"])


def test_the_service_refuses_too_many_files_or_too_much_and_links_what_it_takes(settings):
    call = open_now()
    first = call.questions.get(position=1)
    stored = [store_document(a_file(f"note-{n}.txt", NOTES.encode())) for n in range(1, 5)]
    with pytest.raises(CallError, match=re.escape("You can attach at most 3 files.")):
        submit_response(call, answers={first.pk: "An account"}, consent_given=True, documents=stored)
    settings.EVIDENCE_MAX_SUBMISSION_SIZE = 2 * len(NOTES.encode())
    with pytest.raises(CallError, match=re.escape("The files you attach must be 1 KB or smaller in total.")):
        submit_response(call, answers={first.pk: "An account"}, consent_given=True, documents=stored[:3])
    assert CallResponse.objects.count() == 0
    response = submit_response(
        call, answers={first.pk: "An account"}, consent_given=True, documents=stored[:2]
    )
    assert sorted(response.documents.values_list("original_name", flat=True)) == ["note-1.txt", "note-2.txt"]
    assert AuditEvent.objects.get(action="call_response.submitted").after["files"] == 2


def test_a_document_waiting_for_its_scan_has_no_link_and_no_download(client, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    settings.CLAMD_HOST = ""
    call = open_now()
    assert post(client, call, [a_file("notes.txt", NOTES.encode())]).status_code == 302
    response = CallResponse.objects.get()
    document = response.documents.get()
    assert document.scan_status == ScanStatus.PENDING
    staff = signed_in(*make_person("team"))
    page = staff.get(detail_url(response))
    assert "notes.txt: waiting for a virus scan, not yet available" in page_text(page)
    assert download_url(response, document) not in page.content.decode()
    assert staff.get(download_url(response, document)).status_code == 404
    assert not AuditEvent.objects.filter(action="document.viewed").exists()


@pytest.mark.parametrize("name", ["hestia", "force"])
def test_bodies_and_forces_cannot_download_a_file(client, name):
    call = open_now()
    assert post(client, call, [a_file("notes.txt", NOTES.encode())]).status_code == 302
    response = CallResponse.objects.get()
    document = response.documents.get()
    outsider = signed_in(*make_person(name))
    refused = outsider.get(download_url(response, document))
    assert refused.status_code == 404
    assert NOTES.encode() not in refused.content
    assert not AuditEvent.objects.filter(action="document.viewed").exists()


def test_the_public_is_sent_to_sign_in_and_another_response_s_file_is_a_404(client):
    call = open_now()
    assert post(client, call, [a_file("notes.txt", NOTES.encode())]).status_code == 302
    with_file = CallResponse.objects.get()
    document = with_file.documents.get()
    anonymous = client.get(download_url(with_file, document))
    assert anonymous.status_code == 302
    assert "/account/sign-in/" in anonymous["Location"]
    first = call.questions.get(position=1)
    other = submit_response(call, answers={first.pk: "Another account"}, consent_given=True)
    staff = signed_in(*make_person("team"))
    assert staff.get(download_url(other, document)).status_code == 404


def test_a_file_name_with_hidden_direction_characters_is_refused():
    # Through HTTP Django's upload parser may already drop them; the form refuses them regardless.
    call = open_now()
    files = MultiValueDict(
        {"attachments": [a_file("notes.txt", NOTES.encode()), a_file("a\u202etxt.exe.txt", b"x")]}
    )
    form = CallResponseForm(form_data(call), files, call=call)
    assert not form.is_valid()
    assert form.errors["attachments"] == [
        "The name of the selected file contains hidden characters that change the direction of text. "
        "Rename the file and choose it again."
    ]
    assert Document.objects.count() == 0


def test_the_welsh_form_has_the_field_in_welsh(client):
    call = open_now()
    html = client.get(call_url(call, "/cy")).content.decode()
    shown = text(main(html))
    assert "Atodi ffeiliau (dewisol)" in shown
    assert (
        "Gallwch atodi hyd at 3 ffeil, pob un yn ffeil PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG neu JPEG o "
        "25 MB neu’n llai. Cyn i chi atodi ffeil, tynnwch allan unrhyw enwau, cyfeiriadau neu fanylion "
        "eraill nad ydych am eu rhannu."
    ) in shown
    assert "Attach files" not in shown
