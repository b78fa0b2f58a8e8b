"""Hostile files, made in code (no binary blobs in the repository): each must be refused with a
clear message and leave nothing stored."""

from __future__ import annotations

import io
import zipfile

from tests.evidence import files

# The EICAR anti-virus test string, assembled here so that no file in the repository holds it whole
# (a developer's own antivirus would otherwise quarantine the test).
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode("ascii")

DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCM_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)


def renamed_executable() -> bytes:
    """The start of a Windows program (MZ, the PE offset, the DOS stub) named .pdf."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 44
        + b"\x80\x00\x00\x00"
        + (b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200)
    )


def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def html_pdf_polyglot() -> bytes:
    """A PDF whose first kilobyte is also a web page with a script (a browser would run it)."""
    pdf = files.pdf_bytes()
    header, rest = pdf.split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n" + rest


def pdf_zip_polyglot() -> bytes:
    """A PDF with a ZIP archive appended: both formats at once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", b"hidden")
    return files.pdf_bytes() + out.getvalue()


def zip_bomb_docx(unpacked: int = 60 * 1024 * 1024) -> bytes:
    """A DOCX whose document part unpacks from a few kilobytes to 60 MB of zeros (over 1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\x00" * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                entry.write(block)
    return out.getvalue()


def many_entries_docx(count: int = 1001) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(count):
            archive.writestr(f"word/media/image{n}.bin", b"x")
    return out.getvalue()


def docm_renamed_docx(*, with_vba_project: bool = True) -> bytes:
    """A macro-enabled Word document (``.docm``) renamed ``.docx``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCM_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        if with_vba_project:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    return out.getvalue()


def vba_project_only_docx() -> bytes:
    """The content types say DOCX, but a vbaProject.bin hides elsewhere under another case."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("customXml/VBAPROJECT.BIN", b"\x00" * 10)
    return out.getvalue()


def odt_with_basic_macros() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
        archive.writestr("Basic/Standard/Module1.xml", b"<script:module>Shell(...)</script:module>")
    return out.getvalue()


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
    )


def html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body><p>Hello</p></body></html>"


def pdf_with_active_content() -> bytes:
    """A PDF that runs JavaScript when opened and carries an embedded file."""
    pdf = files.pdf_bytes()
    return pdf.replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        b" /Names << /EmbeddedFiles << /Names [] >> >> >>",
    )


def pdf_with_hex_escaped_launch() -> bytes:
    pdf = files.pdf_bytes()
    return pdf.replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /AA << /O << /S /L#61unch /F (calc.exe) >> >> >>",
    )
