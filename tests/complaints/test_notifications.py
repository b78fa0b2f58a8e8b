"""What each change to a complaint tells whom, through the outbox (issue 7)."""

import pytest

from complaints import services
from outbox.models import Message
from outbox.selectors import messages_about
from tests.builders import authority, london, make_draft

pytestmark = pytest.mark.django_db


def keys(complaint):
    return [(m.dedupe_key.split(":", 2)[2], m.to, m.subject) for m in messages_about(complaint)]


def test_the_team_hears_once_for_each_authority_whose_position_is_awaited(public_record):
    complaint = services.acknowledge_complaint(
        services.submit_complaint(make_draft(), at=london(2026, 1, 5, 9))
    )
    ref = complaint.reference
    team = ["team@super-complaints.test"]
    iopc, college = authority("IOPC"), authority("College")
    services.record_position(
        complaint, authority=authority("HMICFRS"), position="eligible", reasons="Meets reg 4"
    )
    assert keys(complaint)[2:] == [
        (
            f"team:position_awaited:{college.pk}",
            team,
            f"Super-complaint {ref}: position awaited from College",
        ),
        (f"team:position_awaited:{iopc.pk}", team, f"Super-complaint {ref}: position awaited from IOPC"),
    ]
    body = Message.objects.get(dedupe_key=f"complaint:{complaint.pk}:team:position_awaited:{iopc.pk}")
    assert body.context["recorded"] == ["HMICFRS"]
    # A second position, a changed position and the last one add nothing: each was told once.
    services.record_position(complaint, authority=iopc, position="eligible", reasons="Agree")
    services.record_position(complaint, authority=iopc, position="not_eligible", reasons="On reflection")
    services.record_position(complaint, authority=college, position="eligible", reasons="Agree")
    assert len(keys(complaint)) == 4


def test_received_and_decided_messages_are_about_the_complaint(public_record):
    complaint = services.submit_complaint(make_draft(), at=london(2026, 1, 5, 9))
    assert keys(complaint) == [
        ("complaint_received", ["pat@example.org"], f"Super-complaint {complaint.reference} received"),
        (
            "team:complaint_received",
            ["team@super-complaints.test"],
            f"New super-complaint {complaint.reference} to acknowledge",
        ),
    ]
    team = messages_about(complaint)[1]
    assert team.context["bodies"] == ["Hestia"]
    assert team.context["acknowledgement_due"] == "Friday 9 January 2026"
    assert team.language == "en-gb"
