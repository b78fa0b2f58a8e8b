"""Text out of a stored document: PDF (pypdf), DOCX, ODT, XLSX, ODS (zip and XML, stdlib), CSV, TXT.

This module imports nothing from Django or the project: ``evidence.extraction`` runs it as a script in
a child process with a time limit and a memory limit, so a hostile file that makes a parser spin or
swell kills only the child. It reads the file's bytes on stdin and writes JSON on stdout::

    python -I textextract.py KIND MAX_CHARS MEMBER_BYTES < file  ->  {"text": "...", "truncated": false}

Bounds inside the child: at most ``MAX_CHARS`` characters are kept (the rest is dropped and
``truncated`` set), and at most ``MEMBER_BYTES`` bytes are decompressed from any one archive member
(the XML read so far still gives its text). ``extract`` is the same work in-process, for tests.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, XMLPullParser

KINDS = ("pdf", "docx", "odt", "xlsx", "ods", "text")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"

# Characters never kept: NUL (PostgreSQL text cannot hold it) and the four private-use characters
# evidence.search uses inside a snippet (match marks, and angle brackets hidden from ts_headline), so
# no document can forge a highlight.
_UNWANTED = dict.fromkeys(map(ord, "\x00\ue000\ue001\ue002\ue003"))
_CHUNK = 64 * 1024


class Full(Exception):
    """The character cap is reached: stop reading."""


class Collector:
    """Text gathered up to ``limit`` characters; ``add`` raises ``Full`` once it is reached."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.truncated = False

    def add(self, text: str) -> None:
        text = text.translate(_UNWANTED)
        room = self.limit - self.size
        if len(text) > room:
            self.parts.append(text[:room])
            self.size = self.limit
            self.truncated = True
            raise Full
        self.parts.append(text)
        self.size += len(text)

    def text(self) -> str:
        return "".join(self.parts).strip()


def _member_chunks(archive: zipfile.ZipFile, name: str, member_bytes: int) -> Iterator[bytes]:
    """The member's bytes, decompressed in a stream, stopping after ``member_bytes``."""
    with archive.open(name) as member:
        left = member_bytes
        while left > 0:
            chunk = member.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _elements(chunks: Iterator[bytes], wanted: set[str]) -> Iterator[Element]:
    """Each complete element whose tag is in ``wanted``, as the XML streams in. A document cut off
    (by the member cap) simply ends; an element is cleared once given, to keep memory flat."""
    parser = XMLPullParser(events=("end",))
    for chunk in chunks:
        parser.feed(chunk)
        for event in parser.read_events():
            element: Any = event[1]  # type: ignore[misc]
            if isinstance(element, Element) and element.tag in wanted:
                yield element
                element.clear()


def _odf_text(element: Element) -> str:
    """An ODF paragraph's text, with its spaces (text:s), tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == ODF_TEXT + "s":
            parts.append(" " * int(child.get(ODF_TEXT + "c", "1") or 1))
        elif child.tag == ODF_TEXT + "tab":
            parts.append("\t")
        elif child.tag == ODF_TEXT + "line-break":
            parts.append("\n")
        else:
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _docx_paragraph(element: Element) -> str:
    parts = []
    for node in element.iter():
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append("\t")
        elif node.tag in (W + "br", W + "cr"):
            parts.append("\n")
    return "".join(parts)


def _docx(archive: zipfile.ZipFile, out: Collector, member_bytes: int) -> None:
    names = archive.namelist()
    extra = r"word/(header|footer)\d*\.xml|word/(footnotes|endnotes)\.xml"
    parts = ["word/document.xml", *sorted(n for n in names if re.fullmatch(extra, n))]
    for name in parts:
        if name not in names:
            continue
        for paragraph in _elements(_member_chunks(archive, name, member_bytes), {W + "p"}):
            out.add(_docx_paragraph(paragraph) + "\n")


def _odt(archive: zipfile.ZipFile, out: Collector, member_bytes: int) -> None:
    wanted = {ODF_TEXT + "p", ODF_TEXT + "h"}
    for paragraph in _elements(_member_chunks(archive, "content.xml", member_bytes), wanted):
        out.add(_odf_text(paragraph) + "\n")


def _ods(archive: zipfile.ZipFile, out: Collector, member_bytes: int) -> None:
    cells = {ODF_TABLE + "table-cell", ODF_TABLE + "covered-table-cell"}
    for row in _elements(_member_chunks(archive, "content.xml", member_bytes), {ODF_TABLE + "table-row"}):
        values = [
            "\n".join(_odf_text(p) for p in cell.iter(ODF_TEXT + "p")) for cell in row if cell.tag in cells
        ]
        while values and not values[-1]:
            values.pop()
        if values:
            out.add("\t".join(values) + "\n")


def _xlsx(archive: zipfile.ZipFile, out: Collector, member_bytes: int) -> None:
    names = archive.namelist()
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        for item in _elements(_member_chunks(archive, "xl/sharedStrings.xml", member_bytes), {S + "si"}):
            # Rich text runs (r/t) and plain (t); phonetic hints (rPh) are not the text.
            hints = _phonetic(item)
            shared.append("".join(t.text or "" for t in item.iter(S + "t") if t not in hints))
    sheets = sorted(
        (n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
        key=lambda n: int(re.sub(r"\D", "", n) or 0),
    )
    for name in sheets:
        for row in _elements(_member_chunks(archive, name, member_bytes), {S + "row"}):
            values = []
            for cell in row.iter(S + "c"):
                kind = cell.get("t", "n")
                value = cell.find(S + "v")
                raw = value.text or "" if value is not None else ""
                if kind == "s":
                    index = int(raw) if raw.isdigit() else -1
                    values.append(shared[index] if 0 <= index < len(shared) else "")
                elif kind == "inlineStr":
                    values.append("".join(t.text or "" for t in cell.iter(S + "t")))
                else:
                    values.append(raw)
            while values and not values[-1]:
                values.pop()
            if values:
                out.add("\t".join(values) + "\n")


def _phonetic(item: Element) -> set[Element]:
    return {t for hint in item.iter(S + "rPh") for t in hint.iter(S + "t")}


def _pdf(data: bytes, out: Collector) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        out.add(page.extract_text() + "\n")


def _text(data: bytes, out: Collector) -> None:
    # At most four bytes a character in UTF-8: nothing beyond that many bytes can be kept.
    data = data[: out.limit * 4 + 4]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # A file cut mid-character above, or really UTF-8 with one bad byte.
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    out.add(text)


def extract(kind: str, data: bytes, *, max_chars: int, member_bytes: int) -> tuple[str, bool]:
    """The text of a file of ``kind`` (one of ``KINDS``) and whether it was cut at ``max_chars``.
    Raises whatever the parser raises for a broken file."""
    out = Collector(max_chars)
    try:
        if kind == "pdf":
            _pdf(data, out)
        elif kind == "text":
            _text(data, out)
        elif kind in ("docx", "odt", "xlsx", "ods"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                {"docx": _docx, "odt": _odt, "xlsx": _xlsx, "ods": _ods}[kind](archive, out, member_bytes)
        else:
            raise ValueError(f"no text extraction for {kind!r}")
    except Full:
        pass
    return out.text(), out.truncated


def main(argv: list[str], stdin: IO[bytes], stdout: IO[str]) -> int:
    kind, max_chars, member_bytes = argv[0], int(argv[1]), int(argv[2])
    text, truncated = extract(kind, stdin.read(), max_chars=max_chars, member_bytes=member_bytes)
    json.dump({"text": text, "truncated": truncated}, stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], sys.stdin.buffer, sys.stdout))
