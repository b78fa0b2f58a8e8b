"""The outbox in the admin: readable, never edited or deleted; a failed message can be sent again."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import Membership, Role, User
from outbox import services as outbox
from outbox.models import Message, MessageState
from tests.accounts.support import force_verified_login, make_device
from tests.builders import authority
from tests.outbox.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, public_record):
    """An administrator of the service who is also on the HMICFRS super-complaints team."""
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    Membership.objects.create(user=admin, organisation=authority("HMICFRS"), role=Role.CASEWORKER)
    force_verified_login(client, admin, make_device(admin))
    return client


def test_a_failed_message_is_shown_and_can_be_sent_again(admin_client, django_capture_on_commit_callbacks):
    message = outbox.enqueue_message(
        to=["pat@example.org"],
        subject="Super-complaint SC-2026-001 received",
        template="complaints/letters/email.txt",
        context={"reference": "SC-2026-001", "text": "Text"},
        dedupe_key="admin:1",
    )
    with SMTPServer(refusing=True) as server, override_settings(OUTBOX_MAX_ATTEMPTS=1, **server.settings()):
        outbox.deliver(message.pk)
    assert Message.objects.get().state == MessageState.FAILED

    listing = admin_client.get("/admin/outbox/message/")
    assert listing.status_code == 200
    assert "Super-complaint SC-2026-001 received" in listing.content.decode()
    assert admin_client.get(f"/admin/outbox/message/{message.pk}/delete/").status_code == 403
    detail = admin_client.get(f"/admin/outbox/message/{message.pk}/change/").content.decode()
    assert "SMTPConnectError" in detail
    assert 'name="_save"' not in detail

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/outbox/message/", {"action": "send_again", "_selected_action": [message.pk]}
        )
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)
    assert [m.subject for m in mail.outbox] == ["Super-complaint SC-2026-001 received"]
