"""The bad-file corpus (issue 12): each file is refused with a message that says why, and nothing
is stored: no Document row, no object in the documents store, no upload event."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile

from audit.models import AuditEvent
from evidence.checks import UploadRejected
from evidence.models import Document
from evidence.services import store_document
from tests.evidence import corpus
from tests.evidence.files import upload

pytestmark = pytest.mark.django_db


def stored_objects() -> list[str]:
    """Every object in the (in-memory) documents store, at any depth."""
    storage = storages["documents"]
    found: list[str] = []
    todo = [""]
    while todo:
        folder = todo.pop()
        directories, names = storage.listdir(folder)
        found += [f"{folder}/{name}".lstrip("/") for name in names]
        todo += [f"{folder}/{name}".lstrip("/") for name in directories]
    return found


def assert_nothing_stored() -> None:
    assert Document.objects.count() == 0
    assert stored_objects() == []
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


CORPUS = [
    pytest.param(
        "invoice.pdf",
        corpus.renamed_executable,
        "Its content is a program, not a PDF file.",
        id="renamed-exe",
    ),
    pytest.param(
        "report.pdf", corpus.elf_executable, "Its content is a program, not a PDF file.", id="renamed-elf"
    ),
    pytest.param(
        "report.pdf",
        corpus.html_pdf_polyglot,
        "It is two kinds of file at once: it has web page code (HTML) in it.",
        id="html-pdf-polyglot",
    ),
    pytest.param(
        "report.pdf",
        corpus.pdf_zip_polyglot,
        "It is two kinds of file at once: it has a ZIP archive inside it.",
        id="pdf-zip-polyglot",
    ),
    pytest.param(
        "report.docx",
        corpus.zip_bomb_docx,
        "It is compressed more than 100 to 1, which real documents are not.",
        id="zip-bomb-docx",
    ),
    pytest.param(
        "report.docx", corpus.many_entries_docx, "It holds more than 1000 parts.", id="too-many-entries"
    ),
    pytest.param(
        "report.docx",
        corpus.docm_renamed_docx,
        "It contains macros, which can run programs. Save it as a document without macros.",
        id="docm-renamed-docx",
    ),
    pytest.param(
        "report.docx",
        lambda: corpus.docm_renamed_docx(with_vba_project=False),
        "It contains macros",
        id="macro-content-type-only",
    ),
    pytest.param(
        "report.docx", corpus.vba_project_only_docx, "It contains macros", id="vba-project-any-case"
    ),
    pytest.param("minutes.odt", corpus.odt_with_basic_macros, "It contains macros", id="odt-basic-macros"),
    pytest.param(
        "chart.png",
        corpus.svg_with_script,
        "Its content is an SVG image, not a PNG file.",
        id="svg-with-script-as-png",
    ),
    pytest.param(
        "notes.txt",
        corpus.svg_with_script,
        "Its content is an SVG image, not a TXT file.",
        id="svg-as-txt",
    ),
    pytest.param(
        "notes.txt", corpus.html_page, "Its content is a web page (HTML), not a TXT file.", id="html-as-txt"
    ),
]


@pytest.mark.parametrize(("name", "make", "reason"), CORPUS)
def test_each_bad_file_is_refused_with_a_clear_message_and_nothing_is_stored(name, make, reason):
    with pytest.raises(UploadRejected) as refused:
        store_document(upload(name, make()))
    message = str(refused.value)
    assert name in message
    assert reason in message
    assert_nothing_stored()


def test_a_file_one_byte_over_25_mb_is_refused_and_nothing_is_stored(tmp_path):
    path = tmp_path / "big.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(25 * 1024 * 1024 + 1)  # sparse: the disk holds almost nothing
    with path.open("rb") as handle:
        big = UploadedFile(handle, name="big.pdf", content_type="application/pdf", size=path.stat().st_size)
        with pytest.raises(UploadRejected) as refused:
            store_document(big)
    assert str(refused.value) == "The selected file must be 25 MB or smaller. “big.pdf” is too large."
    assert_nothing_stored()


def test_a_file_exactly_25_mb_passes_the_size_check(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.write(b"a" * (25 * 1024 * 1024))
    with path.open("rb") as handle:
        document = store_document(UploadedFile(handle, name="big.txt", size=path.stat().st_size))
    assert document.size == 25 * 1024 * 1024
    assert stored_objects() == [document.file.name]
