"""Loading the super-complaints of the public record, with their reports and recommendations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from audit.services import record_event
from common.partial_dates import PartialDate
from complaints.models import ComplaintState, DecidedBy, EligibilityDecision, ForcesScope, Position
from complaints.services import import_historical_complaint
from organisations.models import Organisation
from organisations.services import find_organisation, load_organisations
from recommendations.models import AddresseeGroup
from recommendations.services import add_recommendation, ensure_standard_groups, expand_addressees
from reports.models import DmaAction, Report, ReportState


def load_public_record(directory: Path) -> dict[str, int]:
    """Load everything in the public record. Safe to run twice; never overwrites staff edits."""
    with transaction.atomic():
        counts = load_organisations(directory)
        counts["addressee_groups"] = ensure_standard_groups()
        counts["super_complaints"] = 0
        with (directory / "super_complaints.json").open(encoding="utf-8") as handle:
            record = json.load(handle)
        entries = sorted(record["super_complaints"], key=lambda e: PartialDate.parse(e["received"]))
        for entry in entries:
            counts["super_complaints"] += _load_complaint(entry)
        record_event(action="public_record.loaded", after={"created": counts})
    return counts


def _load_complaint(entry: dict[str, Any]) -> int:
    received_on = PartialDate.parse(entry["received"])
    report_entry = entry.get("report")
    complaint, created = import_historical_complaint(
        key=slugify(entry["title"])[:120],
        state=ComplaintState.REPORT_PUBLISHED if report_entry else ComplaintState.INVESTIGATING,
        complainants=[find_organisation(name) for name in entry["complainants"]],
        received_on=received_on,
        fields={
            "title": entry["title"],
            "subject": entry.get("subject", ""),
            "on_behalf_of": entry.get("on_behalf_of", ""),
            "recurring_theme": entry.get("recurring_theme", ""),
            "evidence_summary": entry.get("evidence_described", ""),
            "forces_scope": ForcesScope.ALL if entry.get("forces_concerned") == "all" else "",
            "lead_authority": find_organisation(entry["lead_authority"])
            if entry.get("lead_authority")
            else None,
        },
    )
    if not created:
        return 0
    for position, text in enumerate(entry.get("features_of_policing", []), start=1):
        complaint.features.create(position=position, text=text)
    if entry.get("evidence_described"):
        complaint.evidence_items.create(description=entry["evidence_described"])

    decision = entry.get("eligibility_decision")
    if decision:
        EligibilityDecision.objects.create(
            complaint=complaint,
            outcome=Position.ELIGIBLE if decision["outcome"] == "eligible" else Position.NOT_ELIGIBLE,
            decided_on=PartialDate.parse(decision["date"]) if decision.get("date") else None,
            decided_by=DecidedBy.PUBLIC_RECORD,
            note=decision.get("note", ""),
        )
    if report_entry:
        _load_report(complaint, entry, report_entry)
    return 1


def _load_report(complaint: Any, entry: dict[str, Any], data: dict[str, Any]) -> None:
    notes = {
        key: entry[key]
        for key in ("recommendation_addressees", "dma_actions_for", "responses_known", "response_deadlines")
        if key in entry
    }
    report = Report.objects.create(
        complaint=complaint,
        state=ReportState.PUBLISHED,
        title=data["title"],
        title_verified=data.get("title_verified", True),
        published_on=PartialDate.parse(data["published"]),
        findings_summary=data.get("findings_summary", ""),
        recommendation_count=data.get("recommendation_count"),
        public_record_notes=notes,
    )
    record_event(
        action="report.loaded_from_public_record",
        obj=report,
        after={"title": report.title, "published_on": data["published"], "state": report.state},
    )
    for position, action in enumerate(data.get("dma_actions", []), start=1):
        DmaAction.objects.create(
            report=report,
            reference=action["ref"],
            authority=find_organisation(action["by"]),
            text=action["text"],
            position=position,
        )
    for item in data.get("recommendations", []):
        groups, organisations = _addressees(item["addressee"])
        text = item["text_known"]
        verified = "not verified" not in text and "paraphrase" not in item["ref"]
        recommendation = add_recommendation(
            report,
            label=item["ref"],
            text=text,
            groups=groups,
            organisations=organisations,
            text_verified=verified,
        )
        expand_addressees(recommendation)


def _addressees(label: str) -> tuple[list[AddresseeGroup], list[Organisation]]:
    group = AddresseeGroup.objects.filter(name=label).first()
    if group:
        return [group], []
    return [], [find_organisation(label)]
