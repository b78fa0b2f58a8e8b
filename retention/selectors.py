"""Reads of the retention schedule and legal holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from retention.models import LegalHold, RetentionRule
from retention.schedule import CATEGORIES, Category


@dataclass(frozen=True)
class Rule:
    """One category's rule as the job applies it: the stored row, or the default where the
    schedule lacks a row (a database made before the category existed)."""

    category: Category
    period: int
    unit: str
    action: str
    row: RetentionRule | None

    @property
    def key(self) -> str:
        return self.category.key

    @property
    def version(self) -> int:
        return self.row.version if self.row else 1


def schedule() -> list[Rule]:
    """Every category's rule, in the schedule's order."""
    rows = {row.category: row for row in RetentionRule.objects.select_related("updated_by")}
    rules = []
    for category in CATEGORIES:
        row = rows.get(category.key)
        if row is None:
            rules.append(Rule(category, category.period, category.unit, category.action, None))
        else:
            rules.append(Rule(category, row.period, row.unit, row.action, row))
    return rules


@dataclass(frozen=True)
class Holds:
    """The active legal holds, read once per run: held complaints, and held records by category."""

    complaints: frozenset[int]
    records: frozenset[tuple[str, int]]

    def holds(self, category: str, pk: int, complaint_id: int | None = None) -> bool:
        return (category, pk) in self.records or (
            complaint_id is not None and complaint_id in self.complaints
        )


def active_holds() -> Holds:
    active = LegalHold.objects.active()
    return Holds(
        complaints=frozenset(active.filter(complaint__isnull=False).values_list("complaint_id", flat=True)),
        records=frozenset(
            (category, object_id)
            for category, object_id in active.filter(complaint__isnull=True).values_list(
                "category", "object_id"
            )
            if object_id is not None
        ),
    )


def is_held(category: str, pk: int, complaint_id: int | None = None) -> bool:
    """Whether an active hold covers this record, read now (under the job's row lock)."""
    condition = Q(category=category, object_id=pk)
    if complaint_id is not None:
        condition |= Q(complaint_id=complaint_id)
    return LegalHold.objects.active().filter(condition).exists()


def holds_for_staff() -> list[LegalHold]:
    return list(LegalHold.objects.select_related("complaint", "placed_by", "lifted_by"))
