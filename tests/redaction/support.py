"""Responses and documents to redact, built through the services, for the redaction tests."""

from __future__ import annotations

import io
import subprocess
import tempfile

from calls.models import CallForEvidence, CallResponse
from calls.services import submit_response
from complaints.models import SuperComplaint
from evidence.models import Document
from evidence.services import extract_document_text, store_document
from tests.calls.support import open_now
from tests.evidence import documents
from tests.evidence.files import upload

EMAIL = "jane.doe@example.org"
PHONE = "07700 900123"
POSTCODE = "M1 1AE"
NAME = "Jane Doe"
HELPLINE = "08000 121 700"  # a public helpline: found as a phone number, but kept
FIRST = (
    f"My name is {NAME}. I reported it at the station near {POSTCODE}. "
    f"They said to e-mail {EMAIL} or ring {PHONE}, and nobody called back."
)
SECOND = f"The Modern Slavery Helpline on {HELPLINE} helped. {NAME} would tell others to ring them."
REMOVED = [EMAIL, PHONE, POSTCODE, NAME]


def a_response(call: CallForEvidence | None = None) -> CallResponse:
    """A response to an open call whose answers hold an e-mail address, a phone number, a postcode,
    a name (twice) and a public helpline's number."""
    call = call or open_now()
    first, second = call.questions.order_by("position")
    return submit_response(call, answers={first.pk: FIRST, second.pk: SECOND}, consent_given=True)


def as_evidence(complaint: SuperComplaint, name: str, content: bytes, content_type: str) -> Document:
    """A stored document, as evidence of ``complaint``, with its text extracted."""
    document = store_document(upload(name, content, content_type))
    complaint.evidence_items.create(description="An account", document=document, position=1)
    extract_document_text(document.pk)
    return Document.objects.get(pk=document.pk)


def pdf_with(*paragraphs: str) -> bytes:
    """A real PDF of the paragraphs, made by WeasyPrint."""
    from common.pdf import render_pdf

    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return render_pdf(
        f"<!DOCTYPE html><html lang='en'><head><title>Account</title></head><body>{body}</body></html>"
    )


def docx_with(*paragraphs: str) -> bytes:
    return documents.docx(*paragraphs)


def pdftotext(data: bytes) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a person copying from it gets)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True, text=True
        ).stdout


def pypdf_text(data: bytes) -> str:
    """Every page's text, and the document's metadata, as pypdf reads them."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() or "" for page in reader.pages) + " " + str(reader.metadata)
