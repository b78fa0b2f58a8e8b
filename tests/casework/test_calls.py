"""Casework pages of calls for evidence: staff open, change and close a call, and review its
responses; nobody else reaches them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from calls.models import CallForEvidence, CallResponse
from calls.services import mark_reviewed, submit_response, tag_response
from deadlines.rules import to_london_date
from tests.calls.support import investigated, open_now, opening_later

pytestmark = pytest.mark.django_db


def respond(call: CallForEvidence, text: str, *, at: datetime.datetime | None = None) -> CallResponse:
    first = call.questions.get(position=1)
    return submit_response(call, answers={first.pk: text}, consent_given=True, at=at)


def date_parts(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.mark.parametrize("name", ["hestia", "force"])
def test_bodies_and_forces_reach_no_call_page_and_no_response(client_for, public_record, name):
    call = open_now()
    response = respond(call, "An account XQJZ-SECRET")
    outsider = client_for(name)
    for url in [
        "/casework/calls-for-evidence/responses/",
        f"/casework/calls-for-evidence/responses/{response.pk}/",
        f"/casework/calls-for-evidence/{call.pk}/",
        f"/casework/calls-for-evidence/{call.pk}/edit/",
        f"/casework/complaints/{call.complaint.reference}/calls-for-evidence/new/",
    ]:
        page = outsider.get(url)
        assert page.status_code == 404, url
        assert b"XQJZ" not in page.content
    assert outsider.post(f"/casework/calls-for-evidence/responses/{response.pk}/reviewed/").status_code == 404
    assert outsider.post(f"/casework/calls-for-evidence/{call.pk}/close/").status_code == 404
    assert CallResponse.objects.get().reviewed_at is None
    assert not AuditEvent.objects.filter(action="call_response.viewed").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, public_record):
    page = client.get("/casework/calls-for-evidence/responses/")
    assert page.status_code == 302
    assert "/account/sign-in/" in page["Location"]


def test_staff_open_a_call_with_questions_and_dates(client_for, public_record):
    complaint = investigated()
    team = client_for("team")
    today = to_london_date(timezone.now())
    url = f"/casework/complaints/{complaint.reference}/calls-for-evidence/new/"
    assert (
        "Open a call for evidence"
        in team.get(f"/casework/complaints/{complaint.reference}/").content.decode()
    )
    # Bad input: clear errors, and what was typed is kept.
    bad = team.post(
        url, {"title": "Reporting exploitation", **date_parts("opens_on", today), "closes_on_0": "31"}
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "Enter at least one question" in html
    assert "The date the call closes must include a month and a year" in html
    assert 'value="Reporting exploitation"' in html
    sent = team.post(
        url,
        {
            "title": "Reporting exploitation",
            "introduction": "Tell us what happened.",
            **date_parts("opens_on", today),
            **date_parts("closes_on", today + datetime.timedelta(days=28)),
            "q1_text": "What happened?",
            "q1_required": "on",
            "q2_text": "What would have helped?",
            "q2_text_cy": "Beth fyddai wedi helpu?",
        },
    )
    call = CallForEvidence.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/casework/calls-for-evidence/{call.pk}/"
    assert [(q.text, q.text_cy, q.required) for q in call.questions.all()] == [
        ("What happened?", "", True),
        ("What would have helped?", "Beth fyddai wedi helpu?", False),
    ]
    assert call.closes_on == today + datetime.timedelta(days=28)
    detail = team.get(sent["Location"]).content.decode()
    assert "Close the call now" in detail
    assert "Change the call" not in detail  # it opened today


def test_staff_change_a_call_before_it_opens_and_a_stale_form_is_refused(client_for, public_record):
    call = opening_later()
    team = client_for("team")
    url = f"/casework/calls-for-evidence/{call.pk}/edit/"
    page = team.get(url).content.decode()
    assert 'value="Not open yet XQJZ-CALL"' in page
    data = {
        "version": "1",
        "title": "Changed title",
        "introduction": "New introduction",
        **date_parts("opens_on", call.opens_on),
        **date_parts("closes_on", call.closes_on + datetime.timedelta(days=7)),
        "q1_text": "Only question",
    }
    assert team.post(url, data).status_code == 302
    call.refresh_from_db()
    assert (call.title, call.version, call.closes_on) == ("Changed title", 2, call.closes_on)
    stale = team.post(url, data | {"title": "Second writer"})
    assert stale.status_code == 200
    assert "Someone else saved changes to this call" in stale.content.decode()
    call.refresh_from_db()
    assert call.title == "Changed title"


def test_staff_close_a_call_early(client_for, public_record):
    call = open_now()
    team = client_for("team")
    assert team.post(f"/casework/calls-for-evidence/{call.pk}/close/").status_code == 302
    call.refresh_from_db()
    assert call.closed_at is not None
    assert AuditEvent.objects.filter(action="call.closed_early").count() == 1


def test_the_queue_filters_by_call_status_tag_and_date(client_for, public_record):
    first = open_now()
    second = open_now(title="Another call")
    old = respond(first, "First account")
    tagged = respond(first, "Second account")
    other = respond(second, "Third account")
    tag_response(tagged, tags=["Follow up"])
    mark_reviewed(old)
    team = client_for("team")
    base = "/casework/calls-for-evidence/responses/"

    def codes(query: str) -> set[str]:
        html = team.get(base + query).content.decode()
        return {r.receipt_code for r in CallResponse.objects.all() if r.receipt_code in html}

    # By default: what is left to review.
    assert codes("") == {tagged.receipt_code, other.receipt_code}
    assert codes("?status=") == {old.receipt_code, tagged.receipt_code, other.receipt_code}
    assert codes(f"?call={first.pk}&status=") == {old.receipt_code, tagged.receipt_code}
    assert codes("?status=reviewed") == {old.receipt_code}
    tag = tagged.tags.get()
    assert codes(f"?status=&tag={tag.pk}") == {tagged.receipt_code}
    today = to_london_date(timezone.now())
    tomorrow = today + datetime.timedelta(days=1)
    assert codes(f"?status=&submitted_from={today:%d/%m/%Y}&submitted_to={today:%d/%m/%Y}") == {
        old.receipt_code,
        tagged.receipt_code,
        other.receipt_code,
    }
    assert codes(f"?status=&submitted_from={tomorrow:%d/%m/%Y}") == set()
    # The queue shows no answer text.
    assert "Second account" not in team.get(base + "?status=").content.decode()
    bad = team.get(base + "?submitted_from=31/02/2026").content.decode()
    assert "Enter the date as day/month/year" in bad


def test_reading_a_response_is_recorded_and_staff_tag_and_mark_it_reviewed(client_for, public_record):
    call = open_now()
    response = respond(call, "An account of what happened")
    team = client_for("team")
    url = f"/casework/calls-for-evidence/responses/{response.pk}/"
    page = team.get(url).content.decode()
    assert "An account of what happened" in page
    assert "Anonymous" in page
    viewed = AuditEvent.objects.filter(action="call_response.viewed", kind="access")
    assert list(viewed.values_list("object_id", "actor_label")) == [
        (str(response.pk), "team@hmicfrs.example")
    ]

    assert team.post(url, {"tags": "language barrier, Follow up"}).status_code == 302
    assert sorted(response.tags.values_list("name", flat=True)) == ["Follow up", "language barrier"]
    assert team.post(url + "reviewed/").status_code == 302
    response.refresh_from_db()
    assert response.reviewed_at is not None
    assert response.reviewed_by.email == "team@hmicfrs.example"
    assert "Reviewed" in team.get(url).content.decode()
    assert viewed.count() == 2
