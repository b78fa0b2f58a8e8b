"""The task list of a draft super-complaint: its sections and how far each has got.

A section's status is read from what is saved, never stored, so it cannot disagree with the draft.
What each section must hold follows SI 2018/748 reg 4 and the guidance asking, per feature, for
each harm with its nature and scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import ForcesScope, SuperComplaint

COMPLETED = "completed"
INCOMPLETE = "incomplete"
NOT_STARTED = "not_started"
CANNOT_START = "cannot_start"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url: str
    status: str
    hint: str = ""

    @property
    def status_label(self) -> str:
        return {
            COMPLETED: _("Completed"),
            INCOMPLETE: _("Incomplete"),
            NOT_STARTED: _("Not yet started"),
            CANNOT_START: _("Cannot start yet"),
        }[self.status]

    @property
    def has_link(self) -> bool:
        return self.status != CANNOT_START


def _filled(*values: str) -> str:
    present = [bool((v or "").strip()) for v in values]
    if all(present):
        return COMPLETED
    return INCOMPLETE if any(present) else NOT_STARTED


def _features_status(complaint: SuperComplaint) -> str:
    features = list(complaint.features.all())
    if not features:
        return NOT_STARTED
    for feature in features:
        harms = list(feature.harms.all())
        if not feature.text.strip() or not any(h.description.strip() for h in harms):
            return INCOMPLETE
    return COMPLETED


def _forces_status(complaint: SuperComplaint) -> str:
    if not complaint.forces_scope:
        return NOT_STARTED
    if complaint.forces_scope == ForcesScope.NAMED and not complaint.forces.exists():
        return INCOMPLETE
    return COMPLETED


def sections(complaint: SuperComplaint) -> list[Section]:
    """The five sections to complete, then "Check and submit" once they are all completed."""

    def url(name: str) -> str:
        return reverse(f"portal:{name}", kwargs={"pk": complaint.pk})

    parts = [
        Section(
            "about",
            _("About the complaint"),
            url("draft_about"),
            _filled(complaint.title, complaint.subject, complaint.harm_explanation),
            _("Title, summary and why the harm is significant"),
        ),
        Section(
            "features",
            _("Features of policing"),
            url("draft_features"),
            _features_status(complaint),
            _("Each feature, and the harms it causes"),
        ),
        Section("forces", _("Forces concerned"), url("draft_forces"), _forces_status(complaint)),
        Section(
            "evidence",
            _("Evidence"),
            url("draft_evidence"),
            COMPLETED if complaint.evidence_items.exists() else NOT_STARTED,
            _("The files you rely on"),
        ),
        Section(
            "contact",
            _("Contact"),
            url("draft_contact"),
            _filled(complaint.contact_name, complaint.contact_role, complaint.contact_email),
            _("Who we can contact about the complaint"),
        ),
    ]
    ready = all(s.status == COMPLETED for s in parts)
    parts.append(
        Section(
            "submit",
            _("Check your answers and submit"),
            url("draft_check"),
            NOT_STARTED if ready else CANNOT_START,
        )
    )
    return parts
