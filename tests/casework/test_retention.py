"""The staff "Retention" pages: the super-complaints team changes a rule, places and lifts holds;
nobody else sees them."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from retention.models import LegalHold, RetentionRule
from retention.services import update_rule
from tests.builders import london
from tests.retention.support import withdrawn

pytestmark = pytest.mark.django_db

URL = "/casework/retention/"


@pytest.mark.parametrize("name", ["iopc", "hestia", "force"])
def test_only_the_super_complaints_team_sees_the_pages(client_for, name):
    client = client_for(name)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "rules/outbox_messages/").status_code == 404
    assert client.post(URL + "holds/new/", {"reference": "SC-2019-002", "reason": "x"}).status_code == 404
    assert not LegalHold.objects.exists()


def test_the_page_shows_the_schedule_and_the_dry_run(client_for):
    update_rule("complaint_contact", period=6, unit="months", action="anonymise")
    withdrawn("Withdrawn in March", at=london(2026, 3, 1, 9))  # six months ended on 1 September
    html = client_for("team").get(URL).content.decode()
    assert "Complaints&#x27; contact individuals" in html
    assert "6 months" in html and "72 months" in html
    assert "Sign-in records" in html and "90 days" in html
    assert "Ended invitations to organisations" in html
    assert "1 due, 0 held" in html


def test_the_team_changes_a_rule_and_a_stale_or_bad_form_is_refused(client_for):
    team = client_for("team")
    url = URL + "rules/outbox_messages/"
    response = team.post(url, {"period": "36", "unit": "months", "action": "anonymise", "version": "1"})
    assert response.status_code == 302
    rule = RetentionRule.objects.get(category="outbox_messages")
    assert (rule.period, rule.unit, rule.version) == (36, "months", 2)
    event = AuditEvent.objects.get(action="retention.rule_changed")
    assert (event.before["period"], event.after["period"]) == (24, 36)

    stale = team.post(url, {"period": "12", "unit": "months", "action": "anonymise", "version": "1"})
    assert "Someone else changed this rule" in stale.content.decode()
    wrong = team.post(url, {"period": "12", "unit": "months", "action": "delete", "version": "2"})
    assert "can only be treated this way at the end: anonymise" in wrong.content.decode()
    zero = team.post(url, {"period": "0", "unit": "days", "action": "anonymise", "version": "2"})
    assert zero.status_code == 200 and "govuk-error-summary" in zero.content.decode()
    too_long = team.post(url, {"period": "5000", "unit": "months", "action": "anonymise", "version": "2"})
    assert "a hundred years" in too_long.content.decode()
    assert RetentionRule.objects.get(category="outbox_messages").period == 36


def test_the_team_places_and_lifts_holds_and_bad_input_gets_a_form_error(client_for):
    complaint = withdrawn("Under a hold", at=london(2026, 3, 1, 9))
    team = client_for("team")
    missing = team.post(URL + "holds/new/", {"reference": "SC-1999-999", "reason": "A claim"})
    assert missing.status_code == 400
    assert "There is no super-complaint with this reference." in missing.content.decode()
    nothing = team.post(URL + "holds/new/", {"reason": "A claim"})
    assert "Enter a super-complaint reference" in nothing.content.decode()
    no_reason = team.post(URL + "holds/new/", {"reference": complaint.reference})
    assert no_reason.status_code == 400

    assert (
        team.post(
            URL + "holds/new/", {"reference": complaint.reference, "reason": "Claim by J. Doe"}
        ).status_code
        == 302
    )
    assert (
        team.post(
            URL + "holds/new/", {"category": "outbox_messages", "object_id": "7", "reason": "SAR"}
        ).status_code
        == 302
    )
    on_complaint, on_record = LegalHold.objects.order_by("pk")
    assert on_complaint.complaint == complaint and (on_record.category, on_record.object_id) == (
        "outbox_messages",
        7,
    )
    assert team.post(URL + f"holds/{on_complaint.pk}/lift/").status_code == 302
    on_complaint.refresh_from_db()
    assert on_complaint.lifted_at is not None
    events = AuditEvent.objects.filter(action__startswith="retention.hold")
    assert [e.action for e in events.order_by("sequence")] == [
        "retention.hold_placed",
        "retention.hold_placed",
        "retention.hold_lifted",
    ]
    assert all("J. Doe" not in str(e.after) for e in events)  # the reason stays off the trail
