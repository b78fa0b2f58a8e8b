"""Casework's audit history, in words: labels from ``audit.labels``, never a field name, a stored
code, a Python structure or a primary key."""

import html
import re

import pytest

from complaints import drafts, services
from complaints.drafts import HarmText
from complaints.models import ForcesScope, SuperComplaint
from organisations.models import Organisation
from tests.builders import london, make_draft
from tests.casework.support import PEOPLE

pytestmark = pytest.mark.django_db


def test_casework_history_shows_contact_details_changed_in_words(client_for, public_record):
    complaint = make_draft()
    complaint.contact_phone = "01632 960 001"
    complaint.save(update_fields=["contact_phone"])
    drafts.update_contact(
        complaint,
        name="Pat Example",
        role="",
        email="pat@example.org",
        phone="07700 900 982",
        expected_version=complaint.version,
    )
    drafts.update_feature(
        complaint.features.first(),
        text="Feature of policing number 1",
        harms=[HarmText("Harm 1", "Distress", "National"), HarmText("Harm 2", "Fear", "Local")],
        expected_version=SuperComplaint.objects.get(pk=complaint.pk).version,
    )
    drafts.set_forces(
        complaint,
        scope=ForcesScope.NAMED,
        forces=[Organisation.objects.get(name="Kent Police")],
        expected_version=SuperComplaint.objects.get(pk=complaint.pk).version,
    )
    complaint = services.submit_complaint(complaint, at=london(2026, 11, 27, 10, 0))

    response = client_for("team").get(f"/casework/complaints/{complaint.reference}/")
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    history = " ".join(page.split("Audit history")[1].split(PEOPLE["team"][0])[0].split())
    assert "Contact details changed: phone number phone number: 01632 960 001 → 07700 900 982" in history
    assert "Feature of policing changed: harms harms: Harm 1 → Harm 1; Harm 2" in history
    assert (
        "Forces concerned changed: forces concerned, forces named forces concerned: All forces in England "
        "and Wales → Named forces forces named: Kent Police"
    ) in history
    # The force is named, and its primary key is nowhere after it: the next thing is the next row.
    assert re.search(r"forces named: Kent Police \d+ \w{3} \d{4}, \d\d:\d\d:\d\d system", history)
    for raw in ("{", "[", "'", "contact_phone", "forces_scope", "version"):
        assert raw not in history, raw
