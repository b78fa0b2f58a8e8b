"""How fast the evidence search selector answers with many documents (issue 12: "Search stays fast
at 100,000 documents").

    .venv/bin/python bench/search.py [--documents 100000] [--words 150] [--runs 10]
    DATABASE_URL=postgres://.../bench_search .venv/bin/python bench/search.py ...

Uses the database in DATABASE_URL (a new SQLite file in a temporary folder when it is not set),
which it migrates and fills: the public record, then ``--documents`` documents of ``--words``
words each drawn from a 20,000-word vocabulary with Zipf frequencies (so some words are in almost
every document, most in few), nine in ten attached to the public record's complaints as evidence,
one in ten returned by forces to an information request. The text is indexed as extraction would
index it (in bulk here). Then it times ``evidence.search.search_documents`` for a member of staff
(who may see everything) and for a force user (who may see only their own force's returns), for
a common word, a middling word, a rare word, two words together and a filtered search, and prints
one JSON line each: results found, median and p90 milliseconds over ``--runs``.

The database is left as it is afterwards: use a throwaway one. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

VOCABULARY = 20_000
BATCH = 5_000


def words(seed: int) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    found: list[str] = []
    seen: set[str] = set()
    while len(found) < VOCABULARY:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(4, 9)))
        if word not in seen:
            seen.add(word)
            found.append(word)
    return found


def build(documents: int, per_document: int) -> dict[str, object]:
    import datetime

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership, Role, User
    from complaints.models import EvidenceItem, SuperComplaint
    from evidence.models import Document, ExtractionStatus
    from inquiries.models import ForceRequest, InformationRequest
    from organisations.models import Organisation, OrganisationKind

    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_public_record", verbosity=0)
    complaints = list(SuperComplaint.objects.exclude(reference="").order_by("pk"))
    forces = list(Organisation.objects.filter(kind=OrganisationKind.FORCE).order_by("name")[:10])
    authority = Organisation.objects.get(kind=OrganisationKind.AUTHORITY, is_inspectorate=True)
    staff = User.objects.create_user("bench-staff@example.org", password=None)
    Membership.objects.create(user=staff, organisation=authority, role=Role.CASEWORKER)
    force_user = User.objects.create_user("bench-force@example.org", password=None)
    Membership.objects.create(user=force_user, organisation=forces[0], role=Role.RESPONDER)
    request = InformationRequest.objects.create(
        complaint=complaints[0], title="Bench returns", due=datetime.date(2030, 1, 1), sent_at=timezone.now()
    )
    force_requests = [ForceRequest.objects.create(request=request, force=force) for force in forces]

    vocabulary = words(12)
    weights = [1 / rank for rank in range(1, VOCABULARY + 1)]
    cumulative = [0.0] * VOCABULARY
    total = 0.0
    for i, weight in enumerate(weights):
        total += weight
        cumulative[i] = total
    rng = random.Random(34)
    started = time.perf_counter()
    first_id = None
    made = 0
    while made < documents:
        size = min(BATCH, documents - made)
        with transaction.atomic():
            rows = Document.objects.bulk_create(
                Document(
                    file=f"bench/{made + i}",
                    original_name=f"document-{made + i}.txt",
                    content_type="text/plain",
                    size=1,
                    sha256="0" * 64,
                    extracted_text=" ".join(rng.choices(vocabulary, cum_weights=cumulative, k=per_document)),
                    extraction_status=ExtractionStatus.EXTRACTED,
                )
                for i in range(size)
            )
            if connection.vendor == "sqlite" or rows[0].pk is None:
                # SQLite's bulk_create may not return keys on old versions: read them back.
                ids = list(Document.objects.order_by("-pk").values_list("pk", flat=True)[:size])[::-1]
            else:
                ids = [row.pk for row in rows]
            first_id = first_id or ids[0]
            evidence, returned = [], []
            for pk in ids:
                if pk % 10 == 0:
                    returned.append(
                        ForceRequest.documents.through(
                            forcerequest=force_requests[pk % len(force_requests)], document_id=pk
                        )
                    )
                else:
                    evidence.append(
                        EvidenceItem(
                            complaint=complaints[pk % len(complaints)], description="bench", document_id=pk
                        )
                    )
            EvidenceItem.objects.bulk_create(evidence)
            ForceRequest.documents.through.objects.bulk_create(returned)
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute(
                        "INSERT INTO evidence_document_fts (rowid, body) SELECT id, extracted_text "
                        "FROM evidence_document WHERE id BETWEEN %s AND %s",
                        [ids[0], ids[-1]],
                    )
                else:
                    cursor.execute(
                        "UPDATE evidence_document SET search_vector = to_tsvector('english'::regconfig, extracted_text) "
                        "WHERE id BETWEEN %s AND %s",
                        [ids[0], ids[-1]],
                    )
        made += size
        print(f"  {made:,} documents", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "staff": staff,
        "force": force_user,
        "vocabulary": vocabulary,
        "complaint": complaints[1],
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=150)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-search-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/db.sqlite3")

    import django

    django.setup()
    from django.db import connection

    from evidence.search import search_documents

    built = build(args.documents, args.words)
    vocabulary = built["vocabulary"]
    assert isinstance(vocabulary, list)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "documents": args.documents,
                "words_per_document": args.words,
                "build_seconds": built["build_seconds"],
            }
        )
    )
    queries: list[tuple[str, str, dict[str, Any]]] = [
        ("common word", vocabulary[0], {}),
        ("middling word", vocabulary[99], {}),
        ("rare word", vocabulary[9_999], {}),
        ("two words", f"{vocabulary[9]} {vocabulary[199]}", {}),
        ("middling word, one complaint", vocabulary[99], {"complaint": built["complaint"]}),
        ("middling word, returns only", vocabulary[99], {"source": "return"}),
    ]
    for who in ("staff", "force"):
        user = built[who]
        for name, query, filters in queries:
            if who == "force" and "complaint" in filters:
                continue
            timings = []
            total = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                results = search_documents(user, query, **filters)
                timings.append((time.perf_counter() - started) * 1000)
                total = results.total
            timings.sort()
            print(
                json.dumps(
                    {
                        "user": who,
                        "search": name,
                        "found": total,
                        "median_ms": round(statistics.median(timings), 1),
                        "p90_ms": round(timings[max(0, math.ceil(0.9 * len(timings)) - 1)], 1),
                        "runs": args.runs,
                    }
                ),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
