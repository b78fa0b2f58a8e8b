"""Reading rendered pages in tests: the main content as text, tables as rows of cells, links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.content.decode()


def main(html: str) -> str:
    start = html.index('<main class="govuk-main-wrapper"')
    return html[start : html.index("</main>", start)]


def text(html: str) -> str:
    """The visible words of some HTML, tags dropped and white space collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    # A tag between a word and its punctuation ("<strong>Action 1</strong>,") adds no space.
    return re.sub(r" ([,.:;)])", r"\1", words)


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class Table:
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: Cell | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append(Table())
        elif not self._stack:
            return
        elif tag == "tr":
            self._stack[-1].rows.append([])
        elif tag in ("td", "th"):
            self._cell = Cell(tag, {k: v or "" for k, v in attrs})
        elif tag == "caption":
            self._caption = []
        elif tag == "br" and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag):
        if not self._stack:
            return
        if tag == "table":
            self.tables.append(self._stack.pop())
        elif tag in ("td", "th") and self._cell is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._stack[-1].rows[-1].append(self._cell)
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._stack[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.text += data
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[Table]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link, in order."""
    return [
        (unescape(href), text(inner))
        for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    ]
