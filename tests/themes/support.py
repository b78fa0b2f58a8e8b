"""Calls with generated responses, built through the services, for the themes tests."""

from __future__ import annotations

from calls.models import CallForEvidence, CallResponse
from calls.services import submit_response
from tests.calls.support import open_now
from tests.themes.corpus import generate


def call_with_responses(count: int, *, seed: int = 13) -> tuple[CallForEvidence, dict[int, str]]:
    """An open call with ``count`` responses on the corpus's five topics; returns the call and
    each response's topic by primary key."""
    call = open_now()
    question = call.questions.get(position=1)
    topics = {}
    for topic, text in generate(count, seed=seed):
        response = submit_response(call, answers={question.pk: text}, consent_given=True)
        topics[response.pk] = topic
    return call, topics


def respond(call: CallForEvidence, text: str) -> CallResponse:
    return submit_response(call, answers={call.questions.get(position=1).pk: text}, consent_given=True)
