"""Metadata is stripped from what is published: PDF docinfo and XMP, image EXIF, office properties."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from evidence.metadata import strip_metadata
from evidence.services import publishable_copy, store_document
from tests.evidence import files
from tests.evidence.files import upload

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_with_metadata() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes())))
    writer.add_metadata({"/Author": "Jane Survivor", "/Creator": "Case notes v3", "/Title": "Statement"})
    writer.xmp_metadata = None
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert b"Jane Survivor" in data
    return data


def test_pdf_author_and_docinfo_are_removed_and_the_pages_kept():
    stripped = strip_metadata(pdf_with_metadata(), "application/pdf")
    assert b"Jane Survivor" not in stripped and b"Case notes" not in stripped
    reader = PdfReader(io.BytesIO(stripped))
    assert not reader.metadata
    assert "/Metadata" not in reader.trailer["/Root"]
    assert "Evidence for the super-complaint" in reader.pages[0].extract_text()


def test_pdf_xmp_metadata_is_removed():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes())))
    from pypdf.generic import DecodedStreamObject, NameObject

    xmp = DecodedStreamObject()
    xmp.set_data(b"<x:xmpmeta><dc:creator>Jane Survivor</dc:creator></x:xmpmeta>")
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    assert b"Jane Survivor" in out.getvalue()
    assert b"Jane Survivor" not in strip_metadata(out.getvalue(), "application/pdf")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x013B] = "Jane Survivor"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_jpeg_exif_and_gps_are_removed():
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as before:
        assert before.getexif()
    stripped = strip_metadata(data, "image/jpeg")
    assert b"Jane Survivor" not in stripped
    with Image.open(io.BytesIO(stripped)) as after:
        assert not after.getexif() and after.size == (8, 8)


def test_png_text_chunks_are_removed():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Survivor")
    out = io.BytesIO()
    Image.new("L", (4, 4)).save(out, format="PNG", pnginfo=info)
    stripped = strip_metadata(out.getvalue(), "image/png")
    assert b"Jane Survivor" not in stripped
    assert stripped.startswith(b"\x89PNG")


def docx_with_properties() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", files.CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document>the text</w:document>")
        archive.writestr(
            "docProps/core.xml",
            b"<cp:coreProperties><dc:creator>Jane Survivor</dc:creator>"
            b"<cp:revision>14</cp:revision></cp:coreProperties>",
        )
        archive.writestr("docProps/app.xml", b"<Properties><Company>Refuge North</Company></Properties>")
        archive.writestr("docProps/custom.xml", b"<Properties>Case 123</Properties>")
    return out.getvalue()


def test_office_properties_are_rewritten_blank_and_the_content_kept():
    stripped = strip_metadata(docx_with_properties(), DOCX)
    with zipfile.ZipFile(io.BytesIO(stripped)) as archive:
        assert b"Jane Survivor" not in archive.read("docProps/core.xml")
        assert b"Refuge North" not in archive.read("docProps/app.xml")
        assert "docProps/custom.xml" not in archive.namelist()
        assert archive.read("word/document.xml") == b"<w:document>the text</w:document>"


def test_odf_meta_is_rewritten_and_mimetype_stays_first_and_stored():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr(
            "meta.xml", b"<office:meta><meta:initial-creator>Jane Survivor</meta:initial-creator>"
        )
    stripped = strip_metadata(out.getvalue(), "application/vnd.oasis.opendocument.text")
    with zipfile.ZipFile(io.BytesIO(stripped)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert b"Jane Survivor" not in archive.read("meta.xml")


def test_publishable_copy_strips_and_leaves_the_stored_document_as_it_was():
    document = store_document(upload("statement.docx", docx_with_properties()))
    copy = publishable_copy(document)
    assert copy.name == "statement.docx"
    with zipfile.ZipFile(io.BytesIO(copy.read())) as archive:
        assert b"Jane Survivor" not in archive.read("docProps/core.xml")
    with document.file.open("rb") as stored:
        assert b"Jane Survivor" in zipfile.ZipFile(stored).read("docProps/core.xml")
