"""Text extraction in a bounded child process: every accepted format, the caps on characters and on
archive members, the time and memory limits, and the service that stores the outcome."""

from __future__ import annotations

import sys

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from evidence import extraction
from evidence.models import Document, ExtractionStatus, ScanStatus
from evidence.services import extract_document_text, extract_pending_texts, store_document
from tests.evidence import documents
from tests.evidence.files import pdf_bytes, png_bytes, upload


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (
            documents.docx("Referrals fell in 2025.", "Kent\t412", footer="Official – sensitive"),
            documents.DOCX,
            "Referrals fell in 2025.\nKent\t412\nOfficial – sensitive",
        ),
        (
            documents.odt("The  survivor was not believed.", "Second paragraph.", heading="Account"),
            documents.ODT,
            "Account\nThe  survivor was not believed.\nSecond paragraph.",
        ),
        (
            documents.xlsx([["Force", "Referrals"], ["Gwent Police", 31], ["Kent Police", 412.5]]),
            documents.XLSX,
            "Force\tReferrals\nGwent Police\t31\nKent Police\t412.5",
        ),
        (
            documents.ods([["Force", "Cases"], ["Dyfed-Powys Police", "7"]]),
            documents.ODS,
            "Force\tCases\nDyfed-Powys Police\t7",
        ),
        (
            pdf_bytes("Evidence of exploitation in Leeds"),
            "application/pdf",
            "Evidence of exploitation in Leeds",
        ),
        (
            "force,cases\nGwent Police,4\nMet – London,31\n".encode(),
            "text/csv",
            "force,cases\nGwent Police,4\nMet – London,31",
        ),
        ("Tystiolaeth – cyfrinachol\n".encode("cp1252"), "text/plain", "Tystiolaeth – cyfrinachol"),
    ],
    ids=["docx", "odt", "xlsx", "ods", "pdf", "csv", "txt-cp1252"],
)
def test_each_format_gives_its_text(content, content_type, expected):
    assert extraction.run(content, content_type) == extraction.Outcome("extracted", text=expected)


def test_an_image_has_no_text_and_a_broken_file_fails_without_raising():
    assert extraction.run(png_bytes(), "image/png") == extraction.Outcome(
        "unsupported", note="no text in this kind of file"
    )
    broken = extraction.run(b"%PDF-1.4\nnot really", "application/pdf")
    assert broken.status == "failed"
    assert broken.text == ""
    assert broken.note.startswith("the file could not be read (")
    assert extraction.run(b"PK\x03\x04 truncated", documents.DOCX).note == (
        "the file could not be read (zipfile.BadZipFile)"
    )


def test_a_huge_text_is_cut_at_the_character_cap(settings):
    settings.EVIDENCE_EXTRACT_MAX_CHARS = 1000
    outcome = extraction.run(b"abcd " * 100_000, "text/plain")
    assert outcome.status == "truncated"
    assert outcome.text == ("abcd " * 200).strip()
    assert outcome.note == "cut at 1,000 characters"


def test_an_archive_member_is_read_only_up_to_its_byte_cap(settings):
    # 2,000 paragraphs; only the first few kilobytes of document.xml are decompressed, and the
    # paragraphs complete within them are kept.
    paragraphs = [f"Paragraph {n} of the account." for n in range(2000)]
    settings.EVIDENCE_EXTRACT_MEMBER_BYTES = 4096
    outcome = extraction.run(documents.docx(*paragraphs), documents.DOCX)
    assert outcome.status == "extracted"
    kept = outcome.text.split("\n")
    assert kept[0] == "Paragraph 0 of the account."
    assert 10 < len(kept) < 100
    assert kept == paragraphs[: len(kept)]
    settings.EVIDENCE_EXTRACT_MEMBER_BYTES = 50 * 1024 * 1024
    assert extraction.run(documents.docx(*paragraphs), documents.DOCX).text.split("\n") == paragraphs


def test_a_parse_that_runs_past_the_time_limit_is_killed(settings):
    settings.EVIDENCE_EXTRACT_TIMEOUT = 1
    # A child that never finishes stands in for a parser caught in a hostile file.
    spinning = [sys.executable, "-I", "-c", "while True: pass"]
    outcome = extraction.run(b"text", "text/plain", command=spinning)
    assert outcome == extraction.Outcome("timed_out", note="stopped after 1 seconds")


def test_a_parse_that_swells_past_the_memory_limit_fails(settings):
    settings.EVIDENCE_EXTRACT_MEMORY = 256 * 1024 * 1024
    swelling = [sys.executable, "-I", "-c", "x = bytearray(1024 * 1024 * 1024)"]
    outcome = extraction.run(b"text", "text/plain", command=swelling)
    assert outcome == extraction.Outcome("failed", note="the memory limit was reached")


def test_text_never_keeps_the_characters_search_uses_for_marks():
    outcome = extraction.run("a\x00b\ue000c\ue001d\ue002e\ue003f".encode(), "text/plain")
    assert outcome.text == "abcdef"


@pytest.mark.django_db
def test_the_service_stores_the_text_and_records_why_without_the_text():
    document = store_document(upload("account.docx", documents.docx("Held in a cannabis farm.")))
    assert document.extraction_status == ExtractionStatus.PENDING
    extracted = extract_document_text(document.pk)
    assert extracted is not None
    document.refresh_from_db()
    assert document.extracted_text == "Held in a cannabis farm."
    assert document.extraction_status == ExtractionStatus.EXTRACTED
    assert document.text_extracted_at is not None
    event = AuditEvent.objects.get(action="document.text_extracted", object_id=str(document.pk))
    assert event.after["extraction_status"] == "extracted"
    assert event.after["characters"] == 24
    assert "cannabis" not in str(event.after)


@pytest.mark.django_db
def test_a_failed_file_keeps_empty_text_with_the_reason(settings):
    settings.EVIDENCE_EXTRACT_TIMEOUT = 1
    document = store_document(upload("notes.txt", b"plain words"))
    document.extracted_text = "stale"
    document.save(update_fields=["extracted_text"])
    original = extraction.child_command
    try:
        extraction.child_command = lambda *args: [sys.executable, "-I", "-c", "while True: pass"]  # type: ignore[assignment]
        extract_document_text(document.pk)
    finally:
        extraction.child_command = original  # type: ignore[assignment]
    document.refresh_from_db()
    assert (document.extracted_text, document.extraction_status, document.extraction_note) == (
        "",
        "timed_out",
        "stopped after 1 seconds",
    )


@pytest.mark.django_db
def test_only_released_documents_are_extracted():
    document = store_document(upload("notes.txt", b"words waiting for a scan"))
    for status in (ScanStatus.PENDING, ScanStatus.INFECTED):
        Document.objects.filter(pk=document.pk).update(scan_status=status)
        assert extract_document_text(document.pk) is None
        document.refresh_from_db()
        assert (document.extracted_text, document.extraction_status) == ("", ExtractionStatus.PENDING)
    assert extract_document_text(document.pk + 1000) is None


@pytest.mark.django_db
def test_the_sweep_extracts_every_released_document_without_text(capsys):
    first = store_document(upload("a.txt", b"first words"))
    second = store_document(upload("b.csv", b"x,y\n1,2\n"))
    image = store_document(upload("c.png", png_bytes()))
    waiting = store_document(upload("d.txt", b"not yet"))
    Document.objects.filter(pk=waiting.pk).update(scan_status=ScanStatus.PENDING)
    call_command("extract_texts")
    assert capsys.readouterr().out.strip() == "2 extracted, 1 unsupported"
    assert list(Document.objects.order_by("pk").values_list("extraction_status", flat=True)) == [
        "extracted",
        "extracted",
        "unsupported",
        "pending",
    ]
    assert Document.objects.get(pk=first.pk).extracted_text == "first words"
    assert Document.objects.get(pk=second.pk).extracted_text == "x,y\n1,2"
    assert image.pk
    assert extract_pending_texts() == {}


@pytest.mark.django_db(transaction=True)
def test_storing_a_released_document_queues_its_extraction_after_commit():
    # The test task backend runs a task as soon as it is queued: the text is there once stored.
    document = store_document(upload("account.odt", documents.odt("Found at a car wash.")))
    document.refresh_from_db()
    assert (document.extraction_status, document.extracted_text) == ("extracted", "Found at a car wash.")
