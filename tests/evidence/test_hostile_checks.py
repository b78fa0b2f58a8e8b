"""The checks beyond the type: active content in PDFs is flagged, real documents still pass."""

from __future__ import annotations

import io
import zipfile

import pytest

from evidence import checks
from evidence.models import FLAG_LABELS
from evidence.services import store_document
from tests.evidence import corpus, files
from tests.evidence.files import upload

pytestmark = pytest.mark.django_db


def test_a_pdf_with_active_content_is_accepted_but_flagged_for_staff():
    document = store_document(upload("report.pdf", corpus.pdf_with_active_content()))
    assert document.flags == ["embedded_file", "javascript", "open_action"]
    assert document.flag_labels() == [
        "Contains active content: embedded files",
        "Contains active content: JavaScript",
        "Contains active content: an action when opened",
    ]


def test_a_hex_escaped_name_does_not_hide_a_launch_action():
    checked = checks.inspect(upload("report.pdf", corpus.pdf_with_hex_escaped_launch()))
    assert checked.flags == ("additional_actions", "launch")


def test_a_javascript_open_action_in_a_real_pdf_is_found():
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert checks.inspect(upload("report.pdf", data)).flags == ("javascript", "open_action")


def test_an_ordinary_pdf_has_no_flags():
    assert store_document(upload("report.pdf", files.pdf_bytes())).flags == []


def test_every_flag_has_a_label_for_staff():
    assert set(checks.PDF_ACTIVE_NAMES.values()) <= set(FLAG_LABELS)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", files.docx_bytes()),
        ("figures.xlsx", files.xlsx_bytes()),
        ("minutes.odt", files.odf_bytes("text")),
        ("figures.ods", files.odf_bytes("spreadsheet")),
        ("figures.csv", files.csv_bytes()),
        ("notes.txt", b"Less than <3 cases, see a<b in the table"),
        ("photo.png", files.png_bytes()),
        ("photo.jpg", files.jpeg_bytes()),
        ("MZ notes.txt", b"MZ stands for the two initials of the author\n"),
    ],
)
def test_real_documents_still_pass(name, content):
    assert checks.inspect(upload(name, content)).flags == ()


def test_an_office_document_with_a_large_but_ordinary_part_passes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", files.CONTENT_TYPES)
        # 2 MB of varied text compresses by far less than 100:1.
        archive.writestr(
            "word/document.xml", b"".join(f"<w:p>{n * 7919}</w:p>".encode() for n in range(150_000))
        )
    assert checks.inspect(upload("report.docx", out.getvalue())).file_type.key == "docx"


def test_an_archive_over_250_mb_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(checks, "MAX_ARCHIVE_UNPACKED", 1024 * 1024)
    monkeypatch.setattr(checks, "MAX_COMPRESSION_RATIO", 10**9)
    with pytest.raises(checks.UploadRejected, match="It unpacks to more than 1 MB"):
        checks.inspect(upload("report.docx", corpus.zip_bomb_docx(unpacked=2 * 1024 * 1024)))


def test_a_password_protected_archive_is_refused():
    data = bytearray(files.docx_bytes())
    # Set the "encrypted" bit in each entry's local header and central directory record.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset] |= 0x1
            start = found + 4
    with pytest.raises(checks.UploadRejected, match="protected with a password"):
        checks.inspect(upload("report.docx", bytes(data)))
