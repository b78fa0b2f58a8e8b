"""The inspectorate's verification of an obligation and the withholding of personal data from a
published response: the states, the checks, the public text, the audit trail without the passage."""

import re

import pytest

from access import rules
from audit.models import AuditEvent
from pagecache.cache import REGISTER, complaint_scope
from pagecache.models import CacheVersion
from recommendations.models import (
    Obligation,
    Response,
    ResponseState,
    ResponseWithholding,
    Verification,
)
from recommendations.verification import VerificationError, record_verification, withhold_from_response
from tests.builders import london
from tests.casework.support import make_person
from tests.recommendations.ladder_support import published_report, published_response

pytestmark = pytest.mark.django_db

EXPLANATION = (
    "We accept the recommendation. Our lead, Sergeant Jo Bloggs of Maidstone, will report monthly. "
    "Training begins in October."
)
PASSAGE = "Sergeant Jo Bloggs of Maidstone"


@pytest.fixture
def published(public_record):
    return published_report()


@pytest.fixture
def response(published):
    return published_response(published.kent, at=london(2026, 8, 20, 11), explanation=EXPLANATION)


# --- Verification --------------------------------------------------------------------------------


def test_nothing_can_be_verified_before_a_response_is_submitted(published):
    with pytest.raises(VerificationError, match="the organisation has not submitted its response"):
        record_verification(published.kent, state=Verification.NOT_VERIFIED)
    assert Obligation.objects.get(pk=published.kent.pk).verification == ""


def test_verified_needs_a_note_and_each_state_is_recorded_once(published, response):
    team, _device = make_person("team")
    with pytest.raises(VerificationError, match="Enter a note saying what the inspectorate verified"):
        record_verification(published.kent, state=Verification.VERIFIED, note="  ", user=team)
    with pytest.raises(VerificationError, match="Choose one of the verification states"):
        record_verification(published.kent, state="done", user=team)

    record_verification(
        published.kent, state=Verification.SELF_REPORTED, user=team, at=london(2026, 10, 1, 9)
    )
    record_verification(
        published.kent, state=Verification.SELF_REPORTED, user=team, at=london(2026, 10, 2, 9)
    )  # the same again: nothing
    record_verification(
        published.kent,
        state=Verification.VERIFIED,
        note="Inspected the referral logs in November.",
        user=team,
        at=london(2026, 12, 1, 9),
    )
    obligation = Obligation.objects.get(pk=published.kent.pk)
    assert obligation.verification == "verified"
    assert obligation.verification_note == "Inspected the referral logs in November."
    assert obligation.verified_by == team
    assert obligation.verified_at == london(2026, 12, 1, 9)
    assert [
        (e.before, e.after)
        for e in AuditEvent.objects.filter(action="obligation.verification_recorded").order_by("sequence")
    ] == [
        ({"verification": "", "note": ""}, {"verification": "self_reported_complete", "note": ""}),
        (
            {"verification": "self_reported_complete", "note": ""},
            {"verification": "verified", "note": "Inspected the referral logs in November."},
        ),
    ]
    record_verification(published.kent, state=Verification.NOT_VERIFIED, user=team)
    assert Obligation.objects.get(pk=published.kent.pk).verification == "not_verified"


def test_only_the_super_complaints_team_may_verify_or_withhold(published, response):
    team, _ = make_person("team")
    iopc, _ = make_person("iopc")
    force, _ = make_person("force")
    assert rules.may_verify(team, published.kent) and rules.may_withhold(team, response)
    for user in (iopc, force):
        assert not rules.may_verify(user, published.kent)
        assert not rules.may_withhold(user, response)


# --- Withholding ---------------------------------------------------------------------------------


def test_a_withheld_passage_is_gone_from_the_public_text_and_marked(published, response):
    team, _ = make_person("team")
    withholding = withhold_from_response(
        response,
        field="explanation",
        passage=f"  {PASSAGE}\n",
        reason="Names an officer",
        user=team,
        at=london(2026, 9, 1, 10),
    )
    assert (withholding.passage, withholding.reason, withholding.withheld_by) == (
        PASSAGE,
        "Names an officer",
        team,
    )
    response = Response.objects.get(pk=response.pk)
    assert response.explanation == EXPLANATION  # kept as the organisation wrote it
    assert response.public_explanation == (
        "We accept the recommendation. Our lead, [Personal data withheld], will report monthly. "
        "Training begins in October."
    )
    assert PASSAGE not in response.public_text("explanation")
    event = AuditEvent.objects.get(action="response.passage_withheld")
    # The passage is the personal data: the trail keeps its length, never its text.
    assert event.after == {"field": "explanation", "length": 31, "reason": "Names an officer"}
    assert PASSAGE not in str(event.after) and PASSAGE not in event.object_repr
    # The same passage again does nothing.
    assert (
        withhold_from_response(response, field="explanation", passage=PASSAGE, reason="Again") == withholding
    )
    assert ResponseWithholding.objects.count() == 1


def test_withholding_purges_the_public_pages_of_the_complaint(
    published, response, django_capture_on_commit_callbacks
):
    tokens = dict(CacheVersion.objects.values_list("scope", "token"))
    with django_capture_on_commit_callbacks(execute=True):
        withhold_from_response(response, field="explanation", passage=PASSAGE, reason="Names an officer")
    after = dict(CacheVersion.objects.values_list("scope", "token"))
    scope = complaint_scope(published.complaint.reference)
    assert after[scope] != tokens.get(scope)
    assert after[REGISTER] != tokens.get(REGISTER)


@pytest.mark.parametrize(
    ("field", "passage", "reason", "message"),
    [
        (
            "reasons",
            PASSAGE,
            "Names an officer",
            "That passage is not in the reasons as the register shows it.",
        ),
        ("explanation", "Sergeant Joe Bloggs", "Names an officer", "That passage is not in the explanation"),
        (
            "explanation",
            "   ",
            "Names an officer",
            "Enter the passage to withhold, copied from the response.",
        ),
        ("explanation", PASSAGE, " ", "Enter the reason for withholding the passage."),
        ("title", PASSAGE, "Names an officer", "Choose the part of the response the passage is in."),
    ],
)
def test_a_withholding_that_does_not_fit_is_refused(response, field, passage, reason, message):
    with pytest.raises(VerificationError, match=re.escape(message)):
        withhold_from_response(response, field=field, passage=passage, reason=reason)
    assert not ResponseWithholding.objects.exists()


def test_a_passage_already_withheld_cannot_be_withheld_again_inside_a_longer_one(response):
    withhold_from_response(response, field="explanation", passage=PASSAGE, reason="Names an officer")
    with pytest.raises(VerificationError, match="not in the explanation as the register shows it"):
        withhold_from_response(response, field="explanation", passage=f"lead, {PASSAGE}", reason="Names")


def test_only_a_published_response_can_have_passages_withheld(published):
    draft = Response.objects.create(
        obligation=published.home_office, state=ResponseState.DRAFT, explanation=EXPLANATION
    )
    with pytest.raises(VerificationError, match="only be withheld from a published response"):
        withhold_from_response(draft, field="explanation", passage=PASSAGE, reason="Names an officer")
