"""The response lifecycle services: drafting with a version, sign-off, submission that meets the
deadline and publishes at once, action plans and progress."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from deadlines.models import DeadlineRule
from deadlines.rules import clock_time
from outbox.models import Message
from pagecache.models import CacheVersion
from recommendations.models import Obligation, Response, ResponseState
from recommendations.responding import (
    ActionDraft,
    IncompleteResponse,
    ResponseConflict,
    ResponseError,
    attach_action_plan,
    post_progress_update,
    request_sign_off,
    return_to_drafter,
    save_response,
    submit_response,
)
from reports.services import create_report
from tests.builders import london, org
from tests.conftest import once_per_module, refetched
from tests.evidence import files
from tests.public.seed import investigating
from tests.recommendations.response_scenario import (
    ACTION,
    DUE,
    awaiting_sign_off,
    empty_draft,
    published_report,
)

pytestmark = pytest.mark.django_db


_case = once_per_module(published_report)


@pytest.fixture
def case(_case, db):
    return refetched(_case)


def events(action: str, response: Response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(response.pk)))


def draft(case, **fields) -> Response:
    values = {"status": "", "explanation": "", "reasons": "", "actions": []}
    values.update(fields)
    return save_response(case.kent, user=case.drafter, expected_version=None, **values)


# --- Drafting ----------------------------------------------------------------------------------


def test_the_first_save_creates_an_incomplete_draft_with_its_actions(case):
    response = draft(
        case,
        explanation="We are considering it.",
        actions=[ActionDraft("Review the form.", "", None), ActionDraft("", "", None)],
    )
    assert (response.state, response.status, response.version) == (ResponseState.DRAFT, "", 1)
    assert response.created_by == case.drafter
    [action] = response.actions.all()  # the empty row is left out
    assert (action.position, action.description, action.owner_role, action.target_date) == (
        1,
        "Review the form.",
        "",
        None,
    )
    [event] = events("response.drafted", response)
    assert event.after["explanation"] == "We are considering it."


def test_a_save_at_the_current_version_changes_the_draft_and_its_actions(case):
    response = draft(case, explanation="First thoughts.", actions=[ActionDraft("Old action.")])
    response = save_response(
        case.kent,
        user=case.signatory,
        status="accepted",
        explanation="We accept it.",
        reasons="",
        actions=[ACTION],
        expected_version=1,
    )
    assert (response.version, response.status, response.updated_by) == (2, "accepted", case.signatory)
    assert [(a.description, a.target_date) for a in response.actions.all()] == [
        ("Adopt the national missing-episode form.", datetime.date(2026, 12, 31))
    ]
    [event] = events("response.saved", response)
    assert event.before["explanation"] == "First thoughts." and event.after["explanation"] == "We accept it."


def test_saving_what_is_saved_already_does_nothing(case):
    response = draft(case, explanation="Same.", actions=[ACTION])
    again = save_response(
        case.kent,
        user=case.drafter,
        status="",
        explanation="Same.",
        reasons="",
        actions=[ACTION],
        expected_version=1,
    )
    assert again.version == 1
    assert events("response.saved", response) == []


def test_two_drafters_starting_at_once_get_one_response_and_the_second_is_told(case):
    first = draft(case, explanation="Kent's first drafter wrote this.")
    with pytest.raises(ResponseConflict) as refused:
        draft(case, explanation="Kent's second drafter wrote this.")
    saved_at = timezone.localtime(first.updated_at, timezone.get_default_timezone())
    assert str(refused.value).startswith(
        f"Someone else in your organisation saved this response at {clock_time(saved_at)} on "
    )
    # What the first drafter saved is handed back to show beside the second's own text.
    assert refused.value.current is not None
    assert refused.value.current.explanation == "Kent's first drafter wrote this."
    assert Response.objects.filter(obligation=case.kent).count() == 1
    assert Response.objects.get(obligation=case.kent).explanation == "Kent's first drafter wrote this."


def test_a_save_from_a_stale_form_is_refused_and_neither_draft_is_lost(case):
    draft(case, explanation="Opened by both.")
    save_response(
        case.kent,
        user=case.signatory,
        status="",
        explanation="Saved first.",
        reasons="",
        actions=[],
        expected_version=1,
    )
    with pytest.raises(ResponseConflict) as refused:
        save_response(
            case.kent,
            user=case.drafter,
            status="",
            explanation="Saved second.",
            reasons="",
            actions=[],
            expected_version=1,
        )
    assert refused.value.current.explanation == "Saved first."
    assert refused.value.current.version == 2
    assert Response.objects.get(obligation=case.kent).explanation == "Saved first."
    # Saving again against the version shown is a deliberate choice, and goes through.
    response = save_response(
        case.kent,
        user=case.drafter,
        status="",
        explanation="Saved second.",
        reasons="",
        actions=[],
        expected_version=2,
    )
    assert (response.explanation, response.version) == ("Saved second.", 3)


def test_an_unpublished_reports_recommendation_cannot_be_answered(case):
    complaint = investigating("Another complaint", forces=["Kent Police"])
    report = create_report(complaint, title="A draft report")
    from recommendations.services import add_recommendation, expand_addressees

    recommendation = add_recommendation(
        report, label="R1", text="Do better.", organisations=[org("Kent Police")]
    )
    expand_addressees(recommendation)
    obligation = Obligation.objects.get(recommendation=recommendation)
    with pytest.raises(ResponseError, match="not published"):
        save_response(
            obligation,
            user=case.drafter,
            status="",
            explanation="x",
            reasons="",
            actions=[],
            expected_version=None,
        )
    assert not Response.objects.filter(obligation=obligation).exists()


# --- Sign-off ----------------------------------------------------------------------------------


def test_sign_off_needs_a_position_an_explanation_and_complete_actions(case):
    response = draft(case, actions=[ActionDraft("Review the form.")])
    with pytest.raises(IncompleteResponse) as refused:
        request_sign_off(response, user=case.drafter, expected_version=1)
    assert refused.value.problems == {
        "status": "Select your position on the recommendation",
        "explanation": "Enter your explanation",
        "action-1": "Action 1 needs the role that owns it and a target date",
    }
    assert Response.objects.get(pk=response.pk).state == ResponseState.DRAFT


def test_reasons_are_required_where_the_recommendation_is_not_accepted(case):
    response = draft(case, status="not_accepted", explanation="We do not accept it.")
    with pytest.raises(IncompleteResponse) as refused:
        request_sign_off(response, user=case.drafter, expected_version=1)
    assert refused.value.problems == {"reasons": "Enter your reasons for not accepting the recommendation"}
    response = save_response(
        case.kent,
        user=case.drafter,
        status="not_accepted",
        explanation="We do not accept it.",
        reasons="Our own form already records more.",
        actions=[],
        expected_version=1,
    )
    assert (
        request_sign_off(response, user=case.drafter, expected_version=2).state
        == ResponseState.AWAITING_SIGN_OFF
    )


@pytest.mark.parametrize("status", ["accepted", "partially_accepted"])
def test_accepting_needs_at_least_one_action(case, status):
    response = draft(case, status=status, explanation="We accept it.")
    with pytest.raises(IncompleteResponse) as refused:
        request_sign_off(response, user=case.drafter, expected_version=1)
    assert list(refused.value.problems) == ["actions"]


def test_already_in_place_needs_no_action(case):
    response = draft(case, status="already_in_place", explanation="We use the national form since 2024.")
    assert (
        request_sign_off(response, user=case.drafter, expected_version=1).state
        == ResponseState.AWAITING_SIGN_OFF
    )


def test_sending_for_sign_off_tells_the_organisations_signatories(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    assert (response.state, response.version, response.sign_off_requested_by) == (
        ResponseState.AWAITING_SIGN_OFF,
        2,
        case.drafter,
    )
    [message] = Message.objects.filter(dedupe_key=f"response:{response.pk}:sign_off_requested:v2")
    assert message.to == ["chief@kent.police.example"]
    assert message.subject == f"Sign off the response to {case.first.reference}"
    assert message.context["url"] == f"https://super-complaints.test/portal/recommendations/{case.kent.pk}/"
    assert len(events("response.sign_off_requested", response)) == 1
    # Asked again: nothing more.
    request_sign_off(response, user=case.drafter, expected_version=2)
    assert Message.objects.filter(dedupe_key__startswith=f"response:{response.pk}:sign_off").count() == 1


def test_an_edit_while_awaiting_sign_off_returns_it_to_draft(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    response = save_response(
        case.kent,
        user=case.drafter,
        status="accepted",
        explanation="We accept it, and will train staff too.",
        reasons="",
        actions=[ACTION],
        expected_version=2,
    )
    assert (response.state, response.version) == (ResponseState.DRAFT, 3)
    [event] = events("response.saved", response)
    assert (event.before["state"], event.after["state"]) == ("awaiting_sign_off", "draft")


def test_a_signatory_returns_it_to_the_drafter_with_a_note(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    with pytest.raises(ResponseError, match="Only someone who signs off"):
        return_to_drafter(response, user=case.drafter, note="Not mine to return.")
    with pytest.raises(ResponseError, match="Say what the drafter should change"):
        return_to_drafter(response, user=case.signatory, note="  ")
    response = return_to_drafter(response, user=case.signatory, note="Give the action a named role.")
    assert (response.state, response.version) == (ResponseState.DRAFT, 3)
    [message] = Message.objects.filter(dedupe_key=f"response:{response.pk}:returned:v3")
    assert message.to == ["drafter@kent.police.example"]
    assert message.context["note"] == "Give the action a named role."
    [event] = events("response.returned", response)
    assert event.after == {"state": "draft", "note": "Give the action a named role."}


# --- Submission --------------------------------------------------------------------------------


def test_only_a_signatory_of_the_organisation_may_submit(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    for user in (case.drafter, case.essex_user, None):
        with pytest.raises(ResponseError, match="Only someone who signs off"):
            submit_response(response, user=user)
    assert Response.objects.get(pk=response.pk).state == ResponseState.AWAITING_SIGN_OFF
    assert Obligation.objects.get(pk=case.kent.pk).responded_at is None


def test_a_draft_cannot_be_submitted_without_sign_off_being_asked(case):
    response = draft(case, status="already_in_place", explanation="In place.")
    with pytest.raises(ResponseError, match="Only a response sent for sign-off"):
        submit_response(response, user=case.signatory)


def test_submission_meets_the_deadline_and_publishes_at_once(case, django_capture_on_commit_callbacks):
    response = awaiting_sign_off(case.kent, case.drafter)
    at = london(2026, 6, 26, 23, 30)  # the last half hour of the deadline day, London time
    before = dict(CacheVersion.objects.values_list("scope", "token"))
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_response(response, user=case.signatory, at=at, expected_version=2)
    response.refresh_from_db()
    assert response.state == ResponseState.PUBLISHED
    assert response.submitted_at == at and response.published_at == at
    assert response.signed_off_by == case.signatory
    obligation = Obligation.objects.get(pk=case.kent.pk)
    assert obligation.responded_at == response.submitted_at
    deadline = obligation.deadlines.get(rule=DeadlineRule.RESPONSE)
    assert (deadline.due, deadline.met_at) == (DUE, at)
    [submitted] = events("response.submitted", response)
    assert submitted.after["on_time"] is True and submitted.after["due"] == "2026-06-26"
    assert len(events("response.published", response)) == 1
    assert Response.objects.published().filter(pk=response.pk).exists()
    # The public pages showing it are purged: its complaint's, and the register's lists.
    after = dict(CacheVersion.objects.values_list("scope", "token"))
    reference = case.report.complaint.reference
    for scope in (f"complaint:{reference}", "register"):
        assert after[scope] != before.get(scope), scope


def test_submission_tells_the_organisation_and_the_team(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    [mine] = Message.objects.filter(dedupe_key=f"response:{response.pk}:submitted:organisation")
    assert mine.to == ["chief@kent.police.example", "drafter@kent.police.example"]
    assert mine.context["submitted_on"] == "Monday 1 June 2026"
    reference = case.report.complaint.reference
    assert mine.context["public_url"] == (
        f"https://super-complaints.test/super-complaints/{reference}/recommendations/"
        f"{case.first.reference}/responses/kent-police/"
    )
    assert (
        Client().get(mine.context["public_url"].removeprefix("https://super-complaints.test")).status_code
        == 200
    )
    [team] = Message.objects.filter(dedupe_key=f"response:{response.pk}:submitted:team")
    assert team.to == ["team@super-complaints.test"]
    assert team.subject == f"Kent Police responded to {case.first.reference}"


def test_a_late_submission_is_recorded_as_late(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    submit_response(response, user=case.signatory, at=london(2026, 6, 27, 0, 30))
    [submitted] = events("response.submitted", response)
    assert submitted.after["on_time"] is False


def test_a_double_submit_creates_nothing_twice(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    first = submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    second = submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10, 1), expected_version=2)
    assert first.pk == second.pk and second.submitted_at == london(2026, 6, 1, 10)
    assert Response.objects.filter(obligation=case.kent).count() == 1
    for action in ("response.submitted", "response.published"):
        assert len(events(action, response)) == 1, action
    assert AuditEvent.objects.filter(action="obligation.responded", object_id=str(case.kent.pk)).count() == 1
    assert Message.objects.filter(dedupe_key__startswith=f"response:{response.pk}:submitted").count() == 2


def test_a_submitted_response_can_no_longer_change(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    submit_response(response, user=case.signatory)
    with pytest.raises(ResponseError, match="has been submitted"):
        save_response(
            case.kent,
            user=case.drafter,
            status="accepted",
            explanation="x",
            reasons="",
            actions=[],
            expected_version=2,
        )
    with pytest.raises(ResponseError, match="has been submitted"):
        return_to_drafter(response, user=case.signatory, note="Too late.")


def test_a_signatory_cannot_submit_what_changed_since_they_read_it(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    return_to_drafter(response, user=case.signatory, note="Again.")
    request_sign_off(response, user=case.drafter, expected_version=3)
    with pytest.raises(ResponseConflict):
        submit_response(response, user=case.signatory, expected_version=2)


# --- Action plans and progress -----------------------------------------------------------------


def stored_pdf(user):
    from evidence.services import store_document

    return store_document(files.upload("action-plan.pdf", files.pdf_bytes()), user=user)


def test_one_action_plan_is_attached_to_several_of_the_organisations_responses(case):
    first = awaiting_sign_off(case.kent, case.drafter)
    second = empty_draft(case.kent_second, case.drafter)
    document = stored_pdf(case.drafter)
    added = attach_action_plan([first, second], document=document, user=case.drafter)
    assert {r.pk for r in added} == {first.pk, second.pk}
    assert list(first.documents.all()) == [document] and list(second.documents.all()) == [document]
    assert len(events("response.document_attached", first)) == 1
    # Again: nothing more.
    assert attach_action_plan([first], document=document, user=case.drafter) == []
    assert len(events("response.document_attached", first)) == 1


def test_an_action_plan_cannot_span_two_organisations(case):
    kent = draft(case)
    essex = empty_draft(case.essex, case.essex_user)
    with pytest.raises(ResponseError, match="your own organisation"):
        attach_action_plan([kent, essex], document=stored_pdf(case.drafter), user=case.drafter)
    assert not kent.documents.exists() and not essex.documents.exists()


def test_progress_is_posted_only_after_submission(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    action = response.actions.get()
    with pytest.raises(ResponseError, match="once the response has been submitted"):
        post_progress_update(action, user=case.drafter, text="Started.")
    submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    with pytest.raises(ResponseError, match="Enter the progress made"):
        post_progress_update(action, user=case.drafter, text=" ")
    update = post_progress_update(action, user=case.drafter, text="Form drafted.", at=london(2026, 8, 3, 12))
    action.refresh_from_db()
    assert (update.text, update.marks_complete, action.completed_on) == ("Form drafted.", False, None)


def test_marking_an_action_complete_sets_its_london_day_once(case):
    response = awaiting_sign_off(case.kent, case.drafter)
    submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    action = response.actions.get()
    evidence = stored_pdf(case.drafter)
    # 23:30 UTC on 1 September is 00:30 on 2 September in London (BST).
    at = datetime.datetime(2026, 9, 1, 23, 30, tzinfo=datetime.UTC)
    update = post_progress_update(
        action, user=case.drafter, text="Form adopted.", marks_complete=True, documents=[evidence], at=at
    )
    action.refresh_from_db()
    assert action.completed_on == datetime.date(2026, 9, 2)
    assert list(update.documents.all()) == [evidence]
    post_progress_update(
        action, user=case.drafter, text="Audit done.", marks_complete=True, at=london(2026, 10, 1, 9)
    )
    action.refresh_from_db()
    assert action.completed_on == datetime.date(2026, 9, 2)
    [first, _second] = events("response.progress_posted", response)
    assert first.after == {
        "action": 1,
        "marks_complete": True,
        "completed_on": "2026-09-02",
        "documents": ["action-plan.pdf"],
    }


def test_every_message_renders_with_the_context_it_was_written_with(case):
    from django.template.loader import render_to_string

    response = awaiting_sign_off(case.kent, case.drafter)
    return_to_drafter(response, user=case.signatory, note="Name the owner.")
    request_sign_off(response, user=case.drafter, expected_version=3)
    submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    messages = list(Message.objects.filter(dedupe_key__startswith=f"response:{response.pk}:").order_by("pk"))
    assert [m.dedupe_key.split(":", 2)[2] for m in messages] == [
        "sign_off_requested:v2",
        "returned:v3",
        "sign_off_requested:v4",
        "submitted:organisation",
        "submitted:team",
    ]
    bodies = {m.dedupe_key.split(":", 2)[2]: render_to_string(m.template, m.context) for m in messages}
    assert "Name the owner." in bodies["returned:v3"]
    assert (
        f"https://super-complaints.test/portal/recommendations/{case.kent.pk}/"
        in bodies["sign_off_requested:v4"]
    )
    assert "signed off and submitted on Monday 1 June 2026" in " ".join(
        bodies["submitted:organisation"].split()
    )
    assert "Still missing: the police response to missing children" in bodies["submitted:team"]
