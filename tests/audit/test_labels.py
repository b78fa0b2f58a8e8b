"""Every audit event has a label a person reads, and staff see changes in words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from audit.labels import ACTIONS, FIELDS, HIDDEN_FIELDS, action_label, describe
from audit.models import AuditEvent
from organisations.models import Organisation

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "common", "complaints", "deadlines", "evidence", "organisations")
APPS += ("recommendations", "reports", "outbox", "operations", "access", "redaction")


def recorded_action_codes() -> set[str]:
    """The action codes the source records: ``action="..."`` keywords and the codes passed to
    ``_simple_transition``, read with ``ast``."""
    codes: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        codes.add(keyword.value.value)
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "_simple_transition" and isinstance(node.args[-1], ast.Constant):
                    codes.add(node.args[-1].value)
    return {code for code in codes if isinstance(code, str) and "." in code}


def test_every_action_the_code_records_has_a_label():
    codes = recorded_action_codes()
    assert {"complaint.contact_updated", "complaint.report_published", "letter.sent"} <= codes
    assert sorted(codes - set(ACTIONS)) == []


def test_admin_actions_are_named_by_their_model():
    assert action_label("complaints.supercomplaint.edited_in_admin") == "Super complaint changed in the admin"
    assert action_label("organisations.organisation.deleted_in_admin") == "Organisation deleted in the admin"


def event(action, before=None, after=None, object_type="complaints.supercomplaint"):
    return AuditEvent(action=action, object_type=object_type, before=before, after=after)


def test_a_contact_change_names_the_field_changed():
    description = describe(
        event(
            "complaint.contact_updated",
            before={"contact_name": "Pat", "contact_phone": "01632 960 001", "contact_email": "a@b.org"},
            after={"contact_name": "Pat", "contact_phone": "07700 900 982", "contact_email": "a@b.org"},
        )
    )
    assert description.title == "Contact details changed: phone number"
    assert [(c.field, c.before, c.after) for c in description.changes] == [
        ("phone number", "01632 960 001", "07700 900 982")
    ]


def test_structures_become_words_and_internal_keys_are_left_out():
    description = describe(
        event(
            "complaint.feature_updated",
            before={"position": 1, "text": "Old", "harms": [{"description": "Fear", "nature": "x"}]},
            after={"position": 1, "text": "New", "harms": [{"description": "Fear"}, {"description": "Cost"}]},
        )
    )
    assert description.title == "Feature of policing changed: feature, harms"
    assert [(c.field, c.before, c.after) for c in description.changes] == [
        ("feature", "Old", "New"),
        ("harms", "Fear", "Fear; Cost"),
    ]
    moved = describe(event("complaint.feature_moved", before={"order": [7, 8]}, after={"order": [8, 7]}))
    assert [(c.field, c.before, c.after) for c in moved.changes] == [("order of the features", "", "changed")]
    letter = describe(
        event("letter.generated", after={"letter": 41, "pdf": "letters/x.pdf", "kind": "eligible"})
    )
    assert [(c.field, c.after) for c in letter.changes] == [
        ("letter", "Decision: eligible (regulation 6(5))")
    ]
    assert {"letter", "pdf", "version"} <= HIDDEN_FIELDS


@pytest.mark.django_db
def test_forces_are_named_not_numbered(public_record):
    essex, kent = (Organisation.objects.get(name=n) for n in ("Essex Police", "Kent Police"))
    description = describe(
        event(
            "complaint.forces_set",
            before={"forces_scope": "all", "forces": []},
            after={"forces_scope": "named", "forces": [essex.pk, kent.pk]},
        )
    )
    assert description.title == "Forces concerned changed: forces concerned, forces named"
    assert [(c.field, c.before, c.after) for c in description.changes] == [
        ("forces concerned", "All forces in England and Wales", "Named forces"),
        ("forces named", "", "Essex Police, Kent Police"),
    ]


def test_every_field_label_is_lower_case_words():
    # Labels sit inside sentences ("Contact details changed: phone number").
    for name, label in FIELDS.items():
        assert re.fullmatch(r"[a-z][a-z -]*", str(label)), name
