"""Small real documents with text, built in the test: DOCX, ODT, XLSX and ODS with zipfile."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)
OOXML_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def _zip(entries: dict[str, bytes], *, mimetype: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if mimetype:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype.encode(), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def docx(*paragraphs: str, footer: str = "") -> bytes:
    """Each paragraph as runs of w:t; a tab inside a paragraph is a w:tab."""

    def para(text: str) -> str:
        runs = "<w:r><w:tab/></w:r>".join(
            f'<w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r>' for p in text.split("\t")
        )
        return f"<w:p><w:pPr/>{runs}</w:p>"

    body = "".join(para(p) for p in paragraphs)
    entries = {
        "[Content_Types].xml": OOXML_TYPES,
        "word/document.xml": f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode(),
    }
    if footer:
        entries["word/footer1.xml"] = f'<w:ftr xmlns:w="{W}">{para(footer)}</w:ftr>'.encode()
    return _zip(entries)


def xlsx(rows: list[list[object]]) -> bytes:
    """Strings go to the shared strings table (the first cell of row 1 inline), numbers as values."""
    shared: list[str] = []
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str) and r == 1 and c == 0:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            elif isinstance(value, str):
                shared.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
    return _zip(
        {
            "[Content_Types].xml": OOXML_TYPES,
            "xl/workbook.xml": f'<workbook xmlns="{S}"><sheets><sheet name="Returns" sheetId="1"/></sheets></workbook>'.encode(),
            "xl/sharedStrings.xml": f'<sst xmlns="{S}">{strings}</sst>'.encode(),
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{S}"><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'.encode(),
        }
    )


def odt(*paragraphs: str, heading: str = "") -> bytes:
    """Paragraphs as text:p (two spaces as text:s c="2"), a heading as text:h."""

    def para(text: str) -> str:
        return escape(text).replace("  ", '<text:s text:c="2"/>')

    body = (f"<text:h>{para(heading)}</text:h>" if heading else "") + "".join(
        f"<text:p>{para(p)}</text:p>" for p in paragraphs
    )
    content = f'<?xml version="1.0"?><office:document-content {ODF}><office:body><office:text>{body}</office:text></office:body></office:document-content>'
    return _zip({"content.xml": content.encode()}, mimetype=ODT)


def ods(rows: list[list[str]]) -> bytes:
    xml_rows = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell><text:p>{escape(v)}</text:p></table:table-cell>" for v in row)
        + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0"?><office:document-content {ODF}><office:body><office:spreadsheet>'
        f'<table:table table:name="Returns">{xml_rows}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    return _zip({"content.xml": content.encode()}, mimetype=ODS)
