"""Removing who wrote a document, its revisions and where a photo was taken, before publishing.

``strip_metadata(data, content_type)`` returns the bytes without:

- PDF: the document information dictionary (author, creator, producer, dates) and the XMP
  metadata stream, rewritten with pypdf;
- JPEG and PNG: EXIF (GPS, camera, dates), XMP and text chunks, by re-encoding the pixels with
  Pillow (the orientation EXIF gave is applied to the pixels first);
- DOCX and XLSX: ``docProps/core.xml`` and ``docProps/app.xml`` rewritten blank,
  ``docProps/custom.xml`` dropped; ODT and ODS: ``meta.xml`` rewritten blank.

CSV and TXT carry no metadata and come back as they are. ``evidence.services.publishable_copy``
is the way to a published copy of a stored document.
"""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

BLANK_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
BLANK_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
BLANK_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' office:version="1.2"><office:meta/></office:document-meta>'
)
_OOXML_BLANK = {"docProps/core.xml": BLANK_CORE, "docProps/app.xml": BLANK_APP}
_OOXML_DROP = frozenset({"docProps/custom.xml"})
_ODF_BLANK = {"meta.xml": BLANK_ODF_META}


def strip_pdf(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    root = writer.root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if NameObject(key) in page:
                del page[NameObject(key)]
    # Remove the document information dictionary altogether (author, creator, dates).
    writer.metadata = None
    # Objects no longer referenced (the old XMP stream, the old information) are not written.
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def strip_image(data: bytes, image_format: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        out = io.BytesIO()
        if image_format == "JPEG":
            if image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=95)
        else:
            image.save(out, format="PNG")
    return out.getvalue()


def strip_archive(data: bytes, blank: dict[str, bytes], drop: frozenset[str] = frozenset()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            if entry.filename in drop:
                continue
            content = blank.get(entry.filename)
            if content is None:
                content = source.read(entry)
            info = zipfile.ZipInfo(entry.filename, date_time=(1980, 1, 1, 0, 0, 0))
            # ODF's mimetype entry must stay first and uncompressed.
            info.compress_type = zipfile.ZIP_STORED if entry.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """``data`` without its author, revision and location metadata (see the module's list)."""
    if content_type == "application/pdf":
        return strip_pdf(data)
    if content_type == "image/jpeg":
        return strip_image(data, "JPEG")
    if content_type == "image/png":
        return strip_image(data, "PNG")
    if content_type.startswith("application/vnd.openxmlformats-officedocument."):
        return strip_archive(data, _OOXML_BLANK, _OOXML_DROP)
    if content_type.startswith("application/vnd.oasis.opendocument."):
        return strip_archive(data, _ODF_BLANK)
    return data
