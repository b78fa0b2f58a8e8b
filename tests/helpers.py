"""Checks every page test can use: accessibility with axe-core and HTML validity with html-validate.

Both tools come from npm (package.json; `make frontend` installs them). A missing tool fails the
test with the command to run, never skips it.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import functools
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
HTML_VALIDATE = NODE_MODULES / ".bin" / "html-validate"
HTML_VALIDATE_CONFIG = ROOT / ".htmlvalidate.json"

# WCAG 2.2 AA, which the accessibility statement promises: every A and AA rule of 2.0, 2.1 and 2.2.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    // Best practice beyond WCAG: all content sits in a landmark, so nothing is missed by people
    // who move between landmarks.
    rules: { region: { enabled: true } },
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target,
      html: node.html,
      summary: node.failureSummary,
    })),
  }));
}
"""


def _require(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make frontend` first.", pytrace=False)


@functools.cache
def _axe_source() -> str:
    _require(AXE_SCRIPT)
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; return its violations of the WCAG 2.2 AA rules."""
    # evaluate, not add_script_tag: the content security policy blocks an injected <script>, but
    # not code the browser is driven to run.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN_AXE, AXE_TAGS)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html']}")
            if node.get("summary"):
                lines.extend(f"        {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with each violation's id, help and target nodes if axe-core finds any on the page."""
    violations = axe_violations(page)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


_HTML_VALIDATE_SERVER = ROOT / "tests" / "html_validate_server.cjs"
_html_validator: subprocess.Popen[str] | None = None


def assert_only_inline_script_is_allowed_by_its_hash(html: str, policy: str) -> None:
    """The page's one inline script has no attributes (no nonce) and the policy's ``script-src``
    allows it by its SHA-256 hash, the only source it names besides ``'self'``."""
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    inline = [(attrs.strip(), body) for attrs, body in scripts if "src=" not in attrs]
    assert [attrs for attrs, _body in inline] == [""]
    digest = base64.b64encode(hashlib.sha256(inline[0][1].encode()).digest()).decode()
    assert directives["script-src"] == ["'self'", f"'sha256-{digest}'"]


def _validator() -> subprocess.Popen[str]:
    """The html-validate process this test process keeps (tests/html_validate_server.cjs), started
    on first use and again if it has died."""
    global _html_validator
    if _html_validator is None or _html_validator.poll() is not None:
        _require(HTML_VALIDATE)
        _html_validator = subprocess.Popen(
            ["node", str(_HTML_VALIDATE_SERVER), str(HTML_VALIDATE_CONFIG)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        atexit.register(_html_validator.kill)
    return _html_validator


def html_problems(html: str, *, name: str = "page.html") -> list[dict]:
    """html-validate's messages for a document, with the project configuration (.htmlvalidate.json)."""
    validator = _validator()
    assert validator.stdin is not None and validator.stdout is not None
    validator.stdin.write(json.dumps({"name": name, "html": html}) + "\n")
    validator.stdin.flush()
    answer = validator.stdout.readline()
    if not answer:
        pytest.fail(f"html-validate stopped (exit {validator.wait()}) while checking {name}", pytrace=False)
    return json.loads(answer)


def assert_valid_html(html: str, *, name: str = "page.html") -> None:
    """Fail, listing line, column, rule and message, if html-validate finds an error in the document."""
    errors = [message for message in html_problems(html, name=name) if message["severity"] == 2]
    if errors:
        lines = html.splitlines()
        report = []
        for error in errors:
            line = error.get("line", 0)
            source = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            report.append(
                f"{name}:{line}:{error.get('column', 0)} [{error['ruleId']}] {error['message']}\n    {source}"
            )
        pytest.fail(f"html-validate found {len(errors)} error(s):\n" + "\n".join(report), pytrace=False)


def untranslated_welsh(flag: str, sources: tuple[str, ...]) -> list[str]:
    """Entries of the Welsh catalogue that come from ``sources`` (path prefixes) and are untranslated
    (``flag="--untranslated"``) or fuzzy (``"--only-fuzzy"``), each with the places it comes from."""
    import re
    import subprocess

    output = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for block in output.split("\n\n"):
        references = [
            ref for line in block.splitlines() if line.startswith("#: ") for ref in line[3:].split()
        ]
        ours = [ref for ref in references if ref.startswith(sources)]
        msgid = re.search(r'^msgid "(.*)"$', block, flags=re.M)
        if ours and msgid and msgid.group(1):
            found.append(f"{msgid.group(1)} ({', '.join(ours)})")
    return found


@contextlib.contextmanager
def a_database_of_its_own() -> Iterator[Any]:
    """Within the block, Django's ``default`` connection is a new, empty database of the same kind
    as the test database (a file of its own for SQLite, a database beside it for PostgreSQL),
    dropped afterwards; the test database is left as it was.

    For the tests of data migrations: they migrate this database forward from nothing to the state
    before the migration under test, rather than taking the test database back through every
    later migration and forward again (minutes a run). The migrations' own code runs against
    ``default`` as it does in production, so this swaps the connection rather than adding one."""
    import tempfile

    from django.db import connections

    test_database = connections["default"]
    settings_dict = dict(test_database.settings_dict)
    if test_database.vendor == "sqlite":
        folder = tempfile.TemporaryDirectory(prefix="migrations-")
        settings_dict["NAME"] = str(Path(folder.name) / "db.sqlite3")
    else:
        folder = None
        settings_dict["NAME"] = f"{test_database.settings_dict['NAME']}_own"
        with test_database._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {settings_dict['NAME']}")
            cursor.execute(f"CREATE DATABASE {settings_dict['NAME']}")
    own = type(test_database)(settings_dict, alias="default")
    connections["default"] = own
    try:
        yield own
    finally:
        own.close()
        connections["default"] = test_database
        if folder is not None:
            folder.cleanup()
        else:
            with test_database._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {settings_dict['NAME']}")
