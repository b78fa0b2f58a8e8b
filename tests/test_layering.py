"""The layers hold: domain apps never import an interface app or the coordinating layer above
them, and the public register and the API import only domain code, never each other.

Read from the source, so a new upward import fails here whatever path it takes through the code.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ["organisations", "deadlines", "complaints", "reports", "recommendations", "evidence", "audit"]
DOMAIN += ["accounts", "access", "outbox", "common"]
INTERFACE = ["public", "portal", "casework", "api"]
ABOVE_DOMAIN = [*INTERFACE, "operations"]


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each module of ``app`` (migrations aside), the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def upward(app: str, forbidden: list[str]) -> list[str]:
    return [
        f"{module} imports {name}"
        for module, names in imported_apps(app).items()
        for name in sorted(names & set(forbidden))
    ]


@pytest.mark.parametrize("app", DOMAIN)
def test_domain_apps_import_nothing_above_them(app):
    assert upward(app, ABOVE_DOMAIN) == []


@pytest.mark.parametrize(("app", "other"), [("public", "api"), ("api", "public")])
def test_the_register_and_the_api_do_not_import_each_other(app, other):
    assert upward(app, [other]) == []


def test_the_coordinating_layer_imports_no_interface_app():
    assert upward("operations", INTERFACE) == []


def test_the_reader_sees_imports():
    """The test above would pass on a reader that finds nothing: prove it finds a known import."""
    assert "complaints" in imported_apps("public")["public/selectors.py"]
