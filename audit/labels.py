"""What the audit trail's codes mean, in words a person reads: one registry for every page that shows
an event.

The trail stores dotted action codes (``complaint.contact_updated``) and the field names of the
models (``contact_phone``), because those never change with the wording. Here each code and field
gets its label, and ``describe`` turns one stored event into a title and a list of changes:
"Contact details changed: phone number", "phone number: 01632 960 001 → 07700 900 982". Internal
keys (a letter's primary key, a file's storage name, the version counter) are left out, primary
keys of organisations are shown as their names, and no value is ever shown as a Python structure.

A new action code needs a label here: ``tests/audit/test_labels.py`` reads the source and fails on
a code without one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ACTIONS: dict[str, Promise] = {
    # Accounts
    "account.created": gettext_lazy("Account created"),
    "account.password_set": gettext_lazy("Password set"),
    "account.signed_in": gettext_lazy("Signed in"),
    "account.signed_out": gettext_lazy("Signed out"),
    "account.totp_device_added": gettext_lazy("Authenticator app added"),
    "account.totp_key_replaced": gettext_lazy("Authenticator app replaced"),
    "account.totp_device_changed": gettext_lazy("Authenticator app changed"),
    "account.totp_device_removed": gettext_lazy("Authenticator app removed"),
    "account.sign_in_failed": gettext_lazy("Sign-in failed"),
    "account.locked_out": gettext_lazy("Sign-in paused after repeated failures"),
    "account.password_reset_requested": gettext_lazy("Password reset requested"),
    "membership.created": gettext_lazy("Membership added"),
    # Organisations and designations
    "organisation.created": gettext_lazy("Organisation added"),
    "designation.assessed": gettext_lazy("Designation criteria assessed"),
    "designation.recorded": gettext_lazy("Designation recorded"),
    "designation.revoked": gettext_lazy("Designation revoked"),
    "holiday_override.recorded": gettext_lazy("Bank holiday change recorded"),
    "holiday_override.withdrawn": gettext_lazy("Bank holiday change withdrawn"),
    "deadline.recomputed": gettext_lazy("Due date recomputed after a change to the bank holidays"),
    "public_record.loaded": gettext_lazy("Public record loaded"),
    "public_record.corrected": gettext_lazy("Corrected from the public record"),
    # The draft
    "complaint.draft_created": gettext_lazy("Draft started"),
    "complaint.about_updated": gettext_lazy("About the complaint changed"),
    "complaint.feature_added": gettext_lazy("Feature of policing added"),
    "complaint.feature_updated": gettext_lazy("Feature of policing changed"),
    "complaint.feature_moved": gettext_lazy("Feature of policing moved"),
    "complaint.feature_removed": gettext_lazy("Feature of policing removed"),
    "complaint.forces_set": gettext_lazy("Forces concerned changed"),
    "complaint.evidence_added": gettext_lazy("Evidence added"),
    "complaint.evidence_removed": gettext_lazy("Evidence removed"),
    "complaint.contact_updated": gettext_lazy("Contact details changed"),
    # The complaint
    "complaint.submitted": gettext_lazy("Complaint received"),
    "complaint.receipt_corrected": gettext_lazy("Receipt corrected"),
    "complaint.acknowledged": gettext_lazy("Complaint acknowledged"),
    "complaint.assessment_started": gettext_lazy("Eligibility assessment started"),
    "complaint.position_recorded": gettext_lazy("Position recorded"),
    "complaint.eligibility_decided": gettext_lazy("Eligibility decided"),
    "complaint.investigation_started": gettext_lazy("Investigation started"),
    "complaint.progress_report_sent": gettext_lazy("Progress report sent"),
    "complaint.progress_report_drafted": gettext_lazy("Progress report draft saved"),
    "complaint.plan_updated": gettext_lazy("Investigation plan changed"),
    "complaint.milestone_added": gettext_lazy("Milestone added to the plan"),
    "complaint.fieldwork_recorded": gettext_lazy("Visit or interview logged"),
    "complaint.note_added": gettext_lazy("Internal note added"),
    "complaint.caseworker_assigned": gettext_lazy("Caseworker assigned"),
    "complaint.report_published": gettext_lazy("Report published"),
    "complaint.monitoring_started": gettext_lazy("Monitoring of responses started"),
    "complaint.closed": gettext_lazy("Complaint closed"),
    "complaint.withdrawn": gettext_lazy("Complaint withdrawn"),
    "complaint.viewed": gettext_lazy("Complaint viewed, with contact details"),
    "complaint.deadlines_recomputed": gettext_lazy("Due dates recomputed"),
    "complaint.acknowledgement_overdue": gettext_lazy("Acknowledgement overdue"),
    "complaint.progress_report_overdue": gettext_lazy("Progress report overdue"),
    "complaint.loaded_from_public_record": gettext_lazy("Loaded from the public record"),
    # Letters and documents
    "letter.generated": gettext_lazy("Letter generated"),
    "letter.sent": gettext_lazy("Letter sent"),
    "document.uploaded": gettext_lazy("Document uploaded"),
    "document.viewed": gettext_lazy("Document downloaded"),
    "document.deleted": gettext_lazy("Document deleted"),
    "document.scanned": gettext_lazy("Document scanned for viruses and released"),
    "document.infected": gettext_lazy("Virus found in a document: file removed"),
    "document.text_extracted": gettext_lazy("Text taken from a document for search"),
    "evidence.searched": gettext_lazy("Evidence searched"),
    # Reports and recommendations
    "report.created": gettext_lazy("Report started"),
    "report.action_added": gettext_lazy("Action of the authorities added"),
    "report.opinion_added": gettext_lazy("Dissenting opinion added"),
    "report.passage_excluded": gettext_lazy("Passage excluded (regulation 8(3))"),
    "report.title_changed": gettext_lazy("Report's title changed"),
    "report.passage_added": gettext_lazy("Passage of the report added"),
    "report.passage_changed": gettext_lazy("Passage of the report changed"),
    "report.passage_deleted": gettext_lazy("Passage of the report deleted"),
    "report.action_changed": gettext_lazy("Action of the authorities changed"),
    "report.action_deleted": gettext_lazy("Action of the authorities deleted"),
    "report.opinion_changed": gettext_lazy("Dissenting opinion changed"),
    "report.opinion_withdrawn": gettext_lazy("Dissenting opinion withdrawn"),
    "report.exclusion_proposed": gettext_lazy("Exclusion of a passage proposed (regulation 8(3))"),
    "report.exclusion_approved": gettext_lazy("Exclusion of a passage approved (regulation 8(3))"),
    "report.exclusion_withdrawn": gettext_lazy("Exclusion of a passage withdrawn (regulation 8(3))"),
    "report.published": gettext_lazy("Report published"),
    "report.publication_scheduled": gettext_lazy("Report's publication scheduled (embargo)"),
    "report.publication_cancelled": gettext_lazy("Report's scheduled publication cancelled"),
    "report.released": gettext_lazy("Report sent to the body and the addressees"),
    "report.signed_off": gettext_lazy("Report signed off by an authority"),
    "report.sign_off_withdrawn": gettext_lazy("Report sign-off withdrawn"),
    "report.loaded_from_public_record": gettext_lazy("Report loaded from the public record"),
    "recommendation.added": gettext_lazy("Recommendation added"),
    "recommendation.addressees_expanded": gettext_lazy("Addressees listed"),
    "recommendation.changed": gettext_lazy("Recommendation changed"),
    "recommendation.addressees_edited": gettext_lazy("Recommendation's list of addressees edited"),
    "addressee_group.created": gettext_lazy("Addressee group added"),
    "obligation.due_changed": gettext_lazy("Response due date changed"),
    "obligation.overdue": gettext_lazy("Response overdue"),
    "obligation.responded": gettext_lazy("Response submitted"),
    "obligation.reminded": gettext_lazy("Reminder of the response deadline sent"),
    "obligation.chased": gettext_lazy("Reminder after the response deadline sent"),
    "obligation.escalated": gettext_lazy(
        "Letter about the overdue response sent to the head of the organisation"
    ),
    "obligation.marked_overdue": gettext_lazy("Response marked overdue on the register"),
    "obligation.verification_recorded": gettext_lazy("Verification of the response recorded"),
    "response.passage_withheld": gettext_lazy("Passage withheld from the published response"),
    "response.drafted": gettext_lazy("Response drafted"),
    "response.saved": gettext_lazy("Response draft saved"),
    "response.sign_off_requested": gettext_lazy("Response sent for sign-off"),
    "response.returned": gettext_lazy("Response returned to the drafter"),
    "response.submitted": gettext_lazy("Response signed off and submitted"),
    "response.published": gettext_lazy("Response published on the register"),
    "response.document_attached": gettext_lazy("Action plan document attached to the response"),
    "response.progress_posted": gettext_lazy("Progress posted on an action"),
    "invitation.created": gettext_lazy("Colleague invited"),
    "invitation.replaced": gettext_lazy("Invitation replaced by a new one"),
    "invitation.revoked": gettext_lazy("Invitation withdrawn"),
    "invitation.set_up_started": gettext_lazy("Invited account set up started"),
    "invitation.accepted": gettext_lazy("Invitation accepted"),
    "membership.removed": gettext_lazy("Membership removed"),
    "account.totp_device_confirmed": gettext_lazy("Authenticator app confirmed"),
    "calendar_feed.created": gettext_lazy("Calendar of deadlines created"),
    "calendar_feed.revoked": gettext_lazy("Calendar of deadlines stopped"),
    "report.escalation_ladder_set": gettext_lazy("Reminders and escalation set for the report"),
    "information_request.sent": gettext_lazy("Information request sent to forces"),
    "information_request.answered": gettext_lazy("Information request answered"),
    "information_request.reminded": gettext_lazy("Information request reminder sent"),
    "information_request.chased": gettext_lazy("Information request chaser sent"),
    "information_request.overdue": gettext_lazy("Information request overdue"),
    "accuracy_check.opened": gettext_lazy("Factual-accuracy check opened"),
    "accuracy_check.extended": gettext_lazy("Factual-accuracy check extended"),
    "accuracy_check.closed": gettext_lazy("Factual-accuracy check closed"),
    "accuracy_check.commented": gettext_lazy("Comment on a draft recommendation received"),
    "accuracy_check.overdue": gettext_lazy("Factual-accuracy check past its closing date"),
    "accuracy_comment.decided": gettext_lazy("Decision on a factual-accuracy comment"),
    "call.opened": gettext_lazy("Call for evidence set up"),
    "call.updated": gettext_lazy("Call for evidence changed"),
    "call.closed_early": gettext_lazy("Call for evidence closed early"),
    "call.closed": gettext_lazy("Call for evidence closed"),
    "call_response.submitted": gettext_lazy("Response to a call for evidence received"),
    "call_response.viewed": gettext_lazy("Response to a call for evidence read"),
    "call_response.tagged": gettext_lazy("Response to a call for evidence tagged"),
    "call_response.reviewed": gettext_lazy("Response to a call for evidence reviewed"),
    "redaction.started": gettext_lazy("Redaction for publication started"),
    "redaction.spans_added": gettext_lazy("Passages marked for removal"),
    "redaction.span_confirmed": gettext_lazy("Redaction confirmed"),
    "redaction.span_rejected": gettext_lazy("Redaction rejected: the text is kept"),
    "redaction.detected_confirmed": gettext_lazy("Every detected redaction confirmed"),
    "redaction.published": gettext_lazy("Redacted extract published"),
    "redaction.withdrawn": gettext_lazy("Redacted extract withdrawn"),
    "redaction.viewed": gettext_lazy("Text being redacted read"),
    "theme_analysis.started": gettext_lazy("Grouping of responses into themes started"),
    "theme_analysis.grouped": gettext_lazy("Responses grouped into themes"),
    "theme_analysis.failed": gettext_lazy("Grouping of responses into themes failed"),
    "theme_analysis.viewed": gettext_lazy("Themes of responses read"),
    "theme_analysis.exported": gettext_lazy("Themes of responses exported"),
    "theme.renamed": gettext_lazy("Theme renamed"),
    "theme.merged": gettext_lazy("Themes merged"),
    "theme.split": gettext_lazy("Theme split"),
    "theme_assignment.moved": gettext_lazy("Response moved to another theme"),
    "theme_assignment.confirmed": gettext_lazy("Theme assignments confirmed"),
    "retention.rule_changed": gettext_lazy("Retention rule changed"),
    "retention.hold_placed": gettext_lazy("Legal hold placed"),
    "retention.hold_lifted": gettext_lazy("Legal hold lifted"),
    "retention.anonymised": gettext_lazy("Personal data anonymised under the retention schedule"),
    "retention.deleted": gettext_lazy("Personal data deleted under the retention schedule"),
}

# Edits whose title names what changed, as a person would say it: "Contact details changed: phone
# number". Other events (a complaint received) record many facts, and the title stays short.
NAMES_CHANGED_FIELDS = frozenset(
    {
        "complaint.about_updated",
        "complaint.contact_updated",
        "complaint.forces_set",
        "complaint.feature_updated",
        "complaint.receipt_corrected",
        "complaint.deadlines_recomputed",
        "complaint.plan_updated",
        "obligation.due_changed",
    }
)

# ``common.admin`` records ``<app>.<model>.edited_in_admin`` and the like.
ADMIN_ACTIONS: dict[str, Promise] = {
    "created_in_admin": gettext_lazy("%(model)s added in the admin"),
    "edited_in_admin": gettext_lazy("%(model)s changed in the admin"),
    "deleted_in_admin": gettext_lazy("%(model)s deleted in the admin"),
}

FIELDS: dict[str, Promise] = {
    "state": gettext_lazy("stage"),
    "reference": gettext_lazy("reference"),
    "version": gettext_lazy("version"),
    "title": gettext_lazy("title"),
    "subject": gettext_lazy("summary"),
    "harm_explanation": gettext_lazy("why the harm is significant"),
    "contact_name": gettext_lazy("name"),
    "contact_role": gettext_lazy("role"),
    "contact_email": gettext_lazy("email address"),
    "contact_phone": gettext_lazy("phone number"),
    "forces_scope": gettext_lazy("forces concerned"),
    "forces": gettext_lazy("forces named"),
    "position": gettext_lazy("position"),
    "text": gettext_lazy("feature"),
    "harms": gettext_lazy("harms"),
    "description": gettext_lazy("description"),
    "nature": gettext_lazy("nature"),
    "scale": gettext_lazy("scale"),
    "vulnerable_groups": gettext_lazy("groups especially vulnerable"),
    "order": gettext_lazy("order of the features"),
    "name": gettext_lazy("file name"),
    "body": gettext_lazy("body"),
    "received_at": gettext_lazy("received at"),
    "received_on": gettext_lazy("day of receipt"),
    "acknowledgement_due": gettext_lazy("acknowledgement due"),
    "acknowledged_at": gettext_lazy("acknowledged at"),
    "authority": gettext_lazy("authority"),
    "reasons": gettext_lazy("reasons"),
    "outcome": gettext_lazy("outcome"),
    "decided_by": gettext_lazy("decided by"),
    "repeat_finding": gettext_lazy("repeat finding"),
    "related_complaint": gettext_lazy("related complaint"),
    "lead_authority": gettext_lazy("lead authority"),
    "assigned_to": gettext_lazy("caseworker"),
    "terms_of_reference": gettext_lazy("terms of reference"),
    "methods": gettext_lazy("methods"),
    "target_date": gettext_lazy("target date"),
    "occurred_on": gettext_lazy("date"),
    "place": gettext_lazy("place or organisation"),
    "changed": gettext_lazy("parts changed"),
    "excluded": gettext_lazy("information excluded"),
    "exclusion_ground": gettext_lazy("ground for exclusion"),
    "period": gettext_lazy("period"),
    "due": gettext_lazy("due"),
    "progress_reports": gettext_lazy("progress reports due"),
    "flagged_on": gettext_lazy("flagged on"),
    "sent_at": gettext_lazy("sent at"),
    "sent_to": gettext_lazy("sent to"),
    "emailed": gettext_lazy("e-mailed"),
    "kind": gettext_lazy("kind"),
    "reason": gettext_lazy("reason"),
    "statutory": gettext_lazy("statutory"),
    "repr": gettext_lazy("record"),
    "report_version": gettext_lazy("version of the report signed off"),
    "public_from": gettext_lazy("public from"),
    "obligations": gettext_lazy("obligations"),
    "organisations_told": gettext_lazy("organisations told"),
    "organisations_without_recipient": gettext_lazy("organisations with nobody to tell"),
    "embargo_until": gettext_lazy("embargo until"),
    "published_on": gettext_lazy("published on"),
    "published_at": gettext_lazy("publication decided at"),
    "category": gettext_lazy("kind of record"),
    "unit": gettext_lazy("unit"),
    "action": gettext_lazy("at the end"),
    "applied_on": gettext_lazy("applied on"),
    "object_id": gettext_lazy("record number"),
    "complaint": gettext_lazy("super-complaint"),
    "rule_version": gettext_lazy("version of the rule"),
}

# The same key means something else in another kind of event: a letter's subject is its subject
# line, a complaint's is its summary. Keyed by the first part of the action code.
FIELDS_BY_ACTION: dict[str, dict[str, Promise]] = {
    "letter": {"subject": gettext_lazy("subject"), "kind": gettext_lazy("letter")},
    "document": {"name": gettext_lazy("file name")},
    "report": {
        "text": gettext_lazy("text"),
        "section": gettext_lazy("section"),
        "position": gettext_lazy("place in its section"),
        "ground": gettext_lazy("ground for exclusion"),
    },
    "recommendation": {
        "text": gettext_lazy("text"),
        "label": gettext_lazy("label"),
        "groups": gettext_lazy("addressee groups"),
        "organisations": gettext_lazy("organisations named"),
        "excluded_organisations": gettext_lazy("taken off the list"),
        "addressees": gettext_lazy("organisations addressed"),
        "default_due": gettext_lazy("response deadline"),
    },
    "accuracy_check": {
        "closes_on": gettext_lazy("closing date"),
        "organisations": gettext_lazy("organisations asked"),
        "organisation": gettext_lazy("organisation"),
        "recommendation": gettext_lazy("recommendation"),
        "report": gettext_lazy("report"),
        "reason": gettext_lazy("why it closed"),
    },
    "accuracy_comment": {
        "decision": gettext_lazy("decision"),
        "recommendation": gettext_lazy("recommendation"),
        "organisation": gettext_lazy("organisation"),
    },
}

# Keys that mean nothing to a reader: primary keys of rows the page shows by other means, storage
# names of files, the version counter every save bumps.
HIDDEN_FIELDS = frozenset({"letter", "item", "document", "pdf", "version", "note", "passage", "exclusion"})

# Values that are choices, by (the type of object the event is about, field): the stored code
# becomes its label. Dotted paths, so the audit app imports no other app's models at start-up.
CHOICES: dict[tuple[str, str], str] = {
    ("complaints.supercomplaint", "state"): "complaints.models.ComplaintState",
    ("complaints.supercomplaint", "forces_scope"): "complaints.models.ForcesScope",
    ("complaints.supercomplaint", "position"): "complaints.models.Position",
    ("complaints.supercomplaint", "outcome"): "complaints.models.Position",
    ("complaints.supercomplaint", "repeat_finding"): "complaints.models.RepeatFinding",
    ("complaints.supercomplaint", "decided_by"): "complaints.models.DecidedBy",
    ("complaints.supercomplaint", "kind"): "complaints.models.LetterKind",
    ("complaints.supercomplaint", "exclusion_ground"): "complaints.models.ExclusionGround",
    ("reports.report", "state"): "reports.models.ReportState",
    ("reports.report", "section"): "reports.models.ReportSection",
    ("reports.report", "ground"): "reports.models.ExclusionGround",
    ("accuracy.accuracycheck", "state"): "accuracy.models.CheckState",
    ("accuracy.accuracycheck", "reason"): "accuracy.models.CloseReason",
    ("accuracy.accuracycomment", "decision"): "accuracy.models.CommentDecisionChoice",
}

# Values that are primary keys (or lists of them), shown as the rows' names.
REFERENCES: dict[str, str] = {"forces": "organisations.Organisation"}

# Fields whose value is the fact of a change (a new order of features), not something to read.
CHANGED_ONLY = frozenset({"order"})

MAX_VALUE = 120

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class EventDescription:
    title: str
    changes: list[Change]


def action_label(code: str) -> str:
    """The label of an action code; an unknown code is shown as it is rather than hidden."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    model, _dot, suffix = code.rpartition(".")
    if suffix in ADMIN_ACTIONS:
        return str(ADMIN_ACTIONS[suffix]) % {"model": _model_name(model)}
    return code


def field_label(name: str, action: str = "") -> str:
    own = FIELDS_BY_ACTION.get(action.split(".", 1)[0], {})
    if name in own:
        return str(own[name])
    return str(FIELDS[name]) if name in FIELDS else name.replace("_", " ")


def describe(event: Any) -> EventDescription:
    """The event's title and its changes, each field with its label and its values in words.

    ``event`` needs ``action``, ``object_type``, ``before`` and ``after`` (an ``AuditEvent``).
    Fields are in a fixed order whatever the database returns (PostgreSQL's jsonb does not keep
    the order keys were written in): the stage first, then as the registry lists them.
    """
    before = event.before or {}
    after = event.after or {}
    changes = []
    for key in sorted((set(before) | set(after)) - HIDDEN_FIELDS, key=_field_order):
        if key in before and key in after and before[key] == after[key]:
            continue
        label = field_label(key, event.action)
        if key in CHANGED_ONLY:
            changes.append(Change(label, "", _("changed")))
            continue
        old = _value(event.object_type, key, before[key]) if key in before else ""
        new = _value(event.object_type, key, after.get(key))
        changes.append(Change(label, old, new or "—"))
    title = action_label(event.action)
    if event.action in NAMES_CHANGED_FIELDS and changes:
        title = _("%(action)s: %(fields)s") % {
            "action": title,
            "fields": ", ".join(change.field for change in changes),
        }
    return EventDescription(title, changes)


_ORDER = {name: index for index, name in enumerate(FIELDS)}


def _field_order(key: str) -> tuple[int, str]:
    return (_ORDER.get(key, len(_ORDER)), key)


def _model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


def _value(object_type: str, key: str, value: Any) -> str:
    if key in REFERENCES and value not in (None, "", []):
        return _short(_names(REFERENCES[key], value if isinstance(value, list) else [value]))
    choices = CHOICES.get((object_type, key))
    if choices and isinstance(value, str):
        return _short(_choice_label(choices, value))
    return _short(_words(value))


def _names(model_label: str, keys: Iterable[Any]) -> str:
    model = apps.get_model(model_label)
    keys = list(keys)
    names = dict(model._default_manager.filter(pk__in=keys).values_list("pk", "name"))
    # A row deleted since is named as gone, not by its key.
    return ", ".join(str(names.get(key, _("(no longer held)"))) for key in keys)


def _choice_label(path: str, value: str) -> str:
    choices = import_string(path)
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _words(value: Any) -> str:
    """A stored JSON value in words: never a Python structure."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return _when(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "; ".join(part for part in (_item(item) for item in value) if part)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_words(v)}" for k, v in value.items() if k not in HIDDEN_FIELDS)
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, dict):
        # A harm, a deadline: its description says what it is; the rest is on the record itself.
        for key in ("description", "text", "name", "title"):
            if value.get(key):
                return _words(value[key])
        return _words(value)
    if isinstance(value, list):
        return " – ".join(_words(part) for part in value)
    return _words(value)


def _when(text: str) -> str:
    """ISO dates and moments as people write them, in London time; other text as it is."""
    if _DATE.match(text):
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 2:
            return formats.date_format(datetime.date(parts[0], parts[1], 1), "F Y")
        return formats.date_format(datetime.date(*parts), "j F Y")
    if _MOMENT.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "j F Y, H:i")
    return text


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"
