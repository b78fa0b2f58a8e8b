"""A national-scale register, built through the services a person's actions call.

    DATABASE_URL=... .venv/bin/python bench/national.py [--complaints 200] [--reports 50]
        [--recommendations 30] [--responded 0.667] [--documents 0]

On a migrated database holding the public record (``migrate`` and ``load_public_record`` first),
builds ``--complaints`` demonstration complaints (``is_demonstration``: never taken for real ones),
each made by a designated body of the register, received, acknowledged, found eligible by the three
authorities and under investigation. ``--reports`` of them get a published report of
``--recommendations`` recommendations, each addressed to the 43 chief constables and the four other
forces (47 addressees: 50 x 30 x 47 = 70,500 obligations by default), every obligation with its
deadline in the ledger. A share ``--responded`` of the obligations then have a response submitted
(the response form is not built yet, so the row is written directly and the submission recorded by
``record_response_submitted``, which meets its deadline). ``--documents`` evidence documents of
about 2,000 words are stored, spread over the complaints (at least one each: reg 4 wants the
evidence relied on).

Everything happens ``--days-ago`` days before today (90 by default), so the unanswered obligations
are overdue when the sweep next runs. Letters are not rendered (a PDF each would dominate the time and measure nothing the benchmarks
read). Prints one JSON line per stage with its count and seconds, and a last line with the totals.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# A small vocabulary for documents, so full-text search has real words to find.
WORDS = [
    "victim",
    "police",
    "force",
    "officer",
    "referral",
    "support",
    "exploitation",
    "slavery",
    "trafficking",
    "custody",
    "safeguarding",
    "vulnerable",
    "witness",
    "statement",
    "investigation",
    "evidence",
    "interview",
    "training",
    "guidance",
    "national",
    "referral",
    "mechanism",
    "control",
    "room",
    "call",
    "handler",
    "risk",
    "assessment",
    "domestic",
    "abuse",
    "stalking",
    "harassment",
    "protection",
    "order",
    "charity",
    "advocate",
    "helpline",
    "report",
    "outcome",
    "recommendation",
    "inspection",
    "data",
    "return",
    "survivor",
    "experience",
    "trust",
    "confidence",
]


def stage(name: str, started: float, **figures: object) -> None:
    print(
        json.dumps({"name": name, "seconds": round(time.perf_counter() - started, 1), **figures}), flush=True
    )


def build(
    *,
    complaints: int,
    reports: int,
    recommendations: int,
    responded: float,
    documents: int,
    seed: int,
    days_ago: int,
) -> dict[str, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from audit.context import SYSTEM, acting_as
    from complaints import drafts
    from complaints import services as complaint_services
    from complaints.models import EligibilityDecision, ForcesScope, SuperComplaint
    from evidence.services import store_document
    from organisations.models import Organisation, OrganisationKind
    from recommendations.models import AddresseeGroup, Obligation, Response, ResponseState
    from recommendations.services import add_recommendation, ensure_standard_groups, record_response_submitted
    from reports.publication import publish_report, sign_off_report
    from reports.services import create_report

    rng = random.Random(seed)
    # Everything happened ``days_ago``: the unanswered obligations are overdue today.
    now = timezone.now() - datetime.timedelta(days=days_ago)
    bodies = list(Organisation.objects.filter(kind=OrganisationKind.DESIGNATED_BODY).order_by("pk"))
    authorities = {
        short: Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name=short)
        for short in ("HMICFRS", "IOPC", "College")
    }
    ensure_standard_groups()
    chief_constables = AddresseeGroup.objects.get(slug="chief-constables")
    other_forces = list(Organisation.objects.forces().exclude(force_kind="territorial").order_by("name"))
    if not bodies or len(other_forces) != 4:
        raise SystemExit("Load the public record first (manage.py load_public_record).")

    def _respond(obligation: Obligation) -> None:
        Response.objects.create(
            obligation=obligation,
            state=ResponseState.SUBMITTED,
            status=rng.choice(["accepted", "partially_accepted", "not_accepted", "already_in_place"]),
            reasons=words(30),
            explanation=words(30),
            submitted_at=now,
        )
        record_response_submitted(obligation, at=now)

    def words(count: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(count))

    built: list[SuperComplaint] = []
    stored = 0
    started = time.perf_counter()
    with acting_as(SYSTEM):
        for n in range(complaints):
            with transaction.atomic():
                complaint = drafts.create_draft(bodies[n % len(bodies)], None, demonstration=True)
                complaint = drafts.update_about(
                    complaint,
                    title=f"National-scale complaint {n + 1}: {words(5)}",
                    subject=words(60),
                    harm_explanation=words(40),
                    expected_version=None,
                )
                drafts.add_feature(
                    complaint,
                    text=words(20),
                    harms=[drafts.HarmText(words(12), "Distress", "National", "Victims")],
                )
                drafts.set_forces(complaint, scope=ForcesScope.ALL, expected_version=None)
                # The body's evidence, uploaded to its draft as the portal does.
                for _ in range(max(1, documents // complaints + (1 if n < documents % complaints else 0))):
                    number = stored + 1
                    text = f"Evidence document {number}. " + words(2000) + "\n"
                    document = store_document(
                        SimpleUploadedFile(
                            f"evidence-{number}.txt", text.encode(), content_type="text/plain"
                        ),
                        description=f"Evidence document {number}",
                    )
                    drafts.add_evidence(
                        complaint, document=document, description=f"Evidence document {number}"
                    )
                    stored += 1
                complaint = drafts.update_contact(
                    complaint,
                    name="Bench Contact",
                    role="Policy lead",
                    email=f"contact{n}@bench.example",
                    phone="",
                    expected_version=None,
                )
                complaint = drafts.submit_draft(complaint, expected_version=None, at=now)
                complaint = complaint_services.acknowledge_complaint(complaint, at=now)
                for authority in authorities.values():
                    complaint_services.record_position(
                        complaint, authority=authority, position="eligible", reasons=words(15)
                    )
                complaint_services.decide_eligibility(
                    SuperComplaint.objects.get(pk=complaint.pk),
                    outcome="eligible",
                    reasons=words(20),
                    checklist=dict.fromkeys(EligibilityDecision.REG4_CHECKLIST, True),
                    repeat_finding="not_a_repeat",
                    at=now,
                )
                built.append(
                    complaint_services.start_investigation(
                        SuperComplaint.objects.get(pk=complaint.pk), lead_authority=authorities["HMICFRS"]
                    )
                )
        stage("complaints", started, count=len(built), documents=stored)

        started = time.perf_counter()
        for n, complaint in enumerate(built[:reports]):
            with transaction.atomic():
                report = create_report(complaint, title=f"National-scale report {n + 1}")
                for r in range(recommendations):
                    add_recommendation(
                        report,
                        label=f"Recommendation {r + 1}",
                        text=words(40),
                        groups=[chief_constables],
                        organisations=other_forces,
                    )
                for authority in authorities.values():
                    sign_off_report(report, authority=authority, at=now)
                publish_report(report, at=now)
        obligations = Obligation.objects.filter(recommendation__report__complaint__in=built)
        stage("published reports", started, count=min(reports, len(built)), obligations=obligations.count())

        started = time.perf_counter()
        answered = 0
        chosen = [
            pk for pk in obligations.order_by("pk").values_list("pk", flat=True) if rng.random() < responded
        ]
        for batch in range(0, len(chosen), 500):  # one transaction a batch: one commit, not 500
            with transaction.atomic():
                for obligation in Obligation.objects.filter(pk__in=chosen[batch : batch + 500]).order_by(
                    "pk"
                ):
                    _respond(obligation)
            answered += len(chosen[batch : batch + 500])
        stage("responses", started, count=answered)

    return {
        "complaints": len(built),
        "documents": stored,
        "obligations": obligations.count(),
        "responses": answered,
    }


def main() -> int:
    import django

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--complaints", type=int, default=200)
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--recommendations", type=int, default=30)
    parser.add_argument("--responded", type=float, default=2 / 3)
    parser.add_argument("--documents", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--days-ago", type=int, default=90, help="when it all happened (default 90 days ago)")
    args = parser.parse_args()
    django.setup()
    started = time.perf_counter()
    totals = build(
        complaints=args.complaints,
        reports=args.reports,
        recommendations=args.recommendations,
        responded=args.responded,
        documents=args.documents,
        seed=args.seed,
        days_ago=args.days_ago,
    )
    stage("national register", started, **totals, parameters=vars(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
