"""Loading the public record shipped in ``data/public_record/``: the organisations, and the
super-complaints with their reports and recommendations.

It sits above the domain apps because it coordinates several of them. Each run creates what is
missing and applies corrections to what exists, field by field, under one rule
(docs/public-record.md):

- every value the loader writes is remembered (``operations.models.LoadedValue``);
- a later run replaces a field only while it still holds the value last loaded, so a staff edit
  always stands;
- where nothing is remembered (a database loaded before this rule existed), the field is replaced
  only while it holds a value an earlier record shipped: a value the entry lists under
  ``superseded``, or the empty value of a field the earlier loader never wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from audit.services import record_event
from common.partial_dates import PartialDate
from complaints.models import (
    ComplaintState,
    DecidedBy,
    EligibilityDecision,
    ForcesScope,
    Position,
    SuperComplaint,
)
from complaints.services import import_historical_complaint
from operations.models import LoadedValue
from organisations.models import Organisation, OrganisationKind
from organisations.services import find_organisation, load_organisations
from recommendations.models import AddresseeGroup
from recommendations.services import add_recommendation, ensure_standard_groups, expand_addressees
from reports.models import DmaAction, Report, ReportState

STATES = {
    "investigating": ComplaintState.INVESTIGATING,
    "report_published": ComplaintState.REPORT_PUBLISHED,
}


def load_public_record(directory: Path) -> dict[str, int]:
    """Load everything in the public record. Safe to run again: it creates what is missing and
    applies corrections, but never overwrites a value staff have changed.

    Returns how many things were created, and how many fields were ``corrected`` and ``kept``
    (a correction not applied because staff had changed the value). Records
    ``public_record.corrected`` for each correction and ``public_record.loaded`` once.
    """
    with transaction.atomic():
        counts = load_organisations(directory)
        counts["addressee_groups"] = ensure_standard_groups()
        counts["super_complaints"] = 0
        loader = _Corrections()
        _correct_organisations(directory, loader)
        record = _read(directory / "super_complaints.json")
        entries = sorted(record["super_complaints"], key=lambda e: PartialDate.parse(e["received"]))
        for entry in entries:
            counts["super_complaints"] += _load_complaint(entry, loader)
        loader.save()
        counts["corrected"] = loader.corrected
        counts["kept"] = loader.kept
        record_event(action="public_record.loaded", after={"created": counts})
    return counts


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


# --- Applying a field ------------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    """A field's value as JSON, the form in which it is remembered and compared."""
    if isinstance(value, PartialDate):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


# Fields the loader did not write before it remembered what it wrote: where nothing is
# remembered, their empty value is what it last loaded.
NOT_LOADED_BEFORE = frozenset({"name_cy", "title_cy", "made_with", "publication_url", "unverified_facts"})


def _empty(instance: models.Model, field: str) -> Any:
    model_field = instance._meta.get_field(field)
    assert isinstance(model_field, models.Field)  # the loader writes concrete fields only
    if model_field.has_default():
        return _stored(model_field.get_default())
    return None if model_field.null else ""


class _Corrections:
    """Applies the record's value of each field, under the rule in the module docstring."""

    def __init__(self) -> None:
        self.corrected = 0
        self.kept = 0
        # Every remembered value, read once; ``save`` writes what changed in two statements, where
        # a query per field made remembering most of a load's work.
        self._loaded = {(row.model, row.object_id, row.field): row for row in LoadedValue.objects.all()}
        self._changed: set[tuple[str, int, str]] = set()

    def remember(self, instance: models.Model, values: dict[str, Any]) -> None:
        """Note the values just written to a newly created row."""
        for field, value in values.items():
            self._remember(instance, field, _stored(value))

    def apply(
        self, instance: models.Model, values: dict[str, Any], superseded: dict[str, list[Any]] | None = None
    ) -> None:
        superseded = superseded or {}
        changes: dict[str, tuple[Any, Any]] = {}
        for field, value in values.items():
            new = _stored(value)
            current = _stored(getattr(instance, field))
            if current == new:
                self._remember(instance, field, new)
                continue
            remembered = self._loaded.get((instance._meta.label_lower, instance.pk, field))
            if remembered is not None:
                loaded_before = [remembered.value]
            else:
                loaded_before = list(superseded.get(field, []))
                if field in NOT_LOADED_BEFORE:
                    loaded_before.append(_empty(instance, field))
            if current in loaded_before:
                changes[field] = (current, value)
            else:
                self.kept += 1
        if changes:
            self._correct(instance, changes)

    def _correct(self, instance: models.Model, changes: dict[str, tuple[Any, Any]]) -> None:
        """Write the corrections to one row: lock, change with ``update_fields``, audit, remember."""
        locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        for field, (_before, value) in changes.items():
            setattr(locked, field, value)
            setattr(instance, field, value)
        locked.save(update_fields=list(changes))
        record_event(
            action="public_record.corrected",
            obj=locked,
            before={field: before for field, (before, _value) in changes.items()},
            after={field: _stored(value) for field, (_before, value) in changes.items()},
        )
        for field, (_before, value) in changes.items():
            self._remember(locked, field, _stored(value))
        self.corrected += len(changes)

    def _remember(self, instance: models.Model, field: str, value: Any) -> None:
        key = (instance._meta.label_lower, instance.pk, field)
        row = self._loaded.get(key)
        if row is None:
            row = self._loaded[key] = LoadedValue(model=key[0], object_id=key[1], field=field)
        elif row.value == value:
            return
        row.value = value
        self._changed.add(key)

    def save(self) -> None:
        """Write the values remembered since the last ``save``: new rows, then changed ones."""
        rows = [self._loaded[key] for key in sorted(self._changed)]
        now = timezone.now()
        for row in rows:
            row.loaded_at = now  # auto_now is not applied by bulk_update
        new = [row for row in rows if row.pk is None]
        changed = [row for row in rows if row.pk is not None]
        LoadedValue.objects.bulk_create(new)
        LoadedValue.objects.bulk_update(changed, ["value", "loaded_at"])
        self._changed.clear()


# --- Organisations ---------------------------------------------------------------------------------


def _correct_organisations(directory: Path, loader: _Corrections) -> None:
    """The facts about organisations a correction may change: Welsh names, country, verification.
    ``load_organisations`` creates them; this keeps them in step with the record."""
    forces = _read(directory / "police_forces.json")
    bodies = _read(directory / "designated_bodies.json")
    for entry in forces["forces"]:
        verified = entry.get("verified", True)
        force = Organisation.objects.get(kind=OrganisationKind.FORCE, name=entry["name"])
        loader.apply(
            force,
            {"name_cy": entry.get("name_cy", ""), "country": entry["country"], "verified": verified},
            entry.get("superseded"),
        )
        if entry.get("local_policing_body"):
            lpb = Organisation.objects.get(
                kind=OrganisationKind.LOCAL_POLICING_BODY, name=entry["local_policing_body"]
            )
            loader.apply(
                lpb,
                {
                    "name_cy": entry.get("local_policing_body_cy", ""),
                    "country": entry["country"],
                    "verified": verified,
                },
            )
    for entry in bodies["bodies"]:
        body = Organisation.objects.get(kind=OrganisationKind.DESIGNATED_BODY, name=entry["name"])
        loader.apply(body, {"name_cy": entry.get("name_cy", ""), "verified": entry.get("verified", True)})


# --- Super-complaints ------------------------------------------------------------------------------


def _complaint_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The complaint's fields that the record gives and a correction may change."""
    return {
        "title": entry["title"],
        "title_cy": entry.get("title_cy", ""),
        "subject": entry.get("subject", ""),
        "on_behalf_of": entry.get("on_behalf_of", ""),
        "made_with": entry.get("made_with", ""),
        "recurring_theme": entry.get("recurring_theme", ""),
        "evidence_summary": entry.get("evidence_described", ""),
        "forces_scope": ForcesScope.ALL if entry.get("forces_concerned") == "all" else "",
        "publication_url": entry.get("publication_url", ""),
        "unverified_facts": list(entry.get("unverified", [])),
    }


def _report_fields(entry: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    notes = {
        key: entry[key]
        for key in ("recommendation_addressees", "dma_actions_for", "responses_known", "response_deadlines")
        if key in entry
    }
    return {
        "title": data["title"],
        "title_verified": data.get("title_verified", True),
        "published_on": PartialDate.parse(data["published"]),
        "findings_summary": data.get("findings_summary", ""),
        "recommendation_count": data.get("recommendation_count"),
        "public_record_notes": notes,
        "publication_url": data.get("publication_url", ""),
    }


def _superseded(entry: dict[str, Any], prefix: str) -> dict[str, list[Any]]:
    """The entry's ``superseded`` values for one row: "report.title" for the report, "title" for
    the complaint."""
    found: dict[str, list[Any]] = {}
    for key, values in (entry.get("superseded") or {}).items():
        owner, _dot, field = key.rpartition(".")
        if owner == prefix:
            found[field] = list(values)
    return found


def _load_complaint(entry: dict[str, Any], loader: _Corrections) -> int:
    received_on = PartialDate.parse(entry["received"])
    report_entry = entry.get("report")
    fields = _complaint_fields(entry)
    state = ComplaintState.REPORT_PUBLISHED if report_entry else STATES[entry.get("stage", "investigating")]
    complaint, created = import_historical_complaint(
        key=entry.get("key") or slugify(entry["title"])[:120],
        state=state,
        complainants=[find_organisation(name) for name in entry["complainants"]],
        received_on=received_on,
        fields={
            **fields,
            "lead_authority": find_organisation(entry["lead_authority"])
            if entry.get("lead_authority")
            else None,
        },
    )
    if not created:
        loader.apply(complaint, fields, _superseded(entry, ""))
        report = Report.objects.filter(complaint=complaint).first()
        if report_entry and report is not None:
            loader.apply(report, _report_fields(entry, report_entry), _superseded(entry, "report"))
        return 0
    loader.remember(complaint, fields)
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
        _load_report(complaint, entry, report_entry, loader)
    return 1


def _load_report(
    complaint: SuperComplaint, entry: dict[str, Any], data: dict[str, Any], loader: _Corrections
) -> None:
    fields = _report_fields(entry, data)
    report = Report.objects.create(complaint=complaint, state=ReportState.PUBLISHED, **fields)
    loader.remember(report, fields)
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
