"""The casework pages for a published report's obligations: the staff matrix (fast whatever its
size), one obligation's timeline, response, verification and withholding, and the report's ladder;
404 for anyone who is not staff, 403 for staff who are not the super-complaints team."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from audit.models import AuditEvent
from recommendations.escalation import ladder_for, run_ladder
from recommendations.models import AddresseeGroup, EscalationLadder, Obligation, Response
from recommendations.responding import save_response
from recommendations.services import add_recommendation, ensure_standard_groups
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import cache_content_types, london, sign_off_all
from tests.casework.test_dashboard import text
from tests.helpers import assert_valid_html
from tests.portal.support import person
from tests.public.seed import investigating
from tests.recommendations.ladder_support import addressee_people, published_report, published_response

pytestmark = pytest.mark.django_db

EXPLANATION = "We accept it. Inspector Sam Jones of Ashford leads the work."


@pytest.fixture
def published(public_record):
    addressee_people()
    return published_report()


def _base(published) -> str:
    return f"/casework/complaints/{published.complaint.reference}/report/"


def _pages(published) -> list[str]:
    base = _base(published)
    return [f"{base}responses/", f"{base}responses/{published.kent.pk}/", f"{base}escalation/"]


def test_anyone_who_is_not_staff_gets_a_404_and_a_visitor_is_sent_to_sign_in(published, client_for, client):
    for who in ("hestia", "force"):
        browser = client_for(who)
        for url in _pages(published):
            assert browser.get(url).status_code == 404, (who, url)
        for url in _pages(published)[1:]:
            assert browser.post(url, {"form": "verification"}).status_code == 404, (who, url)
    for url in _pages(published):
        assert client.get(url).status_code == 302


def test_an_obligation_of_another_report_or_an_unpublished_report_is_a_404(published, client_for):
    team = client_for("team")
    other = published_report("Another complaint")
    assert team.get(f"{_base(published)}responses/{other.kent.pk}/").status_code == 404
    draft = create_report(
        investigating("Still a draft"),
        title="Draft",
    )
    assert team.get(f"/casework/complaints/{draft.complaint.reference}/report/responses/").status_code == 404


def test_staff_outside_the_team_may_read_but_not_change(published, client_for):
    published_response(published.kent, at=london(2026, 8, 20, 9), explanation=EXPLANATION)
    iopc = client_for("iopc")
    for url in _pages(published):
        assert iopc.get(url).status_code == 200
    obligation_url = _pages(published)[1]
    assert (
        iopc.post(obligation_url, {"form": "verification", "verification-state": "not_verified"}).status_code
        == 403
    )
    assert iopc.post(_pages(published)[2], {"chaser_days_after": "2"}).status_code == 403
    page = text(iopc.get(obligation_url))
    assert "Record verification" not in page and "Withhold personal data" not in page


def test_the_matrix_shows_each_addressees_standing(published, client_for):
    published_response(published.home_office, at=london(2026, 8, 27, 9), explanation="Accepted, a day late.")
    drafter = person("drafter@kent-police.example", published.kent.organisation, Role.RESPONDER)
    save_response(
        published.kent,
        user=drafter,
        status="",
        explanation="Draft",
        reasons="",
        actions=[],
        expected_version=None,
    )
    response = client_for("team").get(_pages(published)[0])
    assert response.status_code == 200
    assert_valid_html(response.content.decode())
    page = text(response)
    # Today (the test's real date) is after 26 August 2026: Kent's draft is overdue.
    assert "Home Office Submitted late" in page
    assert "Kent Police Draft, overdue" in page
    assert "1 submitted late" in page and "1 overdue" in page
    assert "This report uses the standard reminders and escalation." in page


def _report_with(recommendations: int):
    """A report addressing ``recommendations`` recommendations to the 43 chief constables."""
    ensure_standard_groups()
    complaint = investigating(f"Matrix of {recommendations}")
    report = create_report(complaint, title="Matrix", conclusions="Harm found")
    group = AddresseeGroup.objects.get(slug="chief-constables")
    for n in range(recommendations):
        add_recommendation(report, label=f"Recommendation {n + 1}", text=f"Do thing {n + 1}.", groups=[group])
    publish_report(sign_off_all(report), at=london(2026, 7, 1, 10))
    return complaint


def test_the_matrix_costs_the_same_queries_at_1_and_at_43_by_5(public_record, client_for):
    team = client_for("team")
    small, large = _report_with(1), _report_with(5)
    assert Obligation.objects.filter(recommendation__report__complaint=large).count() == 43 * 5
    cache_content_types()
    counts = []
    for complaint in (small, large):
        url = f"/casework/complaints/{complaint.reference}/report/responses/"
        team.get(url)  # warm the session and the sign-in checks
        with CaptureQueriesContext(connection) as queries:
            assert team.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_team_records_verification_and_a_missing_note_keeps_what_was_chosen(published, client_for):
    published_response(published.kent, at=london(2026, 8, 20, 9), explanation=EXPLANATION)
    team = client_for("team")
    url = _pages(published)[1]
    refused = team.post(
        url, {"form": "verification", "verification-state": "verified", "verification-note": ""}
    )
    assert refused.status_code == 200
    page = text(refused)
    assert "There is a problem Enter a note saying what the inspectorate verified." in page
    assert 'value="verified" checked' in refused.content.decode()
    done = team.post(
        url, {"form": "verification", "verification-state": "verified", "verification-note": "Saw the logs."}
    )
    assert done.status_code == 302 and done["Location"] == url
    obligation = Obligation.objects.get(pk=published.kent.pk)
    assert (obligation.verification, obligation.verification_note) == ("verified", "Saw the logs.")
    page = text(team.get(url))
    assert "Verification Verified by the inspectorate Saw the logs." in page
    assert "Verification recorded: Verified by the inspectorate" in page


def test_the_team_withholds_a_passage_and_a_passage_not_in_the_text_keeps_what_was_typed(
    published, client_for
):
    published_response(published.kent, at=london(2026, 8, 20, 9), explanation=EXPLANATION)
    team = client_for("team")
    url = _pages(published)[1]
    typo = {
        "form": "withhold",
        "withhold-field": "explanation",
        "withhold-passage": "Inspector Sam Jonse",
        "withhold-reason": "Names an officer",
    }
    refused = team.post(url, typo)
    assert refused.status_code == 200
    assert "That passage is not in the explanation as the register shows it." in text(refused)
    body = refused.content.decode()
    assert "Inspector Sam Jonse</textarea>" in body and "Names an officer</textarea>" in body
    done = team.post(url, {**typo, "withhold-passage": "Inspector Sam Jones of Ashford"})
    assert done.status_code == 302
    response = Response.objects.get(obligation=published.kent)
    assert response.public_explanation == "We accept it. [Personal data withheld] leads the work."
    shown = team.get(url)
    assert_valid_html(shown.content.decode())
    page = text(shown)
    assert "From the Explanation: “Inspector Sam Jones of Ashford”. Reason: Names an officer" in page
    assert "Passage withheld from the explanation" in page


def test_the_timeline_lists_the_steps_taken(published, client_for):
    run_ladder(datetime.date(2026, 8, 12), now=london(2026, 8, 12, 2))
    run_ladder(datetime.date(2026, 9, 9), now=london(2026, 9, 9, 2))
    response = client_for("team").get(_pages(published)[1])
    assert_valid_html(response.content.decode())
    page = text(response)
    assert "12 August 2026 : Reminder before the deadline" in page
    assert "9 September 2026 : Letter to the chief officer and the local policing body" in page
    assert "Not started Overdue" not in page  # the tag sits beside the due day
    assert "Wednesday 26 August 2026 Overdue" in page


def test_the_team_sets_the_reports_ladder_and_bad_days_keep_what_was_typed(published, client_for):
    team = client_for("team")
    url = _pages(published)[2]
    form = team.get(url)
    assert 'value="14, 3"' in form.content.decode()
    refused = team.post(
        url,
        {
            "reminder_days_before": "10, x",
            "chaser_days_after": "3",
            "letter_days_after": "2",
            "public_mark_days_after": "30",
        },
    )
    assert refused.status_code == 200
    assert "Enter the reminders as whole numbers of days separated by commas" in text(refused)
    assert 'value="10, x"' in refused.content.decode()
    out_of_order = team.post(
        url,
        {
            "reminder_days_before": "10",
            "chaser_days_after": "3",
            "letter_days_after": "2",
            "public_mark_days_after": "30",
        },
    )
    assert "The reminder after the deadline must come before the letter" in text(out_of_order)
    assert not EscalationLadder.objects.exists()
    saved = team.post(
        url,
        {
            "reminder_days_before": "10, 2",
            "chaser_days_after": "3",
            "letter_days_after": "12",
            "public_mark_days_after": "30",
        },
    )
    assert saved.status_code == 302
    ladder = ladder_for(published.report)
    assert (ladder.reminder_days_before, ladder.chaser_days_after, ladder.letter_days_after) == (
        (10, 2),
        3,
        12,
    )
    assert ladder.public_mark_days_after == 30
    assert AuditEvent.objects.filter(action="report.escalation_ladder_set").count() == 1


def test_the_complaint_page_links_to_the_responses(published, client_for):
    page = client_for("team").get(f"/casework/complaints/{published.complaint.reference}/").content.decode()
    assert f'href="/casework/complaints/{published.complaint.reference}/report/responses/"' in page
