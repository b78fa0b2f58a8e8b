"""The addressee's portal pages: the recommendations to answer, and one response's drafting,
sign-off, submission and progress. Another organisation's obligation and response are a 404."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Role
from complaints import selectors as complaint_selectors
from organisations.models import Organisation, OrganisationKind
from recommendations.models import Obligation, Response, ResponseState
from recommendations.responding import save_response, submit_response
from recommendations.services import add_recommendation, expand_addressees
from reports.publication import publish_report
from reports.services import create_report
from tests.builders import london, org, sign_off_all
from tests.evidence import files
from tests.helpers import assert_valid_html
from tests.portal.support import client_for, person
from tests.public.seed import investigating
from tests.recommendations.response_scenario import DUE, awaiting_sign_off, empty_draft, published_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(public_record):
    return published_report()


@pytest.fixture
def today(monkeypatch):
    """Ten days before Kent's deadline of Friday 26 June 2026, unless a test moves it."""
    day = {"value": datetime.date(2026, 6, 16)}
    monkeypatch.setattr(complaint_selectors, "london_today", lambda: day["value"])
    return day


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


def form_data(**values):
    data = {"version": "", "rows": "3", "status": "", "explanation": "", "reasons": ""}
    for n in (1, 2, 3):
        data.update(
            {
                f"action_{n}_description": "",
                f"action_{n}_owner_role": "",
                f"action_{n}_target_date_0": "",
                f"action_{n}_target_date_1": "",
                f"action_{n}_target_date_2": "",
            }
        )
    data.update(values)
    return data


# --- The list and the home page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (datetime.date(2026, 6, 16), "10 days left"),
        (datetime.date(2026, 6, 25), "1 day left"),
        (datetime.date(2026, 6, 26), "Due today"),
        (datetime.date(2026, 6, 27), "1 day overdue"),
        (datetime.date(2026, 6, 29), "3 days overdue"),
    ],
)
def test_the_list_shows_the_days_left_or_overdue_against_london_today(case, today, day, shown):
    today["value"] = day
    page = client_for(case.drafter).get("/portal/recommendations/")
    assert page.status_code == 200
    words = text_of(page)
    assert f"Recommendation 1 ({case.first.reference}) " in words
    assert f"26 June 2026 {shown} Not started" in words
    assert "Still missing: the police response to missing children" in words
    assert case.report.complaint.reference in words


def test_the_list_shows_each_status(case, today):
    awaiting_sign_off(case.kent, case.drafter)
    save_response(
        case.kent_second,
        user=case.drafter,
        status="",
        explanation="x",
        reasons="",
        actions=[],
        expected_version=None,
    )
    words = text_of(client_for(case.drafter).get("/portal/recommendations/"))
    assert "26 June 2026 10 days left Awaiting sign-off" in words
    assert "26 June 2026 10 days left Draft" in words
    submit_response(
        Response.objects.get(obligation=case.kent), user=case.signatory, at=london(2026, 6, 27, 9)
    )
    words = text_of(client_for(case.drafter).get("/portal/recommendations/"))
    assert "26 June 2026 Submitted on 27 June 2026, late" in words


def test_only_the_organisations_own_obligations_of_published_reports_are_listed(case, today):
    complaint = investigating("A complaint with a draft report", forces=["Kent Police"])
    draft_report = create_report(complaint, title="A draft report")
    hidden = add_recommendation(
        draft_report, label="R9", text="Secret draft.", organisations=[org("Kent Police")]
    )
    expand_addressees(hidden)
    essex_rows = client_for(case.essex_user).get("/portal/recommendations/").context["rows"]
    kent_rows = client_for(case.drafter).get("/portal/recommendations/").context["rows"]
    # Besides this report's, the public record's earlier reports addressed both forces.
    assert {r.obligation.organisation.name for r in essex_rows} == {"Essex Police"}
    assert {r.obligation.organisation.name for r in kent_rows} == {"Kent Police"}
    assert [
        r.obligation.pk for r in essex_rows if r.obligation.recommendation.report_id == case.report.pk
    ] == [
        case.essex.pk,
        Obligation.objects.get(recommendation=case.second, organisation=org("Essex Police")).pk,
    ]
    assert [
        r.obligation.pk for r in kent_rows if r.obligation.recommendation.report_id == case.report.pk
    ] == [
        case.kent.pk,
        case.kent_second.pk,
    ]
    assert hidden.obligations.get().pk not in {r.obligation.pk for r in kent_rows}


def more_recommendations(count: int, *, title: str) -> None:
    complaint = investigating(title, forces=["Kent Police", "Essex Police"])
    report = create_report(complaint, title=title)
    for n in range(1, count + 1):
        expand_addressees(
            add_recommendation(
                report,
                label=f"Recommendation {n}",
                text=f"Do thing {n}.",
                organisations=[org("Kent Police"), org("Essex Police")],
            )
        )
    publish_report(sign_off_all(report), at=london(2026, 5, 4, 9))


def test_the_list_costs_the_same_queries_for_thirty_more_obligations(
    case, today, django_assert_max_num_queries
):
    both = person("both@police.example", org("Kent Police"), Role.RESPONDER)
    Membership.objects.create(user=both, organisation=org("Essex Police"), role=Role.RESPONDER)
    awaiting_sign_off(case.kent, case.drafter)
    client = client_for(both)
    client.get("/portal/recommendations/")  # the first request of a session does more
    with CaptureQueriesContext(connection) as few:
        before = len(client.get("/portal/recommendations/").context["rows"])
    more_recommendations(13, title="Stalking")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/portal/recommendations/")
    # This report's 4 and the public record's, then 26 more: over 30 in all.
    assert len(page.context["rows"]) == before + 26 >= 30


def test_a_force_user_sees_the_recommendations_to_answer_first_on_the_home_page(case, today):
    page = client_for(case.drafter).get("/portal/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Recommendations to answer") < html.index("Information requests to answer")
    ours = [
        r.obligation.pk
        for r in page.context["to_answer"]
        if r.obligation.recommendation.report_id == case.report.pk
    ]
    assert ours == [case.kent.pk, case.kent_second.pk]


def test_a_local_policing_body_user_is_no_longer_told_there_is_nothing_here(public_record, today):
    complaint = investigating("Complaint for a policing body")
    report = create_report(complaint, title="Report to a commissioner")
    lpb = Organisation.objects.filter(kind=OrganisationKind.LOCAL_POLICING_BODY).order_by("name").first()
    recommendation = add_recommendation(
        report, label="Recommendation 1", text="Hold the force to account.", organisations=[lpb]
    )
    expand_addressees(recommendation)
    publish_report(sign_off_all(report), at=london(2026, 5, 1, 9))
    user = person("pcc@commissioner.example", lpb, Role.SIGNATORY)
    page = client_for(user).get("/portal/")
    assert page.status_code == 200
    assert "There is nothing here for your account" not in page.content.decode()
    assert '<h1 class="govuk-heading-l">Recommendations to answer</h1>' in page.content.decode()
    assert [r.obligation.recommendation.pk for r in page.context["to_answer"]] == [recommendation.pk]


# --- Another organisation's is a 404 --------------------------------------------------------------


def test_another_forces_obligation_and_response_are_not_found(case, today):
    essex_response = awaiting_sign_off(case.essex, case.essex_user)
    kent = client_for(case.drafter)
    signatory = client_for(case.signatory)
    base = f"/portal/recommendations/{case.essex.pk}/"
    assert kent.get(base).status_code == 404
    assert kent.post(base, form_data(explanation="Kent writing Essex's answer")).status_code == 404
    assert signatory.post(f"{base}sign-off/", {"sign-off-version": "2"}).status_code == 404
    assert signatory.post(f"{base}return/", {"return-note": "No"}).status_code == 404
    action = essex_response.actions.get()
    assert (
        signatory.post(f"{base}actions/{action.pk}/progress/", {f"a{action.pk}-text": "x"}).status_code == 404
    )
    assert Response.objects.get(pk=essex_response.pk).state == ResponseState.AWAITING_SIGN_OFF
    # A person with no role at any addressee sees no list at all.
    body_user = person("someone@hestia.example", org("Hestia"))
    assert client_for(body_user).get("/portal/recommendations/").status_code == 404


def test_an_unpublished_reports_obligation_is_not_found(case, today):
    complaint = investigating("Draft-report complaint", forces=["Kent Police"])
    report = create_report(complaint, title="Not yet")
    recommendation = add_recommendation(
        report, label="R1", text="Not yet public.", organisations=[org("Kent Police")]
    )
    expand_addressees(recommendation)
    obligation = Obligation.objects.get(recommendation=recommendation)
    assert client_for(case.drafter).get(f"/portal/recommendations/{obligation.pk}/").status_code == 404


# --- Drafting on the page ------------------------------------------------------------------------


def test_the_page_shows_the_recommendation_and_its_deadline_with_the_explanation(case, today):
    page = client_for(case.drafter).get(f"/portal/recommendations/{case.kent.pk}/")
    assert page.status_code == 200
    words = text_of(page)
    assert "Record every missing episode the same way." in words
    assert "By the end of Friday 26 June 2026 (10 days left)" in words
    assert case.kent.deadline.explanation_text.splitlines()[0] in words
    assert_valid_html(page.content.decode())


def test_a_drafter_saves_a_draft_and_adds_an_action_row_without_javascript(case, today):
    client = client_for(case.drafter)
    url = f"/portal/recommendations/{case.kent.pk}/"
    typed = form_data(
        explanation="We will consider it.", action_1_description="Review the form.", intent="add_action"
    )
    page = client.post(url, typed)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.row_count == 4
    assert 'name="action_4_description"' in page.content.decode()
    assert "We will consider it." in page.content.decode() and "Review the form." in page.content.decode()
    assert not Response.objects.filter(obligation=case.kent).exists()
    data = {**typed, "rows": "4", "intent": "save"}
    data.update(
        {
            "action_4_description": "",
            "action_4_owner_role": "",
            **{f"action_4_target_date_{i}": "" for i in range(3)},
        }
    )
    saved = client.post(url, data)
    assert saved.status_code == 302
    response = Response.objects.get(obligation=case.kent)
    assert (response.explanation, response.version) == ("We will consider it.", 1)
    assert [a.description for a in response.actions.all()] == ["Review the form."]


def test_sending_for_sign_off_with_reasons_missing_shows_the_error_and_keeps_the_draft(case, today):
    client = client_for(case.drafter)
    url = f"/portal/recommendations/{case.kent.pk}/"
    page = client.post(
        url, form_data(status="not_accepted", explanation="We do not accept it.", intent="sign_off")
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_reasons">Enter your reasons for not accepting the recommendation</a>' in html
    response = Response.objects.get(obligation=case.kent)
    assert (response.state, response.explanation) == (ResponseState.DRAFT, "We do not accept it.")
    # The form now carries the saved version, so sending it again goes through.
    assert page.context["form"].data["version"] == "1"
    sent = client.post(
        url,
        form_data(
            version="1",
            status="not_accepted",
            explanation="We do not accept it.",
            reasons="Our own form records more.",
            intent="sign_off",
        ),
    )
    assert sent.status_code == 302
    assert Response.objects.get(obligation=case.kent).state == ResponseState.AWAITING_SIGN_OFF


def test_a_conflict_shows_what_is_saved_beside_what_this_person_typed(case, today):
    save_response(
        case.kent,
        user=case.signatory,
        status="",
        explanation="The chief's words.",
        reasons="",
        actions=[],
        expected_version=None,
    )
    page = client_for(case.drafter).post(
        f"/portal/recommendations/{case.kent.pk}/",
        form_data(explanation="The drafter's words.", intent="save"),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone else in your organisation saved this response at" in html
    assert "What is saved now" in html and "The chief&#x27;s words." in html
    assert "The drafter&#x27;s words.</textarea>" in html
    assert page.context["form"].data["version"] == "1"
    assert Response.objects.get(obligation=case.kent).explanation == "The chief's words."


def test_only_a_signatory_sees_and_uses_sign_off(case, today):
    awaiting_sign_off(case.kent, case.drafter)
    url = f"/portal/recommendations/{case.kent.pk}/"
    drafter_page = client_for(case.drafter).get(url).content.decode()
    assert "Sign off and submit" not in drafter_page
    assert client_for(case.drafter).post(f"{url}sign-off/", {"sign-off-version": "2"}).status_code == 404
    signatory = client_for(case.signatory)
    page = signatory.get(url)
    assert "Sign off and submit" in page.content.decode()
    assert_valid_html(page.content.decode())
    done = signatory.post(f"{url}sign-off/", {"sign-off-version": "2"})
    assert done.status_code == 302
    response = Response.objects.get(obligation=case.kent)
    assert response.state == ResponseState.PUBLISHED and response.signed_off_by == case.signatory
    # The same form sent again (a double click, a resubmitted page) changes nothing.
    assert signatory.post(f"{url}sign-off/", {"sign-off-version": "2"}).status_code == 302
    assert Response.objects.get(obligation=case.kent).submitted_at == response.submitted_at


def test_a_signatory_returns_the_response_with_a_note(case, today):
    awaiting_sign_off(case.kent, case.drafter)
    url = f"/portal/recommendations/{case.kent.pk}/"
    signatory = client_for(case.signatory)
    empty = signatory.post(f"{url}return/", {"return-version": "2", "return-note": ""})
    assert empty.status_code == 200
    assert '<a href="#id_return-note">Say what the drafter should change</a>' in empty.content.decode()
    assert (
        signatory.post(f"{url}return/", {"return-version": "2", "return-note": "Name the owner."}).status_code
        == 302
    )
    assert Response.objects.get(obligation=case.kent).state == ResponseState.DRAFT


def test_after_submission_progress_is_posted_with_evidence_and_the_action_plan_is_attached(case, today):
    response = awaiting_sign_off(case.kent, case.drafter)
    submit_response(response, user=case.signatory, at=london(2026, 6, 1, 10))
    other = empty_draft(case.kent_second, case.drafter)
    client = client_for(case.drafter)
    url = f"/portal/recommendations/{case.kent.pk}/"
    page = client.get(url)
    assert page.context["form"] is None
    assert "Post progress on action 1" in page.content.decode()
    assert_valid_html(page.content.decode())
    action = response.actions.get()
    posted = client.post(
        f"{url}actions/{action.pk}/progress/",
        {
            f"a{action.pk}-text": "Form adopted.",
            f"a{action.pk}-marks_complete": "on",
            f"a{action.pk}-file": files.upload("evidence.pdf", files.pdf_bytes()),
        },
    )
    assert posted.status_code == 302
    action.refresh_from_db()
    assert action.completed_on is not None
    [update] = action.updates.all()
    [evidence] = update.documents.all()
    download = client.get(f"{url}documents/{evidence.pk}/")
    assert download.status_code == 200
    plan = client.post(
        f"{url}action-plan/",
        {"plan-file": files.upload("plan.pdf", files.pdf_bytes()), "plan-also": [str(other.pk)]},
    )
    assert plan.status_code == 302
    [document] = Response.objects.get(pk=response.pk).documents.all()
    assert list(Response.objects.get(pk=other.pk).documents.all()) == [document]
    # Essex cannot fetch Kent's file through its own obligation or Kent's.
    essex = client_for(case.essex_user)
    assert essex.get(f"{url}documents/{document.pk}/").status_code == 404
    empty_draft(case.essex, case.essex_user)
    assert essex.get(f"/portal/recommendations/{case.essex.pk}/documents/{document.pk}/").status_code == 404


def test_the_due_day_is_the_ledgers(case):
    assert case.kent.due == DUE
