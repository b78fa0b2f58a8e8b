"""What an uploaded evidence file must be: one of a few document types, checked by its content as
well as its name, and no larger than the limit.

A name can say anything, so the type is also read from the bytes: a PNG renamed ``report.pdf`` or a
text file named ``.pdf`` is refused. The checks read only what they need (a signature, a ZIP's
directory, a short ``mimetype`` entry), except for text, which is decoded in full to be sure it is
text. Nothing is ever extracted or executed.

Beyond the type, every file is treated as hostile (issue 12; docs/decisions/0021-document-store.md):

- an executable, HTML or SVG is never accepted, whatever it is called;
- a file that is two formats at once (a PDF, PNG or JPEG with HTML in its first kilobyte, or with a
  ZIP archive inside) is refused;
- OOXML and ODF archives are decompressed in a stream, never written anywhere, and refused when
  they hold more than 1,000 entries, unpack to more than 250 MB, or compress by more than 100:1
  (each entry and the whole, for anything larger than 1 MB unpacked); or when they carry macros
  (``vbaProject.bin`` or a macro-enabled content type, ODF ``Basic/`` or ``Scripts/``) or encrypted
  entries;
- a PDF with active content (JavaScript, an action when opened, a launch, embedded files, automatic
  actions) is accepted but flagged, so staff are told before they open it.
"""

from __future__ import annotations

import codecs
import logging
import re
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
logger = logging.getLogger(__name__)

# Archive limits for OOXML and ODF (zip bombs): entries, unpacked total, compression ratio.
MAX_ARCHIVE_ENTRIES = 1000
MAX_ARCHIVE_UNPACKED = 250 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Below this unpacked size an entry (or a whole archive) is too small to be a bomb; tiny parts of
# repeated whitespace compress by more than 100:1 in real documents.
RATIO_FLOOR = 1024 * 1024
ZIP_KINDS = {"docx", "xlsx", "odt", "ods", "zip"}

# Markup that makes a browser treat bytes as a page: refused in text, and in the head of a binary.
_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|body|script|svg|iframe|object|embed|meta)\b", re.I)
_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O and Java class files
)
_MACRO_CONTENT_TYPE = re.compile(rb"macroEnabled|vbaProject|vnd\.ms-office\.activeX", re.I)
_MACRO_DIRECTORIES = ("basic/", "scripts/")

# PDF names that make a document act rather than be read, and the flag each raises.
PDF_ACTIVE_NAMES = {
    "/JavaScript": "javascript",
    "/JS": "javascript",
    "/OpenAction": "open_action",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded_file",
    "/EmbeddedFiles": "embedded_file",
    "/AA": "additional_actions",
}
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_PDF_WALK_LIMIT = 200_000


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
    "executable": gettext_lazy("a program"),
    "html": gettext_lazy("a web page (HTML)"),
    "svg": gettext_lazy("an SVG image"),
}


class UploadRejected(ValueError):
    """A file that cannot be accepted. ``str(error)`` is written for the person who chose it and
    can be shown on the page as it is (it names the file and says what to do)."""


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found: the accepted type, and any flags for staff (``Document.flags``)."""

    file_type: FileType
    flags: tuple[str, ...] = ()


def max_file_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE))


def max_submission_size() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_SUBMISSION_SIZE", 200 * 1024 * 1024))


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
    """What the bytes are: pdf, png, jpeg, docx, xlsx, odt, ods, zip, executable, html, svg, text,
    or unknown."""
    head = _read_head(file, 1024)
    # A program's header always has NUL bytes in its first kilobyte; text starting "MZ" does not.
    if head.startswith(_EXECUTABLE_SIGNATURES) and b"\x00" in head:
        return "executable"
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
        if _MARKUP.search(head):
            return "svg" if re.search(rb"<\s*svg\b", head, re.I) else "html"
        return "text"
    return "unknown"


def _rejected(name: str, reason: str) -> UploadRejected:
    return UploadRejected(
        _("“%(name)s” cannot be accepted. %(reason)s Choose a different file.")
        % {"name": name, "reason": reason}
    )


def check_polyglot(file: IO[bytes], name: str, kind: str) -> None:
    """Refuse a PDF, PNG or JPEG that is also a web page or a ZIP archive (a polyglot)."""
    if kind not in ("pdf", "png", "jpeg"):
        return
    if _MARKUP.search(_read_head(file, 1024)):
        raise _rejected(name, _("It is two kinds of file at once: it has web page code (HTML) in it."))
    try:
        also_zip = zipfile.is_zipfile(file)
    finally:
        file.seek(0)
    if also_zip:
        raise _rejected(name, _("It is two kinds of file at once: it has a ZIP archive inside it."))


def check_archive(file: IO[bytes], name: str) -> None:
    """Refuse a zip bomb, an archive with macros, or an encrypted archive (OOXML and ODF).

    Each entry is decompressed in a stream and counted, so sizes the archive claims for itself are
    not trusted; nothing is written anywhere.
    """
    too_big = _("It unpacks to more than %(limit)s, which documents do not need.") % {
        "limit": size_label(MAX_ARCHIVE_UNPACKED)
    }
    ratio = _("It is compressed more than %(ratio)d to 1, which real documents are not.") % {
        "ratio": MAX_COMPRESSION_RATIO
    }
    macros = _("It contains macros, which can run programs. Save it as a document without macros.")
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise _rejected(
                    name, _("It holds more than %(count)d parts.") % {"count": MAX_ARCHIVE_ENTRIES}
                )
            for entry in entries:
                lowered = entry.filename.lower()
                if lowered.rsplit("/", 1)[-1] == "vbaproject.bin" or lowered.startswith(_MACRO_DIRECTORIES):
                    raise _rejected(name, macros)
                if entry.flag_bits & 0x1:
                    raise _rejected(name, _("It is protected with a password, so it cannot be checked."))
            compressed_total = sum(entry.compress_size for entry in entries)
            unpacked_total = 0
            for entry in entries:
                unpacked = 0
                with archive.open(entry) as stream:
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        unpacked_total += len(chunk)
                        if unpacked_total > MAX_ARCHIVE_UNPACKED:
                            raise _rejected(name, too_big)
                        if unpacked > RATIO_FLOOR and unpacked > MAX_COMPRESSION_RATIO * max(
                            entry.compress_size, 1
                        ):
                            raise _rejected(name, ratio)
                        if entry.filename == "[Content_Types].xml" and _MACRO_CONTENT_TYPE.search(chunk):
                            raise _rejected(name, macros)
            if unpacked_total > RATIO_FLOOR and unpacked_total > MAX_COMPRESSION_RATIO * max(
                compressed_total, 1
            ):
                raise _rejected(name, ratio)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        raise _rejected(name, _("It is damaged and cannot be read.")) from None
    finally:
        file.seek(0)


def _decode_name(raw: bytes) -> str:
    # PDF names may spell a letter as #xx (/J#61vaScript is /JavaScript).
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _raw_pdf_flags(file: IO[bytes]) -> set[str]:
    found: set[str] = set()
    file.seek(0)
    tail = b""
    try:
        while chunk := file.read(_CHUNK):
            window = tail + chunk
            for match in _PDF_NAME.finditer(window):
                flag = PDF_ACTIVE_NAMES.get(_decode_name(match.group()))
                if flag:
                    found.add(flag)
            tail = window[-32:]
    finally:
        file.seek(0)
    return found


def _parsed_pdf_flags(file: IO[bytes]) -> set[str]:
    """Names in the document's object tree, compressed object streams included (pypdf)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    try:
        reader = PdfReader(file, strict=False)
        todo: list[object] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        steps = 0
        while todo and steps < _PDF_WALK_LIMIT:
            steps += 1
            node = todo.pop()
            if isinstance(node, IndirectObject):
                ref = (node.idnum, node.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                node = node.get_object()
            if isinstance(node, DictionaryObject):
                for key, value in node.items():
                    flag = PDF_ACTIVE_NAMES.get(str(key))
                    if flag:
                        found.add(flag)
                    todo.append(value)
            elif isinstance(node, ArrayObject):
                todo.extend(node)
            elif isinstance(node, NameObject):
                flag = PDF_ACTIVE_NAMES.get(str(node))
                if flag:
                    found.add(flag)
    except Exception:
        # A PDF pypdf cannot read still has the raw scan's flags.
        logger.info("pdf active-content walk stopped early", exc_info=True)
    finally:
        file.seek(0)
    return found


def pdf_active_content(file: IO[bytes]) -> tuple[str, ...]:
    """The active-content flags of a PDF (codes of ``evidence.models.FLAG_LABELS``), sorted."""
    return tuple(sorted(_raw_pdf_flags(file) | _parsed_pdf_flags(file)))


def check_upload(upload: UploadedFile) -> FileType:
    """The accepted type of ``upload``, or ``UploadRejected`` saying why not (see ``inspect``)."""
    return inspect(upload).file_type


def inspect(upload: UploadedFile) -> CheckedUpload:
    """Every check on ``upload``: its type and flags, or ``UploadRejected`` saying why not.

    The file must be no larger than the limit, not empty, named with an accepted ending, its
    content must be of the type its name says and nothing else besides, an archive must be no bomb
    and carry no macros; a PDF's active content is flagged. (The virus scan is separate:
    ``evidence.scanning``.)
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
    if found in ("executable", "html", "svg"):
        raise _rejected(
            upload.name or "",
            _("Its content is %(what)s, not a %(label)s file.")
            % {"what": _CONTENT_NAMES[found], "label": file_type.label},
        )
    if found in ZIP_KINDS and file_type.content in ZIP_KINDS:
        check_archive(upload.file, upload.name or "")
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
    check_polyglot(upload.file, upload.name or "", found)
    flags = pdf_active_content(upload.file) if found == "pdf" else ()
    return CheckedUpload(file_type=file_type, flags=flags)
