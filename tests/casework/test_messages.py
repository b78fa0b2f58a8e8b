"""Staff see every message written about a complaint, with its state (issue 7)."""

import pytest
from django.test import override_settings

from outbox import services as outbox
from outbox.selectors import messages_about
from tests.casework.support import received
from tests.casework.test_complaint_page import words
from tests.helpers import assert_valid_html
from tests.outbox.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db


def test_the_complaint_page_lists_its_messages_with_their_state(client_for, public_record):
    complaint = received()
    to_body, to_team = messages_about(complaint)
    with SMTPServer(refusing=True) as server, override_settings(OUTBOX_MAX_ATTEMPTS=1, **server.settings()):
        outbox.deliver(to_body.pk)
    outbox.deliver(to_team.pk)  # the test mail backend accepts it
    to_body.refresh_from_db()
    to_team.refresh_from_db()
    assert (to_body.state, to_team.state) == ("failed", "sent")

    response = client_for("iopc").get(f"/casework/complaints/{complaint.reference}/")
    assert_valid_html(response.content.decode())
    section = words(response).split("Messages Every e-mail")[1].split("Timeline")[0]
    ref = complaint.reference
    assert f"Super-complaint {ref} received To: pat@example.org Failed 1 Written " in section
    assert "Last error: SMTPConnectError: (554, b'5.3.2 Service unavailable, try again later')" in section
    assert f"New super-complaint {ref} to acknowledge To: team@super-complaints.test Sent 1 Sent " in section


def test_a_complaint_without_messages_says_so(client_for, public_record):
    from complaints.models import SuperComplaint

    historical = SuperComplaint.objects.get(reference="SC-2019-002")
    section = words(client_for("team").get(f"/casework/complaints/{historical.reference}/"))
    assert "Messages Every e-mail" in section
    assert "No messages yet." in section.split("Messages Every e-mail")[1].split("Timeline")[0]
