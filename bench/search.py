"""How fast the evidence search selector answers with many documents (issue 12: "Search stays fast
at 100,000 documents"; issue 14, benchmark 3: p95 at most 1.5 times the raw full-text query and
under 100 ms).

    .venv/bin/python bench/search.py [--documents 100000] [--words 2000] [--runs 20] [--reuse] [--quick]
    DATABASE_URL=postgres://.../sc_bench_search .venv/bin/python bench/search.py ...

Uses the database in DATABASE_URL (var/bench_search.sqlite3 when it is not set; a PostgreSQL
database must exist, empty). It migrates and fills it: the public record, then ``--documents``
documents of ``--words`` words each drawn from a 20,000-word vocabulary with Zipf frequencies (so
some words are in almost every document, most in few), nine in ten attached to the public
record's complaints as evidence, one in ten returned by forces to an information request. The
text is indexed as extraction would index it (in bulk here). ``--reuse`` measures a database an
earlier run built instead (the same ``--documents`` and ``--words``).

Then, for 20 fixed searches (the commonest word, common pairs, a rare word, a phrase-like run of
three words, a pair found in few documents, no match, filters, a force user who sees only returns),
it times ``evidence.search.search_documents`` (a page of 20 with snippets, the count and where each
came from) and the raw full-text query on the same index (the page of 20 best-ranked matching ids,
nothing else), ``--runs`` times each, and prints one JSON line per figure (name, figure, unit,
parameters): p50 and p95 milliseconds of each and the ratio of the p95s. ``--quick``: 5 runs.

The database is left as it is afterwards: use a throwaway one. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
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
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership, Role, User
    from complaints.models import EvidenceItem, SuperComplaint
    from evidence.models import Document, ExtractionStatus
    from inquiries.models import ForceRequest, InformationRequest
    from organisations.models import Organisation, OrganisationKind

    call_command("load_public_record", verbosity=0, stdout=sys.stderr)  # stdout is for the figures
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


def existing(documents: int) -> dict[str, object]:
    """What ``build`` made, read back from a database an earlier run filled."""
    from accounts.models import User
    from complaints.models import SuperComplaint
    from evidence.models import Document

    found = Document.objects.filter(file__startswith="bench/").count()
    if found != documents:
        raise SystemExit(f"--reuse: the database holds {found} bench documents, not {documents}")
    complaints = list(SuperComplaint.objects.exclude(reference="").order_by("pk"))
    return {
        "staff": User.objects.get(email="bench-staff@example.org"),
        "force": User.objects.get(email="bench-force@example.org"),
        "vocabulary": words(12),
        "complaint": complaints[1],
        "build_seconds": 0.0,
    }


def emit(name: str, figure: float, unit: str, **parameters: object) -> None:
    print(json.dumps({"name": name, "figure": figure, "unit": unit, "parameters": parameters}), flush=True)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value at least p% of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def raw_query(terms: list[str]) -> tuple[str, list[Any]]:
    """The full-text query alone on the same index: the page of best-ranked matching ids, with no
    permission check, count, snippet or origin."""
    from django.db import connection

    if connection.vendor == "sqlite":
        match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
        return (
            "SELECT rowid FROM evidence_document_fts WHERE evidence_document_fts MATCH %s "
            "ORDER BY bm25(evidence_document_fts) LIMIT 20",
            [match],
        )
    return (
        "SELECT d.id FROM evidence_document d, plainto_tsquery('english'::regconfig, %s) AS q(query) "
        "WHERE d.search_vector @@ q.query ORDER BY ts_rank(d.search_vector, q.query) DESC, d.id DESC LIMIT 20",
        [" ".join(terms)],
    )


def time_raw(terms: list[str]) -> float:
    from django.db import connection, transaction

    sql, params = raw_query(terms)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")  # as the selector does
        cursor.execute(sql, params)
        cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure the documents an earlier run built")
    parser.add_argument("--quick", action="store_true", help="5 runs of each search")
    args = parser.parse_args()
    runs = 5 if args.quick else args.runs
    root = Path(__file__).resolve().parent.parent
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{root / 'var' / 'bench_search.sqlite3'}")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from evidence.search import search_documents, terms_of

    if args.reuse:
        built = existing(args.documents)
    else:
        call_command("migrate", "--noinput", verbosity=0)
        if User.objects.filter(email="bench-staff@example.org").exists():
            raise SystemExit("the database already holds a bench corpus: use --reuse, or an empty database")
        built = build(args.documents, args.words)
    vocabulary = built["vocabulary"]
    assert isinstance(vocabulary, list)
    complaint = built["complaint"]
    setup = {
        "database": connection.vendor,
        "documents": args.documents,
        "words_per_document": args.words,
        "runs": runs,
        "rank_limit": getattr(settings, "EVIDENCE_SEARCH_RANK_LIMIT", None),
    }
    emit("search_corpus_build", float(built["build_seconds"]), "s", **setup)
    from evidence.models import Document

    first_text = (
        Document.objects.filter(file__startswith="bench/")
        .order_by("pk")
        .values_list("extracted_text", flat=True)[0]
    )
    phrase = " ".join(first_text.split()[10:13])
    today = datetime.date.today()
    v = vocabulary
    queries: list[tuple[str, str, str, dict[str, Any]]] = [
        ("staff", "commonest word", v[0], {}),
        ("staff", "second commonest word", v[1], {}),
        ("staff", "10th word", v[9], {}),
        ("staff", "100th word", v[99], {}),
        ("staff", "1,000th word", v[999], {}),
        ("staff", "rare word (10,000th)", v[9_999], {}),
        ("staff", "rarest word (20,000th)", v[19_999], {}),
        ("staff", "two common words", f"{v[0]} {v[1]}", {}),
        ("staff", "common and middling words", f"{v[0]} {v[99]}", {}),
        ("staff", "two middling words", f"{v[99]} {v[199]}", {}),
        ("staff", "phrase-like (three words from one document)", phrase, {}),
        ("staff", "two rare words (few matches)", f"{v[9_999]} {v[14_999]}", {}),
        ("staff", "no match", "qqqqqqqqqqq", {}),
        ("staff", "commonest word, one complaint", v[0], {"complaint": complaint}),
        ("staff", "100th word, one complaint", v[99], {"complaint": complaint}),
        ("staff", "commonest word, returns only", v[0], {"source": "return"}),
        ("staff", "commonest word, added today", v[0], {"date_from": today, "date_to": today}),
        ("force", "commonest word", v[0], {}),
        ("force", "100th word", v[99], {}),
        ("force", "rare word (10,000th)", v[9_999], {}),
    ]
    worst_ratio = 0.0
    worst_p95 = 0.0
    for who, name, query, filters in queries:
        user = built[who]
        terms = terms_of(query)
        search_documents(user, query, **filters)  # warm the page cache for both
        time_raw(terms)
        timings, raw = [], []
        results = None
        for _ in range(runs):
            started = time.perf_counter()
            results = search_documents(user, query, **filters)
            timings.append((time.perf_counter() - started) * 1000)
            raw.append(time_raw(terms))
        assert results is not None
        parameters = {
            **setup,
            "user": who,
            "search": name,
            "words": len(terms),
            "filters": sorted(filters),
            "found": results.total,
            "more": getattr(results, "more", False),
        }
        p95, raw_p95 = percentile(timings, 95), percentile(raw, 95)
        emit("search_documents_p50", round(percentile(timings, 50), 1), "ms", **parameters)
        emit("search_documents_p95", round(p95, 1), "ms", **parameters)
        emit("search_raw_fulltext_p50", round(percentile(raw, 50), 1), "ms", **parameters)
        emit("search_raw_fulltext_p95", round(raw_p95, 1), "ms", **parameters)
        ratio = p95 / raw_p95 if raw_p95 else float("inf")
        emit("search_p95_ratio_to_raw", round(ratio, 2), "ratio", **parameters)
        worst_ratio, worst_p95 = max(worst_ratio, ratio), max(worst_p95, p95)
    emit("search_documents_worst_p95", round(worst_p95, 1), "ms", **setup)
    emit("search_worst_p95_ratio_to_raw", round(worst_ratio, 2), "ratio", **setup)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
