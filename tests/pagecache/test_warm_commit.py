"""Warming after a real commit: the task worker's rendering follows the purge of a transaction
that committed, with nothing standing in for the commit (tests/pagecache/test_warm.py runs the
commit callbacks inside the test's transaction instead). A module of its own: its database is
committed to and emptied after the test, so it loads the public record for itself."""

from __future__ import annotations

import pytest

from recommendations.models import Obligation, ResponseStatus
from tests.builders import london
from tests.pagecache.test_warm import finished, visit
from tests.public.seed import publish_response, published_case

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.slow]


def test_a_response_published_and_committed_is_served_warm_to_the_next_visitor(client, warming, warmings):
    case = published_case()
    reference = case.complaint.reference
    warming()
    obligation = Obligation.objects.get(recommendation=case.recommendations[1])

    publish_response(obligation, status=ResponseStatus.ACCEPTED, submitted=london(2026, 6, 10, 9))

    [task] = warmings
    assert task.args == [[f"complaint:{reference}", "register"]]
    assert finished(task)["failed"] == finished(task)["not_stored"] == 0
    page = visit(client, f"/super-complaints/{reference}/recommendations/")
    assert page["X-Public-Cache"] == "hit"
    assert "Accepted, on time" in page.content.decode()
    answer = visit(client, f"/api/v1/super-complaints/{reference}")
    assert answer["X-Public-Cache"] == "hit"
    assert answer.json()["report"]["title"] == "Still missing"
