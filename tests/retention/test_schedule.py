"""The schedule the code seeds and applies is the one docs/data-protection.md states."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retention.models import RetentionRule
from retention.schedule import CATEGORIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-protection.md"


def documented() -> dict[str, tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Retention", 1)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|", text, re.M)
    return {key: (period.strip(), action.strip()) for key, period, action in rows}


def test_the_document_states_every_category_with_its_default():
    assert documented() == {c.key: (f"{c.period} {c.unit}", c.action) for c in CATEGORIES}


@pytest.mark.django_db
def test_the_migration_seeded_every_default():
    assert {r.category: (r.period, r.unit, r.action, r.version) for r in RetentionRule.objects.all()} == {
        c.key: (c.period, c.unit, c.action, 1) for c in CATEGORIES
    }
