"""What an uploaded evidence file must be: one of a few document types, checked by its content as
well as its name, and no larger than the limit.

A name can say anything, so the type is also read from the bytes: a PNG renamed ``report.pdf`` or a
text file named ``.pdf`` is refused. The checks read only what they need (a signature, a ZIP's
directory, a short ``mimetype`` entry), except for text, which is decoded in full to be sure it is
text. Nothing is ever extracted or executed.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# SI 2018/748 reg 4(2)(c) asks for the evidence relied on; 25 MB holds a long report with images.
DEFAULT_MAX_FILE_SIZE = 25 * 1024 * 1024

PDF_SIGNATURE = b"%PDF-"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    """An accepted type: how people know it, its file name endings, and what its content must be."""

    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    # The content family the bytes must belong to (see ``content_kind``).
    content: str


ACCEPTED_TYPES: tuple[FileType, ...] = (
    FileType("pdf", "PDF", (".pdf",), "application/pdf", "pdf"),
    FileType(
        "docx",
        "DOCX",
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    FileType("odt", "ODT", (".odt",), "application/vnd.oasis.opendocument.text", "odt"),
    FileType(
        "xlsx",
        "XLSX",
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    FileType("ods", "ODS", (".ods",), "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    FileType("csv", "CSV", (".csv",), "text/csv", "text"),
    FileType("txt", "TXT", (".txt",), "text/plain", "text"),
    FileType("png", "PNG", (".png",), "image/png", "png"),
    FileType("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg", "jpeg"),
)

# What the bytes turned out to be, for telling someone why a file was refused.
_CONTENT_NAMES = {
    "pdf": gettext_lazy("a PDF"),
    "png": gettext_lazy("a PNG image"),
    "jpeg": gettext_lazy("a JPEG image"),
    "docx": gettext_lazy("a Word document (DOCX)"),
    "xlsx": gettext_lazy("an Excel spreadsheet (XLSX)"),
    "odt": gettext_lazy("an OpenDocument text (ODT)"),
    "ods": gettext_lazy("an OpenDocument spreadsheet (ODS)"),
    "zip": gettext_lazy("a ZIP archive"),
    "text": gettext_lazy("plain text"),
}


class UploadRejected(ValueError):
    """A file that cannot be accepted. The message is written for the person who chose it."""


def max_file_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE))


def size_label(size: int) -> str:
    """A size as people read it: "25 MB", "1.5 MB", "312 KB"."""
    if size >= 1024 * 1024:
        value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
        return _("%(value)s MB") % {"value": value}
    return _("%(value)s KB") % {"value": max(1, round(size / 1024))}


def accepted_labels() -> str:
    """ "PDF, DOCX, ODT, XLSX, ODS, CSV, TXT, PNG or JPEG", for hints and error messages."""
    labels = [t.label for t in ACCEPTED_TYPES]
    return _("%(list)s or %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def accepted_extensions() -> str:
    """For the file input's ``accept`` attribute: ".pdf,.docx,…"."""
    return ",".join(ext for t in ACCEPTED_TYPES for ext in t.extensions)


def type_for_name(name: str) -> FileType | None:
    lowered = name.lower()
    for file_type in ACCEPTED_TYPES:
        if any(lowered.endswith(ext) for ext in file_type.extensions):
            return file_type
    return None


def _read_head(file: IO[bytes], size: int) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _zip_kind(file: IO[bytes]) -> str:
    """Tell apart the office formats that are ZIP containers, from their directory of parts."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    # The ODF mimetype entry is a few dozen bytes; never read more than that.
                    declared = entry.read(100).decode("ascii", errors="replace").strip()
                if declared in ODF_MIMETYPES:
                    return ODF_MIMETYPES[declared]
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError):
        return "unreadable"
    finally:
        file.seek(0)
    return "zip"


def _is_text(file: IO[bytes]) -> bool:
    """UTF-8 (with or without a byte-order mark) all the way through, and no NUL bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    file.seek(0)
    try:
        while chunk := file.read(_CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def content_kind(file: IO[bytes]) -> str:
    """What the bytes are: pdf, png, jpeg, docx, xlsx, odt, ods, zip, text, or unknown."""
    head = _read_head(file, 16)
    if head.startswith(PDF_SIGNATURE):
        return "pdf"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if head.startswith(ZIP_SIGNATURE):
        kind = _zip_kind(file)
        return "unknown" if kind == "unreadable" else kind
    if _is_text(file):
        return "text"
    return "unknown"


def check_upload(upload: UploadedFile) -> FileType:
    """The accepted type of ``upload``, or ``UploadRejected`` saying why not.

    The file must be no larger than the limit, not empty, named with an accepted ending, and its
    content must be of the type its name says.
    """
    limit = max_file_size()
    size = upload.size or 0
    if size > limit:
        raise UploadRejected(
            _("The selected file must be %(limit)s or smaller. “%(name)s” is too large.")
            % {"limit": size_label(limit), "name": upload.name}
        )
    if size == 0:
        raise UploadRejected(_("The selected file is empty. Choose a file that has something in it."))
    file_type = type_for_name(upload.name or "")
    if file_type is None:
        raise UploadRejected(
            _("The selected file must be a %(types)s. “%(name)s” is not one of these.")
            % {"types": accepted_labels(), "name": upload.name}
        )
    if upload.file is None:
        raise UploadRejected(_("The selected file could not be read. Choose it again."))
    found = content_kind(upload.file)
    if found != file_type.content:
        what = _CONTENT_NAMES.get(found)
        if what:
            detail = _("Its name says %(label)s but its content is %(what)s.") % {
                "label": file_type.label,
                "what": what,
            }
        else:
            detail = _("Its name says %(label)s but its content is not a %(label)s file.") % {
                "label": file_type.label
            }
        raise UploadRejected(
            _("“%(name)s” is not a real %(label)s file. %(detail)s The selected file must be a %(types)s.")
            % {"name": upload.name, "label": file_type.label, "detail": detail, "types": accepted_labels()}
        )
    return file_type
