"""The retention job: each category treated exactly on the day its period ends (London days), held
records untouched, a second run a no-op, and no personal data in the events it writes."""

from __future__ import annotations

import datetime
import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.invitations import refusal
from accounts.models import Invitation, InvitationState, Membership, User
from alerts.models import Subscription
from audit.models import AuditEvent
from calls.models import CallResponse
from complaints import services as complaints
from complaints.models import SuperComplaint
from deadlines.rules import to_london_date
from evidence.models import Document
from operations.retention import apply_retention, plan
from outbox.models import Message
from retention.schedule import REMOVED
from retention.services import lift_hold, place_hold, update_rule
from tests.accounts.support import PASSWORD, sign_in_with_password
from tests.builders import london
from tests.retention.support import (
    ACCOUNT_EMAIL,
    ANSWER,
    CONTACT_EMAIL,
    CONTACT_NAME,
    EVIDENCE_NAME,
    INVITEE,
    PERSONAL,
    RESPONDENT_EMAIL,
    RESPONDENT_NAME,
    SIGN_IN_ADDRESS,
    TYPED_EMAIL,
    a_call,
    a_named_response,
    accepted,
    an_account,
    an_organisation_admin,
    clock,
    expiring,
    failed_sign_ins,
    invited,
    publish_a_report,
    revoked,
    sent_message,
    signed_in_last,
    signed_in_through_the_pages,
    unconfirmed,
    unsubscribed,
    with_evidence,
    withdrawn,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

DAY = datetime.timedelta(days=1)


def treated(today: datetime.date) -> dict[str, int]:
    return {key: count for key, count in apply_retention(today).items() if count}


def events_since(sequence: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=sequence, action__startswith="retention."))


def head() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def test_respondents_names_go_twelve_months_after_the_report_is_public_in_london():
    complaint = with_evidence("Responses named")
    response = a_named_response(a_call(complaint))
    # 00:30 on 1 May in London is 23:30 on 30 April in UTC: the clock starts on 1 May.
    publish_a_report(complaint, at=london(2026, 5, 1, 0, 30))

    assert treated(datetime.date(2027, 4, 30)) == {}
    start = head()
    assert treated(datetime.date(2027, 5, 1)) == {"call_response_identity": 1}

    response.refresh_from_db()
    assert (response.name, response.email, response.anonymous) == ("", "", False)
    assert response.answers.get().text == ANSWER  # the answers are kept until the complaint ends
    (event,) = events_since(start)
    assert event.action == "retention.anonymised"
    assert (event.object_type, event.object_id, event.object_repr) == (
        "calls.callresponse",
        str(response.pk),
        response.receipt_code,
    )
    assert event.after == {
        "category": "call_response_identity",
        "period": 12,
        "unit": "months",
        "rule_version": 1,
        "applied_on": "2027-05-01",
    }


def test_a_withdrawn_complaint_loses_its_contact_answers_and_evidence_files_six_years_on(
    django_capture_on_commit_callbacks,
):
    complaint = with_evidence("Withdrawn in summer")
    document = complaint.evidence_items.get(document__isnull=False).document
    stored = document.file.name
    storage = document.file.storage
    response = a_named_response(a_call(complaint), document=None)
    # 00:30 on 1 July 2026, British Summer Time: still 30 June in UTC.
    complaint = complaints.withdraw_complaint(complaint, reason="Withdrawn", at=london(2026, 7, 1, 0, 30))

    # The respondent's name goes twelve months after the end, the rest six years after it.
    assert treated(datetime.date(2027, 6, 30)) == {}
    assert treated(datetime.date(2027, 7, 1)) == {"call_response_identity": 1}
    assert treated(datetime.date(2032, 6, 30)) == {}
    assert storage.exists(stored)
    start = head()
    with django_capture_on_commit_callbacks(execute=True):
        counts = treated(datetime.date(2032, 7, 1))
    assert counts == {
        "call_response_answers": 1,
        "complaint_contact": 1,
        "evidence_files": 1,
    }

    complaint.refresh_from_db()
    assert (
        complaint.contact_name,
        complaint.contact_role,
        complaint.contact_email,
        complaint.contact_phone,
    ) == (
        "",
        "",
        "",
        "",
    )
    assert complaint.withdrawal_reason == "Withdrawn"  # the complaint's own record stays
    assert [a.text for a in response.answers.all()] == [REMOVED]
    document.refresh_from_db()
    assert (document.original_name, document.file.name, document.extracted_text) == (REMOVED, "", "")
    assert not storage.exists(stored)
    # The evidence list keeps its row: the complaint relied on a file, now removed.
    assert complaint.evidence_items.get(document__isnull=False).description == "A witness statement"
    assert sorted(e.action for e in events_since(start)) == [
        "retention.anonymised",
        "retention.anonymised",
        "retention.deleted",
    ]


def test_a_closed_complaint_counts_from_its_closure_as_the_audit_trail_records_it():
    complaint = with_evidence("Closed after monitoring")
    publish_a_report(complaint, at=london(2026, 5, 1, 9))
    complaint = complaints.close_complaint(
        complaints.begin_monitoring(SuperComplaint.objects.get(pk=complaint.pk))
    )
    closed_on = to_london_date(
        AuditEvent.objects.get(action="complaint.closed", object_id=str(complaint.pk)).occurred_at
    )
    six_years_on = closed_on.replace(year=closed_on.year + 6)

    assert "complaint_contact" not in treated(six_years_on - DAY)
    assert treated(six_years_on)["complaint_contact"] == 1
    complaint.refresh_from_db()
    assert complaint.contact_name == ""


def test_a_complaint_found_not_eligible_counts_from_the_decision():
    with_evidence("Not eligible", outcome="not_eligible", decided_at=london(2026, 2, 2, 10))

    assert treated(datetime.date(2032, 2, 1)) == {}
    assert treated(datetime.date(2032, 2, 2)) == {"complaint_contact": 1, "evidence_files": 1}


def test_a_complaint_still_running_keeps_everything():
    complaint = with_evidence("Still being investigated")
    a_named_response(a_call(complaint))

    assert treated(datetime.date(2046, 1, 1)) == {}
    complaint.refresh_from_db()
    assert complaint.contact_name == CONTACT_NAME


def test_sent_emails_lose_their_addresses_and_context_two_years_after_sending():
    message = sent_message(at=london(2026, 6, 1, 0, 30))  # 31 May in UTC
    queued = Message.objects.filter(state="queued").count()

    assert treated(datetime.date(2028, 5, 31)) == {}
    assert treated(datetime.date(2028, 6, 1)) == {"outbox_messages": 1}
    message.refresh_from_db()
    assert (message.to, message.context, message.html_body, message.headers) == ([], {}, "", {})
    assert message.subject == "Your super-complaint"
    assert message.sent_at == london(2026, 6, 1, 0, 30)
    assert Message.objects.filter(state="queued").count() == queued  # nothing unsent is touched


def test_unconfirmed_alert_subscriptions_go_after_seven_days_and_ended_ones_after_thirty():
    complaint = with_evidence("Followed by the public")
    asked = unconfirmed(complaint, at=london(2026, 6, 1, 0, 30), email="asked@example.net")
    ended = unsubscribed(complaint, at=london(2026, 6, 1, 0, 30), email="ended@example.net")

    assert treated(datetime.date(2026, 6, 7)) == {}
    assert treated(datetime.date(2026, 6, 8)) == {"alert_unconfirmed": 1}
    assert not Subscription.objects.filter(pk=asked.pk).exists()
    assert treated(datetime.date(2026, 6, 30)) == {}
    start = head()
    assert treated(datetime.date(2026, 7, 1)) == {"alert_unsubscribed": 1}
    assert not Subscription.objects.filter(pk=ended.pk).exists()
    (event,) = events_since(start)
    assert (event.action, event.object_type, event.object_id) == (
        "retention.deleted",
        "alerts.subscription",
        str(ended.pk),
    )


def test_dormant_accounts_are_closed_and_anonymised_two_years_after_the_last_sign_in():
    user = signed_in_last(an_account(), london(2026, 6, 1, 0, 30))
    other = signed_in_last(an_account(email="active@example.net"), london(2027, 6, 1, 9))

    assert "dormant_accounts" not in treated(datetime.date(2028, 5, 31))
    assert treated(datetime.date(2028, 6, 1))["dormant_accounts"] == 1
    user.refresh_from_db()
    assert user.email == f"account-{user.pk}@anonymised.invalid"
    assert (user.full_name, user.is_active, user.has_usable_password()) == ("", False, False)
    assert not Membership.objects.filter(user=user).exists()
    assert not user.totpdevice_set.exists()
    other.refresh_from_db()
    assert other.email == "active@example.net" and other.is_active


def test_a_month_period_from_the_31st_ends_on_the_last_day_of_a_shorter_month():
    update_rule("outbox_messages", period=1, unit="months", action="anonymise")
    sent_message(at=london(2026, 1, 31, 12))

    assert treated(datetime.date(2026, 2, 27)) == {}
    assert treated(datetime.date(2026, 2, 28)) == {"outbox_messages": 1}


def test_a_second_run_changes_nothing_and_writes_no_event():
    complaint = withdrawn("Withdrawn early", at=london(2026, 3, 1, 9))
    sent_message(at=london(2026, 3, 1, 9), complaint=complaint)
    signed_in_last(an_account(), london(2026, 3, 1, 9))
    later = datetime.date(2036, 1, 1)

    assert treated(later) == {
        "complaint_contact": 1,
        "evidence_files": 1,
        "outbox_messages": 1,
        "dormant_accounts": 1,
    }
    start = head()
    state = (
        list(
            SuperComplaint.objects.order_by("pk").values_list("pk", "version", "contact_name", "updated_at")
        ),
        list(Document.objects.order_by("pk").values_list("pk", "original_name", "file")),
        list(Message.objects.order_by("pk").values_list("pk", "to", "context")),
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active")),
    )
    assert treated(later) == {}
    assert head() == start
    assert state == (
        list(
            SuperComplaint.objects.order_by("pk").values_list("pk", "version", "contact_name", "updated_at")
        ),
        list(Document.objects.order_by("pk").values_list("pk", "original_name", "file")),
        list(Message.objects.order_by("pk").values_list("pk", "to", "context")),
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active")),
    )


def test_no_event_the_job_writes_holds_the_personal_data_it_removed():
    complaint = with_evidence("Everything personal")
    response = a_named_response(a_call(complaint))
    complaint = complaints.withdraw_complaint(complaint, reason="Withdrawn", at=london(2026, 7, 1, 9))
    sent_message(at=london(2026, 7, 1, 9), complaint=complaint)
    unconfirmed(complaint, at=london(2026, 7, 1, 9))
    signed_in_last(an_account(), london(2026, 7, 1, 9))
    start = head()

    counts = treated(datetime.date(2036, 1, 1))

    assert {key for key in counts if key != "dormant_accounts"} == {
        "call_response_identity",
        "call_response_answers",
        "complaint_contact",
        "evidence_files",
        "outbox_messages",
        "alert_unconfirmed",
    }
    events = events_since(start)
    assert len(events) == sum(counts.values())
    for event in events:
        written = json.dumps(
            [event.object_repr, event.actor_label, event.organisation_label, event.before, event.after]
        )
        for value in PERSONAL:
            assert value not in written, (event.action, value)
    # And the records no longer hold it either.
    response.refresh_from_db()
    assert RESPONDENT_NAME not in json.dumps(list(CallResponse.objects.values("name", "email")))
    assert not Document.objects.filter(original_name=EVIDENCE_NAME).exists()
    assert not User.objects.filter(email=ACCOUNT_EMAIL).exists()
    for message in Message.objects.filter(state="sent"):
        assert CONTACT_EMAIL not in json.dumps([message.to, message.context])
    assert RESPONDENT_EMAIL not in json.dumps(list(CallResponse.objects.values("name", "email")))


def test_a_hold_on_a_complaint_protects_everything_under_it_until_it_is_lifted():
    complaint = with_evidence("In litigation")
    response = a_named_response(a_call(complaint))
    complaint = complaints.withdraw_complaint(complaint, reason="Withdrawn", at=london(2026, 7, 1, 9))
    message = sent_message(at=london(2026, 7, 1, 9), complaint=complaint)
    asked = unconfirmed(complaint, at=london(2026, 7, 1, 9))
    hold = place_hold(complaint=complaint, reason="Judicial review claim AC/2027/1")
    later = datetime.date(2036, 1, 1)

    counts = treated(later)

    assert {k: v for k, v in counts.items() if k != "dormant_accounts"} == {}
    complaint.refresh_from_db()
    response.refresh_from_db()
    message.refresh_from_db()
    assert (complaint.contact_name, response.name, message.to) == (
        CONTACT_NAME,
        RESPONDENT_NAME,
        [CONTACT_EMAIL],
    )
    assert Subscription.objects.filter(pk=asked.pk).exists()
    assert complaint.evidence_items.get(document__isnull=False).document.original_name == EVIDENCE_NAME
    held = {p.rule.key: (p.due, p.held) for p in plan(later)}
    assert held["complaint_contact"] == (1, 1)
    assert held["evidence_files"] == (1, 1)

    lift_hold(hold)
    assert {k: v for k, v in treated(later).items() if k != "dormant_accounts"} == {
        "call_response_identity": 1,
        "call_response_answers": 1,
        "complaint_contact": 1,
        "evidence_files": 1,
        "outbox_messages": 1,
        "alert_unconfirmed": 1,
    }


def test_a_hold_on_one_record_protects_only_that_record():
    first = sent_message(at=london(2026, 3, 1, 9), to="first@example.net")
    second = sent_message(at=london(2026, 3, 1, 9), to="second@example.net")
    place_hold(category="outbox_messages", object_id=first.pk, reason="Subject access request")

    assert treated(datetime.date(2028, 3, 1)) == {"outbox_messages": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.to, second.to) == (["first@example.net"], [])


def test_the_dry_run_counts_what_would_be_done_and_changes_nothing():
    withdrawn("Withdrawn for the dry run", at=london(2026, 3, 1, 9))
    start = head()

    planned = {p.rule.key: (p.due, p.held) for p in plan(datetime.date(2032, 3, 1))}

    assert planned["complaint_contact"] == (1, 0)
    assert planned["evidence_files"] == (1, 0)
    assert planned["alert_unconfirmed"] == (0, 0)
    assert head() == start
    assert SuperComplaint.objects.filter(contact_name=CONTACT_NAME).exists()


def test_the_command_applies_the_schedule_and_the_sweep_runs_it(capsys):
    withdrawn("Withdrawn for the command", at=london(2026, 3, 1, 9))
    call_command("apply_retention", "--on", "2032-03-01", "--dry-run")
    assert "complaint_contact: 1 would be treated (anonymise), 0 held." in capsys.readouterr().out
    assert SuperComplaint.objects.filter(contact_name=CONTACT_NAME).exists()

    call_command("sweep_deadlines", "--on", "2032-03-01")
    out = capsys.readouterr().out
    assert "Records anonymised or deleted under the retention schedule:" in out
    assert not SuperComplaint.objects.filter(contact_name=CONTACT_NAME).exists()
    call_command("apply_retention", "--on", "2032-03-01")
    assert "complaint_contact 0" in capsys.readouterr().out


def test_what_was_made_from_a_removed_text_goes_with_it(django_capture_on_commit_callbacks):
    from evidence.services import extract_document_text
    from redaction.models import Redaction, RedactionSpan, SpanKind
    from redaction.services import mark_passage, start_redaction
    from themes.models import Embedding

    complaint = with_evidence("Copies of removed texts")
    document = extract_document_text(complaint.evidence_items.get(document__isnull=False).document_id)
    assert document is not None and document.extracted_text
    response = a_named_response(a_call(complaint))
    of_response = start_redaction(complaint, title="An extract of a response", call_response=response)
    mark_passage(of_response, passage="Sergeant Smith", kind=SpanKind.NAME)
    of_document = start_redaction(complaint, title="An extract of a statement", document=document)
    mark_passage(of_document, passage="that night", kind=SpanKind.OTHER)
    vector = b"\0" * 16
    Embedding.objects.create(kind="response", model_name="m", text_hash="h", vector=vector, response=response)
    Embedding.objects.create(
        kind="passage",
        model_name="m",
        text_hash="h",
        vector=vector,
        document=document,
        passage=0,
        passage_text=document.extracted_text,
    )
    complaints.withdraw_complaint(complaint, reason="Withdrawn", at=london(2026, 7, 1, 9))

    def copies() -> list[object]:
        return [
            sorted(Redaction.objects.filter(complaint=complaint).values_list("source_text", flat=True)),
            RedactionSpan.objects.filter(redaction__complaint=complaint).count(),
            Embedding.objects.filter(response=response).count()
            + Embedding.objects.filter(document=document).count(),
        ]

    before = copies()
    assert treated(datetime.date(2032, 6, 30)) == {"call_response_identity": 1}  # the name alone
    assert copies() == before and before[1:] == [2, 2]
    with django_capture_on_commit_callbacks(execute=True):
        assert treated(datetime.date(2032, 7, 1))["call_response_answers"] == 1
    assert copies() == [[REMOVED, REMOVED], 0, 0]
    # Nothing is left to do: a second run changes nothing.
    assert treated(datetime.date(2032, 7, 1)) == {}


def free_of_personal_data(events: list[AuditEvent]) -> None:
    for event in events:
        written = json.dumps(
            [event.object_repr, event.actor_label, event.organisation_label, event.before, event.after]
        )
        for value in PERSONAL:
            assert value not in written, (event.action, value)


def test_sign_in_records_are_deleted_ninety_days_after_the_attempt_in_london(settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True  # off in the service; its rows go the same way
    # 00:30 on 1 June in London is 23:30 on 31 May in UTC: the clock starts on 1 June.
    assert failed_sign_ins(TYPED_EMAIL, at=london(2026, 6, 1, 0, 30)) == 200
    signed_in_through_the_pages(an_account(), at=london(2026, 6, 1, 0, 31))
    attempt, failure, sign_in = (
        AccessAttempt.objects.get(),
        AccessFailureLog.objects.get(),
        AccessLog.objects.get(),
    )
    assert (attempt.username, attempt.ip_address) == (TYPED_EMAIL, SIGN_IN_ADDRESS)
    assert sign_in.username == ACCOUNT_EMAIL

    assert treated(datetime.date(2026, 8, 29)) == {}
    start = head()
    assert treated(datetime.date(2026, 8, 30)) == {"sign_in_attempts": 3}

    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not AccessLog.objects.exists()
    events = events_since(start)
    assert sorted((e.action, e.object_type, e.object_id, e.object_repr) for e in events) == [
        ("retention.deleted", "axes.accessattempt", str(attempt.pk), f"Sign-in attempts {attempt.pk}"),
        ("retention.deleted", "axes.accessfailurelog", str(failure.pk), f"Failed sign-in {failure.pk}"),
        ("retention.deleted", "axes.accesslog", str(sign_in.pk), f"Sign-in {sign_in.pk}"),
    ]
    assert events[0].after == {
        "category": "sign_in_attempts",
        "period": 90,
        "unit": "days",
        "rule_version": 1,
        "applied_on": "2026-08-30",
    }
    free_of_personal_data(events)
    # The security events of the audit trail stay: they are append-only.
    assert AuditEvent.objects.filter(action="account.sign_in_failed").exists()
    start = head()
    assert treated(datetime.date(2026, 8, 30)) == {}
    assert head() == start


def test_deleting_sign_in_records_never_lifts_a_pause_still_running():
    an_account()
    update_rule("sign_in_attempts", period=1, unit="days", action="delete")
    # Paused now, at whatever time of day: the shortest rule makes the row due tomorrow.
    assert failed_sign_ins(ACCOUNT_EMAIL, times=5) == 429
    tomorrow = to_london_date(timezone.now()) + DAY
    assert [p.due for p in plan(tomorrow) if p.rule.key == "sign_in_attempts"] == [0]

    assert "sign_in_attempts" not in treated(tomorrow)

    assert AccessAttempt.objects.filter(username=ACCOUNT_EMAIL).exists()
    still = sign_in_with_password(Client(REMOTE_ADDR=SIGN_IN_ADDRESS), ACCOUNT_EMAIL, PASSWORD)
    assert still.status_code == 429
    # Once the pause is over, the row is the job's to delete.
    with clock(timezone.now() + datetime.timedelta(minutes=16)):
        assert treated(tomorrow)["sign_in_attempts"] == 1
    assert not AccessAttempt.objects.exists()


def test_a_hold_on_a_sign_in_record_keeps_it():
    signed_in_through_the_pages(an_account(), at=london(2026, 6, 1, 9))
    signed_in_through_the_pages(an_account(email="other@example.net"), at=london(2026, 6, 1, 9))
    held, _other = AccessLog.objects.order_by("pk")
    place_hold(category="sign_in_attempts", object_id=held.pk, reason="Police inquiry into account access")

    assert [
        (p.due, p.held) for p in plan(datetime.date(2026, 8, 30)) if p.rule.key == "sign_in_attempts"
    ] == [(2, 1)]
    assert treated(datetime.date(2026, 8, 30)) == {"sign_in_attempts": 1}
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [held.pk]


def test_ended_invitations_lose_the_address_twelve_months_after_they_end():
    admin = an_organisation_admin()
    # Every one ends at 00:30 on 1 June in London, 31 May in UTC.
    ended = london(2026, 6, 1, 0, 30)
    accepted_one = accepted(admin, at=ended)
    revoked_one = revoked(admin, "withdrawn@example.net", at=ended)
    expired_one = expiring(admin, "expired@example.net", at=ended)
    replaced_one = invited(admin, "again@example.net", at=london(2026, 5, 31, 9))
    newer = invited(admin, "again@example.net", at=ended)  # open until 8 June
    replaced_one.refresh_from_db()
    assert (replaced_one.state, replaced_one.revoked_at) == (InvitationState.REPLACED, ended)

    assert treated(datetime.date(2027, 5, 31)) == {}
    start = head()
    assert treated(datetime.date(2027, 6, 1)) == {"ended_invitations": 4}

    for invitation in (accepted_one, revoked_one, expired_one, replaced_one):
        before = invitation
        invitation = Invitation.objects.get(pk=before.pk)
        assert invitation.email == f"invitation-{invitation.pk}@anonymised.invalid"
        # The record of who invited whom, to what, and when, stays.
        assert (
            invitation.state,
            invitation.organisation_id,
            invitation.role,
            invitation.invited_by_id,
            invitation.accepted_by_id,
            invitation.created_at,
        ) == (
            before.state,
            before.organisation_id,
            before.role,
            admin.pk,
            before.accepted_by_id,
            before.created_at,
        )
    assert Invitation.objects.get(pk=accepted_one.pk).accepted_by == User.objects.get(email=INVITEE)
    assert Invitation.objects.get(pk=newer.pk).email == "again@example.net"
    events = events_since(start)
    assert sorted((e.action, e.object_type, e.object_id) for e in events) == sorted(
        ("retention.anonymised", "accounts.invitation", str(i.pk))
        for i in (accepted_one, revoked_one, expired_one, replaced_one)
    )
    free_of_personal_data(events)
    for value in ("withdrawn@example.net", "expired@example.net", "again@example.net"):
        assert all(value not in e.object_repr for e in events)

    assert treated(datetime.date(2027, 6, 7)) == {}
    assert treated(datetime.date(2027, 6, 8)) == {"ended_invitations": 1}
    start = head()
    assert treated(datetime.date(2027, 6, 8)) == {}
    assert head() == start


def test_an_open_invitation_whose_link_still_works_is_never_touched_whatever_the_day():
    admin = an_organisation_admin()
    invitation = invited(admin, INVITEE)  # now: its link works for a week
    years_on = to_london_date(timezone.now()).replace(day=1, year=timezone.now().year + 3)

    assert "ended_invitations" not in treated(years_on)

    invitation.refresh_from_db()
    assert invitation.email == INVITEE and refusal(invitation) == ""


def test_a_hold_on_an_invitation_keeps_its_address():
    admin = an_organisation_admin()
    held = revoked(admin, "held@example.net", at=london(2026, 6, 1, 9))
    other = revoked(admin, "other@example.net", at=london(2026, 6, 1, 9))
    hold = place_hold(category="ended_invitations", object_id=held.pk, reason="Subject access request")

    assert treated(datetime.date(2027, 6, 1)) == {"ended_invitations": 1}
    assert Invitation.objects.get(pk=held.pk).email == "held@example.net"
    assert Invitation.objects.get(pk=other.pk).email.endswith("@anonymised.invalid")
    lift_hold(hold)
    assert treated(datetime.date(2027, 6, 1)) == {"ended_invitations": 1}
    assert Invitation.objects.get(pk=held.pk).email == f"invitation-{held.pk}@anonymised.invalid"
