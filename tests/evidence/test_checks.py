"""Evidence files are checked by their content as well as their name, and by size."""

import pytest
from django.test import override_settings

from evidence import checks
from evidence.checks import UploadRejected, check_upload
from tests.evidence import files
from tests.evidence.files import upload

ACCEPTED = "PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG"


@pytest.mark.parametrize(
    ("name", "content", "key", "content_type"),
    [
        ("report.pdf", files.pdf_bytes(), "pdf", "application/pdf"),
        ("REPORT.PDF", files.pdf_bytes(), "pdf", "application/pdf"),
        ("photo.png", files.png_bytes(), "png", "image/png"),
        ("photo.jpg", files.jpeg_bytes(), "jpeg", "image/jpeg"),
        ("photo.jpeg", files.jpeg_bytes(), "jpeg", "image/jpeg"),
        (
            "statement.docx",
            files.docx_bytes(),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.xlsx",
            files.xlsx_bytes(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("statement.odt", files.odf_bytes("text"), "odt", "application/vnd.oasis.opendocument.text"),
        (
            "figures.ods",
            files.odf_bytes("spreadsheet"),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("figures.csv", files.csv_bytes(), "csv", "text/csv"),
        ("notes.txt", "Notes – with a dash, and “quotes”.\n".encode(), "txt", "text/plain"),
        ("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n", "csv", "text/csv"),
    ],
)
def test_each_accepted_type_passes_with_the_type_its_content_proves(name, content, key, content_type):
    found = check_upload(upload(name, content, content_type="application/x-whatever"))
    assert (found.key, found.content_type) == (key, content_type)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("report.pdf", files.png_bytes(), "Its name says PDF but its content is a PNG image."),
        ("report.pdf", files.plain_zip_bytes(), "Its name says PDF but its content is a ZIP archive."),
        (
            "report.pdf",
            b"Just some text, not a PDF at all.\n",
            "Its name says PDF but its content is plain text.",
        ),
        ("report.pdf", files.docx_bytes(), "Its name says PDF but its content is a Word document (DOCX)."),
        ("photo.png", files.jpeg_bytes(), "Its name says PNG but its content is a JPEG image."),
        ("photo.jpg", files.pdf_bytes(), "Its name says JPEG but its content is a PDF."),
        ("figures.xlsx", files.docx_bytes(), "Its name says XLSX but its content is a Word document (DOCX)."),
        ("statement.docx", files.plain_zip_bytes(), "Its name says DOCX but its content is a ZIP archive."),
        (
            "figures.ods",
            files.odf_bytes("text"),
            "Its name says ODS but its content is an OpenDocument text (ODT).",
        ),
        ("figures.csv", b"a,b\n\x00\x01\x02", "Its name says CSV but its content is not a CSV file."),
        ("notes.txt", b"caf\xe9 latin-1, not UTF-8", "Its name says TXT but its content is not a TXT file."),
        ("notes.txt", files.png_bytes(), "Its name says TXT but its content is a PNG image."),
        (
            "statement.docx",
            b"PK\x03\x04 not really a zip",
            "Its name says DOCX but its content is not a DOCX file.",
        ),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content, says):
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload(name, content))
    assert str(refused.value) == (
        f"“{name}” is not a real {name.rsplit('.', 1)[1].upper().replace('JPG', 'JPEG')} file. "
        f"{says} The selected file must be a {ACCEPTED}."
    )


def test_a_file_of_another_type_is_refused_naming_the_accepted_types():
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("macro.exe", b"MZ\x90\x00"))
    assert str(refused.value) == f"The selected file must be a {ACCEPTED}. “macro.exe” is not one of these."


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("empty.txt", b""))
    assert str(refused.value) == "The selected file is empty. Choose a file that has something in it."


def test_a_file_over_25_mb_is_refused_and_one_of_exactly_25_mb_is_accepted():
    limit = 25 * 1024 * 1024
    assert checks.max_file_size() == limit
    exact = b"%PDF-1.4\n" + b"0" * (limit - 9)
    assert check_upload(upload("big.pdf", exact)).key == "pdf"
    with pytest.raises(UploadRejected) as refused:
        check_upload(upload("bigger.pdf", exact + b"1"))
    assert str(refused.value) == "The selected file must be 25 MB or smaller. “bigger.pdf” is too large."


@override_settings(EVIDENCE_MAX_FILE_SIZE=1024)
def test_the_limit_comes_from_the_settings():
    with pytest.raises(UploadRejected, match="must be 1 KB or smaller"):
        check_upload(upload("notes.txt", b"x" * 1025))


def test_the_accepted_types_are_listed_for_hints_and_the_file_input():
    assert checks.accepted_labels() == ACCEPTED
    assert checks.accepted_extensions() == ".pdf,.docx,.odt,.xlsx,.ods,.csv,.txt,.png,.jpg,.jpeg"
    assert checks.size_label(25 * 1024 * 1024) == "25 MB"
    assert checks.size_label(1536 * 1024) == "1.5 MB"
    assert checks.size_label(2048) == "2 KB"
