"""Template source rules that Django does not enforce itself."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _templates():
    for path in ROOT.rglob("*.html"):
        if not {".venv", "node_modules", "var"} & set(path.relative_to(ROOT).parts):
            yield path
    for path in ROOT.rglob("*.txt"):
        if "templates" in path.relative_to(ROOT).parts:
            yield path


def test_every_short_comment_closes_on_its_own_line():
    """Django reads ``{# … #}`` only within one line: a comment that runs on is printed on the page
    for everyone to read. Longer comments use ``{% comment %}``."""
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") != line.count("#}")
    ]
    assert unclosed == []


def test_the_home_page_shows_no_template_comment(client, db):
    page = client.get("/").content.decode()
    assert "{#" not in page
    assert "One banner landmark" not in page
