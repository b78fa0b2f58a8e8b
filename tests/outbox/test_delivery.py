"""The outbox: a message is a row, sent once, retried with backoff when the mail server refuses,
never lost; plain text is never HTML-escaped."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from complaints import services
from complaints.models import SuperComplaint
from outbox import services as outbox
from outbox.models import Message, MessageState
from outbox.selectors import messages_about
from tests.builders import london, make_draft
from tests.outbox.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def submit(title="Victims' voices: the police response", contact="Pat O'Brien"):
    draft = make_draft("Hestia", title=title)
    SuperComplaint.objects.filter(pk=draft.pk).update(contact_name=contact)
    return services.submit_complaint(SuperComplaint.objects.get(pk=draft.pk), at=london(2026, 1, 5, 9))


def enqueue(key="test:1", **kwargs):
    return outbox.enqueue_message(
        to=kwargs.pop("to", ["someone@example.org"]),
        subject=kwargs.pop("subject", "A subject"),
        template="complaints/letters/email.txt",
        context=kwargs.pop("context", {"reference": "SC-2026-001", "text": "Body's text & more <b>"}),
        dedupe_key=key,
        **kwargs,
    )


def test_a_refused_smtp_connection_leaves_the_message_queued_and_it_is_retried_and_sent_once(
    public_record, django_capture_on_commit_callbacks
):
    with SMTPServer(refusing=True) as server, override_settings(**server.settings()):
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            complaint = submit()
        after = timezone.now()
        rows = list(messages_about(complaint))
        # The contact's and the team's message: both written, both tried once, both kept.
        assert [(m.to, m.state, m.attempts) for m in rows] == [
            (["pat@example.org"], MessageState.RETRYING, 1),
            (["team@super-complaints.test"], MessageState.RETRYING, 1),
        ]
        assert server.connections == 2
        assert server.received == []
        for message in rows:
            assert message.sent_at is None
            assert message.last_error.startswith("SMTPConnectError: (554, b'5.3.2 Service unavailable")
            # The first retry waits a minute (OUTBOX_RETRY_SECONDS).
            assert before + MINUTE <= message.next_attempt_at <= after + MINUTE

        # Not yet due: a sweep leaves them alone, so the server is not hammered.
        assert outbox.send_due_messages(now=after) == outbox.SweepResult()
        assert server.connections == 2

        # Still refusing when the retry comes: attempt 2, and the wait doubles.
        retry_at = after + MINUTE
        result = outbox.send_due_messages(now=retry_at)
        assert (result.sent, result.retrying) == (0, 2)
        for message in messages_about(complaint):
            assert (message.state, message.attempts) == (MessageState.RETRYING, 2)
            assert message.next_attempt_at == retry_at + 2 * MINUTE

        # The server comes back: each message goes, once.
        server.refusing = False
        result = outbox.send_due_messages(now=retry_at + 2 * MINUTE)
        assert (result.sent, result.retrying, result.failed) == (2, 0, 0)
        assert [(sender, to) for sender, to, _message in server.received] == [
            ("super-complaints@localhost", ["pat@example.org"]),
            ("super-complaints@localhost", ["team@super-complaints.test"]),
        ]
        for message in messages_about(complaint):
            assert (message.state, message.attempts, message.next_attempt_at) == (MessageState.SENT, 3, None)
            assert message.sent_at is not None

        # Nothing is sent twice: later sweeps and a late worker call find nothing to do.
        assert outbox.send_due_messages(now=retry_at + 60 * MINUTE) == outbox.SweepResult()
        assert outbox.deliver(rows[0].pk, now=retry_at + 60 * MINUTE) is None
        assert len(server.received) == 2

    body = server.received[0][2].get_payload(decode=True).decode()
    assert "Dear Pat O'Brien," in body
    assert 'your super-complaint "Victims\' voices: the police response" on Monday 5 January 2026' in body
    assert "&#x27;" not in body and "&quot;" not in body
    assert f"https://super-complaints.test/portal/complaints/{complaint.reference}/" in body
    team = server.received[1][2].get_payload(decode=True).decode()
    assert f"https://super-complaints.test/casework/complaints/{complaint.reference}/" in team


def test_a_double_enqueue_writes_one_row_and_sends_once(public_record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = enqueue("complaint:1:received")
        second = enqueue("complaint:1:received", subject="A different subject")
    with django_capture_on_commit_callbacks(execute=True):
        third = enqueue("complaint:1:received")
    assert first.pk == second.pk == third.pk
    assert Message.objects.count() == 1
    assert [m.subject for m in mail.outbox] == ["A subject"]
    assert Message.objects.get().state == MessageState.SENT
    assert outbox.send_due_messages() == outbox.SweepResult()
    assert len(mail.outbox) == 1


def test_a_service_run_twice_writes_its_messages_once(public_record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # 00:30 BST on Monday 1 June is still 31 May in UTC: the notice gives the London day.
        complaint = services.withdraw_complaint(
            submit(), reason="We will resubmit with new evidence.", at=london(2026, 6, 1, 0, 30)
        )
        services.withdraw_complaint(complaint, reason="Again")
    withdrawn = [m for m in mail.outbox if "withdraw" in m.subject]
    assert [(m.to, m.subject) for m in withdrawn] == [
        (["pat@example.org"], f"Super-complaint {complaint.reference}: withdrawal recorded"),
        (["team@super-complaints.test"], f"Super-complaint {complaint.reference} has been withdrawn"),
    ]
    assert "withdrew its super-complaint" in " ".join(withdrawn[0].body.split())
    assert "on Monday 1 June 2026. It will not be taken any further." in " ".join(withdrawn[0].body.split())
    assert "We will resubmit with new evidence." in withdrawn[1].body


def test_a_message_is_claimed_by_one_worker_only(public_record):
    message = enqueue()  # not dispatched: the test's transaction never commits
    with transaction.atomic():
        claimed = outbox._claim(message.pk, timezone.now())
        assert claimed.state == MessageState.SENDING
        assert outbox._claim(message.pk, timezone.now()) is None
    assert outbox.deliver(message.pk) is None
    assert mail.outbox == []


def test_a_message_with_nobody_to_send_to_is_not_written(public_record):
    assert enqueue(to=["", "  "]) is None
    assert not Message.objects.exists()


@override_settings(OUTBOX_MAX_ATTEMPTS=3)
def test_after_the_last_attempt_the_message_stays_failed_and_visible_until_sent_again(
    public_record, django_capture_on_commit_callbacks
):
    with SMTPServer(refusing=True) as server, override_settings(**server.settings()):
        message = enqueue()
        now = timezone.now()
        for _attempt in range(5):
            outbox.send_due_messages(now=now)
            now += datetime.timedelta(hours=7)  # past any backoff
        message.refresh_from_db()
        assert (message.state, message.attempts, message.next_attempt_at) == (MessageState.FAILED, 3, None)
        assert "554" in message.last_error
        assert server.connections == 3

        server.refusing = False
        with django_capture_on_commit_callbacks(execute=True):
            outbox.requeue_message(message)
        message.refresh_from_db()
        assert (message.state, message.attempts) == (MessageState.SENT, 1)
        assert len(server.received) == 1


def test_a_worker_that_died_mid_send_is_overtaken_after_its_lease(public_record, monkeypatch):
    message = enqueue()

    def killed(message):
        raise SystemExit("worker killed")

    monkeypatch.setattr(outbox, "build_email", killed)
    start = timezone.now()
    with pytest.raises(SystemExit):
        outbox.deliver(message.pk, now=start)
    message.refresh_from_db()
    assert message.state == MessageState.SENDING
    monkeypatch.undo()

    # Inside the lease another worker keeps off it; after it, the sweep retries it.
    assert outbox.send_due_messages(now=start + datetime.timedelta(minutes=5)) == outbox.SweepResult()
    result = outbox.send_due_messages(now=start + datetime.timedelta(minutes=11))
    assert result.reclaimed == 1
    message.refresh_from_db()
    assert message.state == MessageState.RETRYING
    assert message.last_error.startswith("The worker stopped")
    result = outbox.send_due_messages(now=start + datetime.timedelta(minutes=20))
    assert result.sent == 1
    assert len(mail.outbox) == 1


def test_the_wait_between_attempts_doubles_up_to_six_hours():
    assert [outbox.retry_delay(n) for n in (1, 2, 3, 4)] == [
        datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert outbox.retry_delay(20) == datetime.timedelta(hours=6)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_a_worker_that_can_wait_is_asked_to_retry_when_the_wait_is_over(
    public_record, django_capture_on_commit_callbacks
):
    """The database worker of ``make run`` (``db_worker``) supports ``run_after``: the retry is
    queued for it, so a refused message goes again without any cron job."""
    from django_tasks import default_task_backend

    with SMTPServer(refusing=True) as server, override_settings(**server.settings()):
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue()
        [first] = default_task_backend.results
        assert (first.task.name, first.args, first.task.run_after) == ("deliver_message", [message.pk], None)
        with django_capture_on_commit_callbacks(execute=True):
            outbox.deliver(message.pk)
    message.refresh_from_db()
    [_first, retry] = default_task_backend.results
    assert retry.args == [message.pk]
    assert retry.task.run_after == message.next_attempt_at
    default_task_backend.clear()


def test_letters_go_with_their_pdf_and_html(public_record, django_capture_on_commit_callbacks):
    from complaints import letters

    complaint = services.acknowledge_complaint(submit())
    with django_capture_on_commit_callbacks(execute=True):
        letter = letters.send_acknowledgement_letter(complaint)
    message = Message.objects.get(dedupe_key=f"letter:{letter.pk}")
    assert (message.state, message.attachment_name) == (MessageState.SENT, letter.pdf.name)
    [sent] = mail.outbox
    assert sent.alternatives[0] == (letter.body_html, "text/html")
    assert sent.attachments[0][0] == f"{complaint.reference}-acknowledgement.pdf"
    assert "Victims' voices" in sent.body


def test_send_outbox_sends_what_is_due(public_record, capsys):
    enqueue()
    call_command("send_outbox")
    assert "Sent 1, waiting to retry 0, failed 0" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_a_message_carries_its_list_headers_and_no_other(django_capture_on_commit_callbacks):
    headers = {
        "List-Unsubscribe": "<https://example.org/alerts/unsubscribe/1/abc/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue("test:headers", headers=headers)
    assert Message.objects.get(pk=message.pk).headers == headers
    sent = mail.outbox[-1]
    assert sent.extra_headers == headers
    assert sent.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with pytest.raises(ValueError, match="does not set the headers Bcc, From"):
        enqueue("test:bad", headers={"From": "x@example.org", "Bcc": "y@example.org"})
    with pytest.raises(ValueError, match="cannot span lines"):
        enqueue("test:bad", headers={"List-Id": "a\r\nBcc: y@example.org"})
    assert not Message.objects.filter(dedupe_key="test:bad").exists()
