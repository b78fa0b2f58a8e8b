"""Editing a draft super-complaint, section by section, before the body submits it.

Each function is one save of one section: it locks the complaint, refuses a draft that is no longer a
draft and a save made from a stale form (``expected_version``, see ``complaints.services.check_version``),
writes inside one transaction, bumps the version and records its audit event in that transaction.
Additions (a feature, an evidence file) are never refused for a stale version: they overwrite
nothing, and refusing an upload would throw away the file the person chose.

What a complaint must contain is SI 2018/748 reg 4; ``complaints.services.submission_problems``
says what is still missing and ``submit_draft`` sends it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from audit.services import record_event, snapshot
from complaints.models import (
    ComplaintLanguage,
    ComplaintState,
    EvidenceItem,
    Feature,
    ForcesScope,
    Harm,
    SuperComplaint,
)
from complaints.services import ComplaintError, InvalidTransition, check_version, submit_complaint
from evidence.models import Document
from organisations.models import Organisation, OrganisationKind

ABOUT_FIELDS = ["title", "subject", "harm_explanation"]
CONTACT_FIELDS = ["contact_name", "contact_role", "contact_email", "contact_phone"]
HARM_FIELDS = ("description", "nature", "scale", "vulnerable_groups")


@dataclass(frozen=True)
class HarmText:
    """One harm a feature causes, as the body describes it (guidance under SI 2018/748 reg 4)."""

    description: str
    nature: str = ""
    scale: str = ""
    vulnerable_groups: str = ""


def _lock_draft(complaint: SuperComplaint, expected_version: int | None) -> SuperComplaint:
    locked = SuperComplaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.state != ComplaintState.DRAFT:
        raise InvalidTransition(_("This super-complaint has been submitted, so it can no longer be changed."))
    check_version(locked, expected_version)
    return locked


def _saved(complaint: SuperComplaint, fields: Iterable[str] = ()) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _feature_snapshot(feature: Feature) -> dict[str, Any]:
    return {
        "position": feature.position,
        "text": feature.text,
        "harms": [{name: getattr(h, name) for name in HARM_FIELDS} for h in feature.harms.all()],
    }


def _clean_harms(harms: Sequence[HarmText]) -> list[HarmText]:
    kept = [h for h in harms if any(getattr(h, name).strip() for name in HARM_FIELDS)]
    if not kept or any(not h.description.strip() for h in kept):
        raise ComplaintError(_("Describe at least one harm the feature causes."))
    return kept


def _check_text(text: str) -> str:
    if not text.strip():
        raise ComplaintError(_("Enter the feature of policing."))
    return text.strip()


def _renumber(complaint: SuperComplaint) -> None:
    for position, feature in enumerate(complaint.features.order_by("position", "pk"), start=1):
        if feature.position != position:
            feature.position = position
            feature.save(update_fields=["position"])


# --- The draft itself ----------------------------------------------------------------------------


def create_draft(
    body: Organisation, user: Any, *, language: str = "en", demonstration: bool = False
) -> SuperComplaint:
    """Start a draft super-complaint for a designated body (PRA 2002 s.29A), to be written in
    ``language`` (English or Welsh). ``demonstration`` marks it as demonstration data
    (``manage.py demo_lifecycle``), shown as such wherever it appears.

    Only the body's own members may do this (the caller asks ``access.rules``). A body not designated
    today may still prepare a draft; it is told at submission if it still cannot make a complaint.
    Records ``complaint.draft_created``.
    """
    if body.kind != OrganisationKind.DESIGNATED_BODY:
        raise ComplaintError(_("Only a designated body can make a super-complaint."))
    if language not in ComplaintLanguage.values:
        raise ComplaintError(_("A super-complaint can be written in English or Welsh."))
    with transaction.atomic():
        complaint = SuperComplaint.objects.create(
            title="", created_by=user, language=language, is_demonstration=demonstration
        )
        complaint.complainant_set.create(body=body, position=1)
        after: dict[str, Any] = {"body": body.name, "version": 1, "language": language}
        if demonstration:
            after["is_demonstration"] = True
        record_event(action="complaint.draft_created", obj=complaint, after=after)
    return complaint


def update_about(
    complaint: SuperComplaint,
    *,
    title: str,
    subject: str,
    harm_explanation: str,
    expected_version: int | None,
) -> SuperComplaint:
    """Save the title, the summary and why the features are, or appear to be, significantly harming
    the interests of the public (PRA 2002 s.29A(1); SI 2018/748 reg 4(2)(b)).

    Records ``complaint.about_updated``.
    """
    with transaction.atomic():
        complaint = _lock_draft(complaint, expected_version)
        before = snapshot(complaint, ABOUT_FIELDS)
        complaint.title, complaint.subject, complaint.harm_explanation = (
            title.strip(),
            subject.strip(),
            harm_explanation.strip(),
        )
        _saved(complaint, ABOUT_FIELDS)
        record_event(
            action="complaint.about_updated",
            obj=complaint,
            before=before,
            after=snapshot(complaint, ABOUT_FIELDS),
        )
    return complaint


# --- Features of policing (reg 4(2)(a)) ----------------------------------------------------------


def add_feature(
    complaint: SuperComplaint, *, text: str, harms: Sequence[HarmText], expected_version: int | None = None
) -> Feature:
    """Add a feature of policing, with the harms it causes, at the end of the list.

    Refuses an empty feature and a feature without a described harm. Records
    ``complaint.feature_added``.
    """
    text = _check_text(text)
    kept = _clean_harms(harms)
    with transaction.atomic():
        complaint = _lock_draft(complaint, expected_version)
        last = complaint.features.order_by("-position").values_list("position", flat=True).first() or 0
        feature = complaint.features.create(position=last + 1, text=text)
        Harm.objects.bulk_create(
            Harm(feature=feature, **{name: getattr(h, name).strip() for name in HARM_FIELDS}) for h in kept
        )
        _saved(complaint)
        record_event(action="complaint.feature_added", obj=complaint, after=_feature_snapshot(feature))
    return feature


def update_feature(
    feature: Feature, *, text: str, harms: Sequence[HarmText], expected_version: int | None
) -> Feature:
    """Change a feature's text and replace its harms. Records ``complaint.feature_updated``."""
    text = _check_text(text)
    kept = _clean_harms(harms)
    with transaction.atomic():
        complaint = _lock_draft(feature.complaint, expected_version)
        feature = complaint.features.get(pk=feature.pk)
        before = _feature_snapshot(feature)
        feature.text = text
        feature.save(update_fields=["text"])
        feature.harms.all().delete()
        Harm.objects.bulk_create(
            Harm(feature=feature, **{name: getattr(h, name).strip() for name in HARM_FIELDS}) for h in kept
        )
        _saved(complaint)
        record_event(
            action="complaint.feature_updated", obj=complaint, before=before, after=_feature_snapshot(feature)
        )
    return feature


def move_feature(feature: Feature, *, direction: str, expected_version: int | None) -> Feature:
    """Move a feature one place ``"up"`` or ``"down"`` the list. At either end, nothing changes.

    Records ``complaint.feature_moved``.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    with transaction.atomic():
        complaint = _lock_draft(feature.complaint, expected_version)
        _renumber(complaint)
        features = list(complaint.features.order_by("position", "pk"))
        index = next(i for i, f in enumerate(features) if f.pk == feature.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(features):
            return features[index]
        moving, neighbour = features[index], features[other]
        before = [f.pk for f in features]
        moving.position, neighbour.position = neighbour.position, moving.position
        moving.save(update_fields=["position"])
        neighbour.save(update_fields=["position"])
        _saved(complaint)
        record_event(
            action="complaint.feature_moved",
            obj=complaint,
            before={"order": before},
            after={"order": list(complaint.features.order_by("position").values_list("pk", flat=True))},
        )
    return moving


def remove_feature(feature: Feature, *, expected_version: int | None) -> None:
    """Remove a feature and its harms; the features after it move up. Records
    ``complaint.feature_removed``."""
    with transaction.atomic():
        complaint = _lock_draft(feature.complaint, expected_version)
        feature = complaint.features.get(pk=feature.pk)
        before = _feature_snapshot(feature)
        feature.delete()
        _renumber(complaint)
        _saved(complaint)
        record_event(action="complaint.feature_removed", obj=complaint, before=before)


# --- Forces concerned ----------------------------------------------------------------------------


def set_forces(
    complaint: SuperComplaint,
    *,
    scope: str,
    forces: Iterable[Organisation] = (),
    expected_version: int | None,
) -> SuperComplaint:
    """Say which forces the complaint concerns: all forces in England and Wales, or named ones
    (PRA 2002 s.29A(1): "one or more than one police force").

    Records ``complaint.forces_set``.
    """
    if scope not in ForcesScope.values:
        raise ComplaintError(_("Say which forces the complaint concerns."))
    named = list(forces) if scope == ForcesScope.NAMED else []
    if any(f.kind != OrganisationKind.FORCE for f in named):
        raise ComplaintError(_("Only police forces can be named as the forces concerned."))
    if scope == ForcesScope.NAMED and not named:
        raise ComplaintError(_("Select the forces the complaint concerns."))
    with transaction.atomic():
        complaint = _lock_draft(complaint, expected_version)
        before = snapshot(complaint, ["forces_scope", "forces"])
        complaint.forces_scope = scope
        complaint.forces.set(named)
        _saved(complaint, ["forces_scope"])
        record_event(
            action="complaint.forces_set",
            obj=complaint,
            before=before,
            after=snapshot(complaint, ["forces_scope", "forces"]),
        )
    return complaint


# --- Evidence (reg 4(2)(c)) ----------------------------------------------------------------------


def evidence_total(complaint: SuperComplaint) -> int:
    """The size in bytes of all the files in the complaint's evidence (for the 200 MB limit)."""
    total = complaint.evidence_items.filter(document__isnull=False).aggregate(total=Sum("document__size"))
    return int(total["total"] or 0)


def add_evidence(
    complaint: SuperComplaint, *, document: Document, description: str, expected_version: int | None = None
) -> EvidenceItem:
    """Add a stored document (``evidence.services.store_document``) to the evidence relied on.

    The complaint's files together may hold at most ``EVIDENCE_MAX_SUBMISSION_SIZE`` (200 MB):
    checked here under the draft's lock, so two uploads at once cannot pass it together
    (``ComplaintError``; the caller removes the stored document). Records ``complaint.evidence_added``.
    """
    from evidence.checks import max_submission_size
    from evidence.services import submission_limit_message

    if not description.strip():
        raise ComplaintError(_("Describe the file and what it shows."))
    with transaction.atomic():
        complaint = _lock_draft(complaint, expected_version)
        if evidence_total(complaint) + document.size > max_submission_size():
            raise ComplaintError(submission_limit_message(document.original_name))
        last = complaint.evidence_items.order_by("-position").values_list("position", flat=True).first() or 0
        item = complaint.evidence_items.create(
            description=description.strip(), document=document, position=last + 1
        )
        _saved(complaint)
        record_event(
            action="complaint.evidence_added",
            obj=complaint,
            after={"item": item.pk, "document": document.pk, "name": document.original_name},
        )
    return item


def remove_evidence(item: EvidenceItem, *, expected_version: int | None) -> None:
    """Take an item out of the evidence. Its stored file goes too: it was never sent to anyone.

    Records ``complaint.evidence_removed`` (and ``document.deleted``).
    """
    from evidence.services import delete_document

    with transaction.atomic():
        complaint = _lock_draft(item.complaint, expected_version)
        item = complaint.evidence_items.select_related("document").get(pk=item.pk)
        document = item.document
        before = {
            "item": item.pk,
            "description": item.description,
            "document": document.pk if document else None,
            "name": document.original_name if document else "",
        }
        item.delete()
        if document is not None and not EvidenceItem.objects.filter(document=document).exists():
            delete_document(document)
        _saved(complaint)
        record_event(action="complaint.evidence_removed", obj=complaint, before=before)


# --- Contact (reg 4(3)) --------------------------------------------------------------------------


def update_contact(
    complaint: SuperComplaint,
    *,
    name: str,
    role: str,
    email: str,
    phone: str,
    expected_version: int | None,
) -> SuperComplaint:
    """Save the individual representing the body who may be contacted (SI 2018/748 reg 4(3)).

    Records ``complaint.contact_updated``.
    """
    with transaction.atomic():
        complaint = _lock_draft(complaint, expected_version)
        before = snapshot(complaint, CONTACT_FIELDS)
        complaint.contact_name, complaint.contact_role = name.strip(), role.strip()
        complaint.contact_email, complaint.contact_phone = email.strip(), phone.strip()
        _saved(complaint, CONTACT_FIELDS)
        record_event(
            action="complaint.contact_updated",
            obj=complaint,
            before=before,
            after=snapshot(complaint, CONTACT_FIELDS),
        )
    return complaint


# --- Submission ----------------------------------------------------------------------------------


def submit_draft(
    complaint: SuperComplaint, *, expected_version: int | None, at: datetime.datetime | None = None
) -> SuperComplaint:
    """Submit the draft the person checked (``complaints.services.submit_complaint``).

    A draft changed by someone else since the person checked their answers is refused
    (``StaleEdit``): they must check it again. A complaint already submitted is returned as it is,
    so a double click or a resubmitted form gives the same complaint and one ``complaint.submitted``.
    """
    with transaction.atomic():
        locked = SuperComplaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state == ComplaintState.DRAFT:
            check_version(locked, expected_version)
        return submit_complaint(locked, at=at)
