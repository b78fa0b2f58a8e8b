"""Benchmarks at national scale: the casework dashboard and an addressee's pages (2), the deadline
sweep (4) and a 100-page report (6), from the benchmark issue's table.

    .venv/bin/python bench/scale.py --database sqlite|postgresql [--reports 50] [--complaints 200]
        [--recommendations 30] [--runs 20] [--pages 100]

Migrates a new database (a temporary SQLite file, or the PostgreSQL database ``sc_bench_scale``,
dropped afterwards), loads the public record, builds the national register with
``bench/national.py`` (its JSON lines are printed too), then, in one process:

2. renders the casework dashboard for a signed-in caseworker, the portal home of a force's
   responder and the public page of an addressee force (page cache off) ``--runs`` times each,
   printing p50/p95 ms and the query count of one render;
4. runs ``sweep_deadlines`` twice on the same day: seconds for each, rows flagged, deadlines in
   the ledger (the second run must change nothing);
6. builds a draft report of about ``--pages`` A4 pages (passages of 150 words, 3.5 to a page as
   rendered, and 30 recommendations) and times its published rendition to HTML and to PDF.

Every figure is one JSON line: name, figure, unit, parameters. Nothing listens on a port.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time

from service import PYTHON, ROOT, get_counting_queries, migrated_database

DATABASE = "sc_bench_scale"


def emit(name: str, figure: float, unit: str, **parameters: object) -> None:
    print(json.dumps({"name": name, "figure": figure, "unit": unit, "parameters": parameters}), flush=True)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p * len(ordered)) - 1)], 1)  # nearest rank


def measure(runs: int, pages: int) -> None:
    """Run inside the benchmark's database (``DATABASE_URL`` set, national register built)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, Role, User
    from audit.context import SYSTEM, acting_as
    from deadlines.models import Deadline
    from deadlines.rules import to_london_date
    from operations.sweep import sweep_deadlines
    from organisations.models import Organisation, OrganisationKind
    from recommendations.models import Obligation

    def signed_in(email: str, organisation: Organisation, role: str) -> Client:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, password=None, full_name=email
        )
        Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="Phone", confirmed=True
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    force = Organisation.objects.get(kind=OrganisationKind.FORCE, name="Kent Police")
    hmicfrs = Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name="HMICFRS")
    scale = {
        "obligations": Obligation.objects.count(),
        "obligations_of_the_force": Obligation.objects.filter(organisation=force).count(),
        "database": connection.vendor,
    }
    targets = [
        (
            "casework dashboard",
            signed_in("bench.team@hmicfrs.example", hmicfrs, Role.CASEWORKER),
            "/casework/",
        ),
        (
            "portal home of a force",
            signed_in("bench.responder@kent.example", force, Role.RESPONDER),
            "/portal/",
        ),
        ("public page of an addressee force", Client(HTTP_HOST="127.0.0.1"), f"/organisations/{force.slug}/"),
    ]
    # The recommendations × addressees matrix of the widest published report (30 × 47 at national
    # scale), on the register and for staff.
    widest = (
        Obligation.objects.published()
        .values("recommendation__report__complaint__reference")
        .annotate(cells=Count("pk"))
        .order_by("-cells")
        .first()
    )
    if widest is not None:
        reference = widest["recommendation__report__complaint__reference"]
        targets += [
            (
                "public matrix of a report",
                Client(HTTP_HOST="127.0.0.1"),
                f"/super-complaints/{reference}/recommendations/",
            ),
            (
                "staff matrix of a report",
                signed_in("bench.team@hmicfrs.example", hmicfrs, Role.CASEWORKER),
                f"/casework/complaints/{reference}/report/responses/",
            ),
        ]
        scale["matrix_cells"] = widest["cells"]
    for name, client, path in targets:
        status, query_count = get_counting_queries(client, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        emit(f"{name}: p50", round(statistics.median(timings), 1), "ms", path=path, runs=runs, **scale)
        emit(f"{name}: p95", _percentile(timings, 0.95), "ms", path=path, runs=runs, **scale)
        emit(f"{name}: queries", query_count, "queries", path=path, **scale)

    # 4. The sweep, twice on one day: the second run must change nothing.
    today = to_london_date(timezone.now())
    rows = Deadline.objects.count()
    for run in ("first", "second"):
        started = time.perf_counter()
        with acting_as(SYSTEM):
            flagged = sweep_deadlines(today)
        emit(
            f"deadline sweep, {run} run",
            round(time.perf_counter() - started, 2),
            "s",
            deadlines=rows,
            flagged=sum(v for k, v in flagged.items() if k != "reports_released"),
            database=connection.vendor,
        )

    # 6. A long report: its published rendition to HTML and to PDF.
    report_html_and_pdf(pages)


def report_html_and_pdf(pages: int) -> None:
    from django.db import connection

    from audit.context import SYSTEM, acting_as
    from complaints.models import ComplaintState, SuperComplaint
    from organisations.models import Organisation
    from recommendations.services import add_recommendation
    from reports.models import ReportSection
    from reports.renditions import Rendition, render_html, render_report_pdf
    from reports.services import add_passage, create_report

    words = [
        "the",
        "force",
        "recorded",
        "the",
        "call",
        "and",
        "referred",
        "the",
        "victim",
        "to",
        "a",
        "support",
        "service",
        "without",
        "delay",
    ]
    complaint = SuperComplaint.objects.filter(state=ComplaintState.INVESTIGATING, report__isnull=True).first()
    if complaint is None:
        raise SystemExit("No complaint under investigation without a report: build more complaints.")
    passages = round(pages * 3.5)  # 150 words each: 3.5 to a rendered page (250 gave 72 pages)
    with acting_as(SYSTEM):
        report = create_report(complaint, title="A long report")
        for n in range(passages):
            section = ReportSection.STEPS_TAKEN if n < passages // 2 else ReportSection.CONCLUSIONS
            text = " ".join(words[(n + i) % len(words)] for i in range(150))
            add_passage(
                report,
                section=section,
                text=f"{n + 1}. {text}.",
                heading=f"Part {n + 1}" if n % 8 == 0 else "",
            )
        for r in range(30):
            add_recommendation(
                report,
                label=f"Recommendation {r + 1}",
                text=" ".join(words) + ".",
                organisations=[Organisation.objects.get(name="Home Office")],
            )
    started = time.perf_counter()
    html = render_html(report, Rendition.PUBLISHED)
    html_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_report_pdf(report, Rendition.PUBLISHED)
    pdf_seconds = time.perf_counter() - started
    import io

    from pypdf import PdfReader

    page_count = len(PdfReader(io.BytesIO(pdf)).pages)
    common = {
        "passages": passages,
        "pdf_pages": page_count,
        "html_bytes": len(html),
        "database": connection.vendor,
    }
    emit(f"{pages}-page report: to HTML", round(html_seconds, 2), "s", **common)
    emit(f"{pages}-page report: to PDF", round(pdf_seconds, 2), "s", **common)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--complaints", type=int, default=200)
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--recommendations", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.runs, args.pages)
        return 0
    with migrated_database(DATABASE, args.database, prefix="bench-scale-") as env:
        for script, extra in (
            (
                "bench/national.py",
                [
                    f"--complaints={args.complaints}",
                    f"--reports={args.reports}",
                    f"--recommendations={args.recommendations}",
                ],
            ),
            ("bench/scale.py", ["--measure-only", f"--runs={args.runs}", f"--pages={args.pages}"]),
        ):
            result = subprocess.run([PYTHON, script, *extra], cwd=ROOT, env=env, check=False)
            if result.returncode != 0:
                return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
