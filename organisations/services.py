"""Changes to organisations and designations, and loading them from the public record."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from organisations.models import (
    Criterion,
    CriterionFinding,
    CriterionKind,
    Designation,
    DesignationAssessment,
    Organisation,
    OrganisationKind,
)

ORGANISATION_FIELDS = ["kind", "name", "short_name", "slug", "verified"]
DESIGNATION_FIELDS = [
    "instrument",
    "made_on",
    "laid_on",
    "in_force_from",
    "revocation_instrument",
    "revoked_from",
]


class DesignationError(Exception):
    """A designation change the rules do not allow; the message is for the person who asked."""


def _create_organisation(**fields: Any) -> tuple[Organisation, bool]:
    """Create an organisation unless one of that kind and name exists. Staff edits are kept."""
    existing = Organisation.objects.filter(kind=fields["kind"], name=fields["name"]).first()
    if existing:
        return existing, False
    fields.setdefault("slug", _unique_slug(fields["name"]))
    organisation = Organisation.objects.create(**fields)
    record_event(
        action="organisation.created", obj=organisation, after=snapshot(organisation, ORGANISATION_FIELDS)
    )
    return organisation, True


def _unique_slug(name: str) -> str:
    base = slugify(name)[:110] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def add_designated_body(name: str, **fields: Any) -> Organisation:
    """Add a body about to be designated by regulations (its designation is recorded separately).

    Records ``organisation.created``. A body of that name already on the register is refused.
    """
    name = name.strip()
    if not name:
        raise DesignationError(_("Enter the name of the body."))
    with transaction.atomic():
        body, created = _create_organisation(kind=OrganisationKind.DESIGNATED_BODY, name=name, **fields)
        if not created:
            raise DesignationError(
                _("%(body)s is already on the register: choose it from the list.") % {"body": name}
            )
    return body


# --- Designations --------------------------------------------------------------------------------


def record_designation(
    body: Organisation,
    *,
    instrument: str,
    in_force_from: datetime.date,
    made_on: datetime.date | None = None,
    laid_on: datetime.date | None = None,
    notes: str = "",
) -> Designation:
    """Record that regulations designate a body (PRA 2002 s.29A(2); SI 2018/748 reg 3).

    From ``in_force_from`` on, the body may make super-complaints. Records ``designation.recorded``.
    """
    if body.kind != OrganisationKind.DESIGNATED_BODY:
        raise DesignationError(_("Only a body of the designated-body kind can be designated."))
    if not instrument.strip():
        raise DesignationError(
            _("Enter the instrument that makes the designation, for example SI 2018/748 reg 3(h).")
        )
    with transaction.atomic():
        overlapping = (
            body.designations.filter(revoked_from__isnull=True).exists()
            or body.designations.filter(revoked_from__gt=in_force_from).exists()
        )
        if overlapping:
            raise DesignationError(_("%(body)s is already designated on that date.") % {"body": body.name})
        designation = Designation.objects.create(
            body=body,
            instrument=instrument,
            in_force_from=in_force_from,
            made_on=made_on,
            laid_on=laid_on,
            notes=notes,
        )
        record_event(
            action="designation.recorded", obj=designation, after=snapshot(designation, DESIGNATION_FIELDS)
        )
    return designation


def designate_new_body(name: str, **designation: Any) -> Designation:
    """Add a body new to the register and record its designation (``record_designation``), together:
    if the designation is refused, the body is not added either.

    Records ``organisation.created`` and ``designation.recorded``.
    """
    with transaction.atomic():
        return record_designation(add_designated_body(name), **designation)


def record_revocation(
    designation: Designation, *, instrument: str, revoked_from: datetime.date
) -> Designation:
    """Record the revocation of a designation by regulations (SI 2018/412 reg 4).

    From ``revoked_from`` on, the body may no longer make super-complaints; complaints it made
    before then stand. Records ``designation.revoked``.
    """
    if not instrument.strip():
        raise DesignationError(_("Enter the instrument that revokes the designation."))
    with transaction.atomic():
        designation = Designation.objects.select_for_update().get(pk=designation.pk)
        if designation.revoked_from is not None:
            if (designation.revocation_instrument, designation.revoked_from) == (instrument, revoked_from):
                return designation
            raise DesignationError(_("This designation has already been revoked."))
        if revoked_from <= designation.in_force_from:
            raise DesignationError(_("A revocation must come into force after the designation did."))
        before = snapshot(designation, DESIGNATION_FIELDS)
        designation.revocation_instrument = instrument
        designation.revoked_from = revoked_from
        designation.save(update_fields=["revocation_instrument", "revoked_from"])
        record_event(
            action="designation.revoked",
            obj=designation,
            before=before,
            after=snapshot(designation, DESIGNATION_FIELDS),
        )
    return designation


def record_assessment(
    body: Organisation,
    *,
    kind: str,
    assessed_on: datetime.date,
    findings: dict[int, tuple[bool | None, str]],
    conclusion: str = "",
    designation: Designation | None = None,
) -> DesignationAssessment:
    """Record an assessment against the nine criteria (SI 2018/412 reg 3) or the revocation
    grounds (reg 4). ``findings`` maps a criterion number to (met or applies, notes).

    Records ``designation.assessed``.
    """
    criteria = {c.number: c for c in Criterion.objects.filter(kind=kind)}
    unknown = set(findings) - set(criteria)
    if unknown:
        raise DesignationError(_("There is no criterion numbered %(n)s.") % {"n": min(unknown)})
    with transaction.atomic():
        assessment = DesignationAssessment.objects.create(
            body=body, kind=kind, assessed_on=assessed_on, conclusion=conclusion, designation=designation
        )
        CriterionFinding.objects.bulk_create(
            CriterionFinding(assessment=assessment, criterion=criteria[n], met=met, notes=notes)
            for n, (met, notes) in sorted(findings.items())
        )
        record_event(
            action="designation.assessed",
            obj=assessment,
            after={
                "body": body.name,
                "kind": kind,
                "assessed_on": assessed_on,
                "findings": {str(n): met for n, (met, _notes) in sorted(findings.items())},
                "conclusion": conclusion,
            },
        )
    return assessment


# --- The public record ---------------------------------------------------------------------------


def load_organisations(directory: Path) -> dict[str, int]:
    """Load the organisations of the public record. Safe to run twice; never overwrites edits.

    Returns how many of each thing were created.
    """
    created = {
        "criteria": 0,
        "authorities": 0,
        "national_bodies": 0,
        "designated_bodies": 0,
        "designations": 0,
        "forces": 0,
        "local_policing_bodies": 0,
    }
    authorities = _read(directory / "authorities.json")
    bodies = _read(directory / "designated_bodies.json")
    forces = _read(directory / "police_forces.json")

    with transaction.atomic():
        for kind, key, listing in (
            (CriterionKind.DESIGNATION, "designation_criteria", "criteria"),
            (CriterionKind.REVOCATION, "revocation_grounds", "grounds"),
        ):
            section = bodies[key]
            for number, text in enumerate(section[listing], start=1):
                _criterion, made = Criterion.objects.get_or_create(
                    kind=kind, number=number, defaults={"text": text, "source": section["source"]}
                )
                created["criteria"] += made

        for entry in authorities["decision_making_authorities"]["bodies"]:
            _org, made = _create_organisation(
                kind=OrganisationKind.AUTHORITY,
                name=entry["name"],
                short_name=entry["short"],
                statutory_role=entry.get("statutory_role", ""),
                is_inspectorate=entry.get("inspectorate", False),
            )
            created["authorities"] += made
        for entry in authorities["other_recommendation_addressees"]["bodies"]:
            _org, made = _create_organisation(
                kind=OrganisationKind.NATIONAL_BODY, name=entry["name"], short_name=entry["short"]
            )
            created["national_bodies"] += made

        in_force = datetime.date.fromisoformat(bodies["designated_from"])
        for entry in bodies["bodies"]:
            body, made = _create_organisation(
                kind=OrganisationKind.DESIGNATED_BODY,
                name=entry["name"],
                name_cy=entry.get("name_cy", ""),
                also_known_as=entry.get("also_known_as", []),
                company_number=entry.get("company_number") or "",
                verified=entry.get("verified", True),
            )
            created["designated_bodies"] += made
            if not body.designations.exists():
                record_designation(
                    body,
                    instrument=f"{bodies['instrument']}({entry['reg3']})",
                    in_force_from=in_force,
                    laid_on=datetime.date(2018, 6, 25),
                    notes=" ".join(bodies.get("notes", [])[:1]),
                )
                created["designations"] += 1

        for entry in forces["forces"]:
            verified = entry.get("verified", True)
            lpb = None
            if entry.get("local_policing_body"):
                lpb, made = _create_organisation(
                    kind=OrganisationKind.LOCAL_POLICING_BODY,
                    name=entry["local_policing_body"],
                    name_cy=entry.get("local_policing_body_cy", ""),
                    lpb_kind=entry.get("lpb_kind") or "",
                    country=entry["country"],
                    verified=verified,
                )
                created["local_policing_bodies"] += made
            _force, made = _create_organisation(
                kind=OrganisationKind.FORCE,
                name=entry["name"],
                name_cy=entry.get("name_cy", ""),
                country=entry["country"],
                force_kind=entry["kind"],
                former_names=entry.get("former_names", []),
                accountable_to=entry.get("accountable_to") or "",
                local_policing_body=lpb,
                verified=verified,
            )
            created["forces"] += made
    return created


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def find_organisation(label: str) -> Organisation:
    """An organisation by its name or short name, as the public record names it."""
    match = (
        Organisation.objects.filter(name=label).first()
        or Organisation.objects.filter(short_name=label).first()
    )
    if match is None:
        raise Organisation.DoesNotExist(f"No organisation is named {label!r}.")
    return match
