"""Queries and milliseconds of one uncached render of the public pages and API answers.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/profile_pages.py [--runs 20]

Renders each target with the page cache off (``PUBLIC_CACHE_SECONDS=0``) through Django's test
client against a database holding the public record (migrate and ``load_public_record`` first),
and prints one JSON object per target: the query count of one render and the median and p90
milliseconds over ``--runs`` renders. Nothing listens on a port.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from service import get_counting_queries

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ["PUBLIC_CACHE_SECONDS"] = "0"

TARGETS = [
    ("complaint page (Hestia)", "/super-complaints/SC-2019-002/"),
    ("register page", "/super-complaints/"),
    ("API list of super-complaints", "/api/v1/super-complaints"),
    ("API list of recommendations", "/api/v1/recommendations"),
    ("API list of organisations", "/api/v1/organisations"),
]


def main() -> int:
    import django

    django.setup()
    from django.test import Client

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    # The first allowed host: "testserver" under the test settings, the loopback address under bench's.
    client = Client(HTTP_HOST=os.environ.get("DJANGO_ALLOWED_HOSTS", "testserver").split(",")[0])
    for name, path in TARGETS:
        status, query_count = get_counting_queries(client, path)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        print(
            json.dumps(
                {
                    "name": name,
                    "path": path,
                    "status": status,
                    "queries": query_count,
                    "median_ms": round(statistics.median(timings), 1),
                    "p90_ms": round(timings[max(0, math.ceil(0.9 * len(timings)) - 1)], 1),  # nearest rank
                    "runs": args.runs,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
