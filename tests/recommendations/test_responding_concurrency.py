"""Two signatories submitting the same response at once, each on its own connection. A module of
its own: its committed database would otherwise cost every other response test a fresh public
record (tests/conftest.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from audit.models import AuditEvent
from outbox.models import Message
from recommendations.models import Response, ResponseState
from recommendations.responding import submit_response
from tests.builders import london
from tests.recommendations.response_scenario import awaiting_sign_off, published_report

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once need PostgreSQL's row locks"
)


def events(action: str, response: Response) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(response.pk)))


@postgresql_only
def test_two_submits_at_once_make_one_of_everything(transactional_db, public_record):
    case = published_report()
    response = awaiting_sign_off(case.kent, case.drafter)
    start = threading.Barrier(2)
    outcomes: list[dict] = [{}, {}]

    def submit(outcome: dict) -> None:
        try:
            start.wait(timeout=30)
            outcome["value"] = submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
        except BaseException as error:  # handed back to the test, which re-raises it
            outcome["error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(outcome,)) for outcome in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all("error" not in outcome for outcome in outcomes), outcomes
    assert {outcome["value"].pk for outcome in outcomes} == {response.pk}
    assert Response.objects.get(pk=response.pk).state == ResponseState.PUBLISHED
    for action in ("response.submitted", "response.published"):
        assert len(events(action, response)) == 1, action
    assert Message.objects.filter(dedupe_key__startswith=f"response:{response.pk}:submitted").count() == 2
