"""The layers hold: the imports of every module, read with ``ast``, never point upward or sideways.

Domain apps own data and rules; ``operations`` coordinates several of them; the interface apps each
serve one audience (docs: ARCHITECTURE.md, "Layers"). So:

- nothing below the interface apps (a domain app, ``common``, ``operations``) imports one;
- no domain app (nor ``common``) imports ``operations``, which sits above them;
- no interface app imports another interface app.

Imports inside functions and ``if TYPE_CHECKING:`` blocks count too: a lazy import is still a
dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOMAIN = (
    "organisations",
    "deadlines",
    "complaints",
    "reports",
    "recommendations",
    "evidence",
    "audit",
    "accounts",
    "access",
    "outbox",
    "inquiries",
    "accuracy",
    "calls",
    "alerts",
    "redaction",
    "themes",
    "retention",
)
SHARED = ("common",)
COORDINATING = ("operations", "pagecache")
INTERFACE = ("public", "portal", "casework", "api")

# Interface->interface imports still tolerated, as (importing module, imported module). Empty since
# the published-only rules moved into the domain apps' selectors; nothing may be added to it.
KNOWN_SIDEWAYS: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every absolute module name the source imports (``from a.b import c`` gives ``a.b``; a relative
    import is resolved against ``module``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                if not is_package:
                    package = package[:-1]
                base = package[: len(package) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            for alias in node.names:
                # ``from public import selectors`` imports the module public.selectors: name it so.
                found.add(f"{name}.{alias.name}" if _is_module(f"{name}.{alias.name}") else name)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _app(module: str) -> str:
    return module.split(".", 1)[0]


def violations(module: str, imported: set[str]) -> list[str]:
    """What is wrong with ``module`` importing ``imported``, in words, one line each."""
    own = _app(module)
    problems = []
    for name in sorted(imported):
        target = _app(name)
        if target == own:
            continue
        if target in INTERFACE and own not in INTERFACE:
            problems.append(f"{module} imports {name}: an interface app, above it")
        elif target in COORDINATING and own in DOMAIN + SHARED:
            problems.append(f"{module} imports {name}: the coordinating layer, above it")
        elif target in INTERFACE and own in INTERFACE and (module, name) not in KNOWN_SIDEWAYS:
            problems.append(f"{module} imports {name}: another interface app")
    return problems


def _sources() -> list[Path]:
    apps = DOMAIN + SHARED + COORDINATING + INTERFACE
    return sorted(p for app in apps for p in (ROOT / app).rglob("*.py"))


def test_every_layer_is_checked():
    # A new app that is in no list would escape the rules: make the author place it.
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {p.parent.name for p in ROOT.glob("*/models.py")}
    placed = set(DOMAIN + SHARED + COORDINATING + INTERFACE)
    assert apps - placed == set()
    assert len(_sources()) > 100


def test_no_import_points_upward_or_sideways():
    problems: list[str] = []
    seen_sideways: set[tuple[str, str]] = set()
    for path in _sources():
        module = _module_name(path)
        imported = imports_of(path.read_text(), module, is_package=path.name == "__init__.py")
        problems += violations(module, imported)
        seen_sideways |= {(module, name) for name in imported if (module, name) in KNOWN_SIDEWAYS}
    assert problems == []
    # An allowed import that has gone must leave the list too, so the list only ever shrinks.
    assert seen_sideways == KNOWN_SIDEWAYS


# --- The checker itself can fail ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "complaints.selectors",
            "from public.selectors import public_stage",
            ["complaints.selectors imports public.selectors: an interface app, above it"],
        ),
        (
            "audit.services",
            "def f():\n    import casework.views\n",
            ["audit.services imports casework.views: an interface app, above it"],
        ),
        (
            "reports.models",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from portal import forms\n",
            ["reports.models imports portal.forms: an interface app, above it"],
        ),
        (
            "deadlines.rules",
            "from operations.sweep import sweep_deadlines",
            ["deadlines.rules imports operations.sweep: the coordinating layer, above it"],
        ),
        (
            "operations.sweep",
            "from api.schemas import Complaint",
            ["operations.sweep imports api.schemas: an interface app, above it"],
        ),
        (
            "portal.views.complaints",
            "from casework.forms import VersionedForm",
            ["portal.views.complaints imports casework.forms: another interface app"],
        ),
        (
            "public.views",
            "from api import selectors",
            ["public.views imports api.selectors: another interface app"],
        ),
    ],
)
def test_an_upward_or_sideways_import_is_reported(module, source, expected):
    assert violations(module, imports_of(source, module)) == expected


def test_downward_own_and_relative_imports_are_allowed():
    module = "casework.views"
    source = (
        "from complaints.selectors import complaint_timeline\n"
        "from operations.sweep import sweep_deadlines\n"
        "from .forms import DecisionForm\n"
        "from casework.forms import PositionForm\n"
        "import django.db\n"
    )
    assert imports_of(source, module) >= {"casework.forms", "complaints.selectors", "operations.sweep"}
    assert violations(module, imports_of(source, module)) == []


def test_the_api_and_the_register_may_not_import_each_other():
    assert frozenset() == KNOWN_SIDEWAYS
    assert violations("api.selectors", {"public.selectors"}) == [
        "api.selectors imports public.selectors: another interface app"
    ]
    assert violations("api.schemas", {"public.selectors"}) == [
        "api.schemas imports public.selectors: another interface app"
    ]
