"""The retention job never removes or alters what the public register has published.

A register is built with everything the job reaches: finished complaints (withdrawn, not eligible,
closed after its report) with contacts, evidence files and named responses to a call for evidence;
a published report with recommendations and published responses; sent e-mails, alert
subscriptions, accounts, sign-in records and an accepted invitation. Every public answer is
captured (each page of the register in English and Welsh, each complaint's pages, report, PDF,
recommendations, response and call pages, the organisations' pages, the feeds, the open-data index
and files, the API's lists and details), the job is run as if ten years later, and everything is
captured again and compared byte for byte.

Masked, because it changes with every request and not with the data: the CSRF token in the call
pages' forms.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import caches

from api.open_data import DATASETS
from calls.models import CallForEvidence
from complaints import services as complaints
from complaints.models import SuperComplaint
from operations.retention import apply_retention
from outbox.services import send_due_messages
from retention.schedule import REMOVED
from tests.builders import london
from tests.public.pages import links
from tests.public.seed import published_case
from tests.public.test_unpublished import public_addresses
from tests.retention.support import (
    a_call,
    a_named_response,
    accepted,
    an_account,
    an_organisation_admin,
    failed_sign_ins,
    publish_a_report,
    sent_message,
    signed_in_last,
    signed_in_through_the_pages,
    unconfirmed,
    unsubscribed,
    with_evidence,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

TEN_YEARS_ON = datetime.date(2036, 12, 1)
VARYING = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b'name="csrfmiddlewaretoken" value="-"'),
]


def build_register() -> None:
    closed = with_evidence("Closed after its report")
    a_named_response(a_call(closed))
    publish_a_report(closed, at=london(2026, 5, 1, 9))
    closed = complaints.close_complaint(complaints.begin_monitoring(SuperComplaint.objects.get(pk=closed.pk)))
    withdrawn = with_evidence("Withdrawn by the body")
    a_named_response(a_call(withdrawn))
    complaints.withdraw_complaint(withdrawn, reason="The body withdrew it", at=london(2026, 7, 1, 9))
    with_evidence("Found not eligible", outcome="not_eligible")
    case = published_case()
    sent_message(at=london(2026, 7, 1, 9), complaint=closed)
    unconfirmed(case.complaint, at=london(2026, 7, 1, 9), email="asked@example.net")
    unsubscribed(case.complaint, at=london(2026, 7, 1, 9), email="ended@example.net")
    signed_in_last(an_account(), london(2026, 7, 1, 9))
    failed_sign_ins(at=london(2026, 7, 1, 9))
    signed_in_through_the_pages(an_account(email="signs.in@example.net"), at=london(2026, 7, 1, 9))
    accepted(an_organisation_admin(), at=london(2026, 7, 1, 9))
    send_due_messages()


def addresses(client) -> list[str]:
    found = list(public_addresses())
    for language in ("", "/cy"):
        for complaint in SuperComplaint.objects.published():
            page = client.get(f"{language}/super-complaints/{complaint.reference}/recommendations/")
            if page.status_code == 200:
                found += sorted({href for href, _ in links(page.content.decode()) if "/responses/" in href})
        for call in CallForEvidence.objects.published().select_related("complaint"):
            found.append(
                f"{language}/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/"
            )
        found.append(f"{language}/open-data/")
        found += [f"{language}/open-data/{dataset.filename}" for dataset in DATASETS]
    found += ["/api/v1/super-complaints", "/api/v1/organisations", "/api/v1/recommendations"]
    found += [f"/api/v1/super-complaints/{c.reference}" for c in SuperComplaint.objects.published()]
    return found


def capture(client, paths: list[str]) -> dict[str, tuple[int, str, bytes]]:
    caches["default"].clear()  # render every answer afresh, never from the page cache
    caches["ratelimit"].clear()  # and let the search's rate limit count each capture on its own
    answers = {}
    for path in paths:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for pattern, mask in VARYING:
            body = pattern.sub(mask, body)
        answers[path] = (response.status_code, response["Content-Type"], body)
    return answers


@pytest.mark.slow
def test_ten_years_of_retention_leave_every_public_answer_byte_for_byte_the_same(client):
    build_register()
    paths = addresses(client)
    before = capture(client, paths)

    counts = apply_retention(TEN_YEARS_ON)

    # The job did its work: every category that the register above holds was treated.
    assert {key for key, count in counts.items() if count} == {
        "call_response_identity",
        "call_response_answers",
        "complaint_contact",
        "evidence_files",
        "outbox_messages",
        "alert_unconfirmed",
        "alert_unsubscribed",
        "dormant_accounts",
        "sign_in_attempts",
        "ended_invitations",
    }
    assert SuperComplaint.objects.filter(evidence_items__document__original_name=REMOVED).count() == 3
    after = capture(client, paths)

    assert [path for path in paths if before[path] != after[path]] == []
    assert {path: answer[0] for path, answer in before.items() if answer[0] != 200} == {}
    # The capture reached every kind of public answer.
    assert len(paths) > 150
    assert any("/responses/" in path for path in paths)
    assert any("/calls-for-evidence/" in path for path in paths)
    assert any(path.endswith(".csv") for path in paths)
    assert any(path.endswith("report.pdf") for path in paths)
