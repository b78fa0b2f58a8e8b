"""The schedule the code seeds and applies is the one docs/data-protection.md states."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

from retention.models import RetentionRule
from retention.schedule import CATEGORIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-protection.md"


def documented() -> dict[str, tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Retention", 1)[1]
    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|", text, re.M)
    return {key: (period.strip(), action.strip()) for key, period, action in rows}


def test_the_document_states_every_category_with_its_default():
    assert documented() == {c.key: (f"{c.period} {c.unit}", c.action) for c in CATEGORIES}


def seeded() -> dict[str, tuple[int, str, str, int]]:
    return {r.category: (r.period, r.unit, r.action, r.version) for r in RetentionRule.objects.all()}


@pytest.mark.django_db
def test_the_migration_seeds_every_default_and_leaves_a_changed_rule_as_it_is():
    # The seed runs here on a table of its own making: a test elsewhere in the same process that
    # flushes the database (a transactional test) takes the migration's rows with it.
    seed = importlib.import_module("retention.migrations.0002_default_schedule").seed
    RetentionRule.objects.all().delete()
    seed(apps, None)
    assert seeded() == {c.key: (c.period, c.unit, c.action, 1) for c in CATEGORIES}

    RetentionRule.objects.filter(category=CATEGORIES[0].key).update(period=99)
    seed(apps, None)
    assert seeded()[CATEGORIES[0].key][0] == 99


@pytest.mark.django_db
def test_a_later_migration_seeds_the_categories_added_since_and_leaves_the_others_alone():
    seed = importlib.import_module("retention.migrations.0003_sign_in_and_invitation_rules").seed
    RetentionRule.objects.all().delete()
    RetentionRule.objects.create(category="ended_invitations", period=6, unit="months", action="anonymise")
    seed(apps, None)
    assert seeded() == {
        "sign_in_attempts": (90, "days", "delete", 1),
        "ended_invitations": (6, "months", "anonymise", 1),
    }
