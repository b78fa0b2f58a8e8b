"""The held-back evaluation of the similarity check (SI 2018/748 reg 6(3)-(4)): paraphrases of the
complaints on the public record, each of which should rank its own earlier complaint first. Used
by ``tests/themes/test_similarity.py`` and ``bench/similarity.py``; nothing here touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from themes import similarity


@dataclass(frozen=True)
class Earlier:
    pk: int
    title: str


def _load(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


def hit_rates() -> dict[str, tuple[int, int]]:
    """(hits, total) per method: how often the true earlier complaint is ranked first."""
    base = Path(settings.BASE_DIR) / "data"
    record = _load(base / "public_record" / "super_complaints.json")["super_complaints"]
    candidates = [
        (Earlier(n, c["title"]), f"{c['title']} {c['subject']}") for n, c in enumerate(record, start=1)
    ]
    paraphrases = _load(base / "evaluation" / "paraphrased_complaints.json")["paraphrases"]
    results = {}
    for method in (similarity.METHOD_TF_IDF, similarity.METHOD_EMBEDDING):
        hits = 0
        for item in paraphrases:
            ranked = similarity.rank(item["text"], candidates, method=method, limit=1)
            hits += bool(ranked) and ranked[0].complaint.title == item["repeats"]
        results[method] = (hits, len(paraphrases))
    return results
