"""How often the similarity check ranks the true earlier complaint first, on the held-back
paraphrases (data/evaluation/paraphrased_complaints.json): TF-IDF and the sentence embeddings.
Needs the ml extra (`make install-ml`). Run: .venv/bin/python bench/similarity.py"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from themes.evaluation import hit_rates  # noqa: E402

for method, (hits, total) in hit_rates().items():
    print(
        f"{method:>10}: {hits} of {total} paraphrases ranked their earlier complaint first ({hits / total:.0%})"
    )
