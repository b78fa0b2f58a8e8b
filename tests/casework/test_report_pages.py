"""The report builder's pages: staff only (a body or a force gets a 404, a visitor the sign-in
page), each change through its service, bad input kept as typed, a stale edit told so, and nothing
changeable once the report is published."""

from __future__ import annotations

import pytest

from recommendations.services import add_recommendation, ensure_standard_groups
from reports import services
from reports.models import Report
from reports.publication import publish_report
from tests.builders import london, org, sign_off_all
from tests.casework.test_dashboard import text
from tests.helpers import assert_valid_html
from tests.public.seed import investigating

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(public_record):
    return investigating("Police response to victims of stalking")


@pytest.fixture
def report(complaint):
    report = services.create_report(complaint, title="Stalked")
    passage = services.add_passage(report, section="steps_taken", text="We read files.")
    recommendation = add_recommendation(
        report, label="", text="Train them.", organisations=[org("Home Office")]
    )
    return Report.objects.get(pk=report.pk), passage, recommendation


def url(complaint, tail=""):
    return f"/casework/complaints/{complaint.reference}/report/{tail}"


def builder_urls(complaint, passage, recommendation):
    return [
        url(complaint),
        url(complaint, "passages/new/"),
        url(complaint, f"passages/{passage.pk}/"),
        url(complaint, f"passages/{passage.pk}/exclude/"),
        url(complaint, "actions/new/"),
        url(complaint, "recommendations/new/"),
        url(complaint, f"recommendations/{recommendation.pk}/"),
        url(complaint, f"recommendations/{recommendation.pk}/addressees/"),
        url(complaint, "opinion/"),
        url(complaint, "preview/full/"),
        url(complaint, "preview/published/"),
        url(complaint, "preview/full/pdf/"),
        url(complaint, "preview/published/pdf/"),
    ]


@pytest.mark.parametrize("who", ["hestia", "force"])
def test_a_body_or_a_force_user_gets_a_404_on_every_builder_page(client_for, complaint, report, who):
    _report, passage, recommendation = report
    outsider = client_for(who)
    for address in builder_urls(complaint, passage, recommendation):
        assert outsider.get(address).status_code == 404, address
    assert outsider.post(url(complaint), {"version": "1", "title": "Mine"}).status_code == 404
    assert Report.objects.get(complaint=complaint).title == "Stalked"


def test_a_visitor_is_sent_to_sign_in(client, complaint, report):
    _report, passage, recommendation = report
    for address in builder_urls(complaint, passage, recommendation):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/account/sign-in/?next=/casework/"), address


def test_staff_start_the_report_from_the_complaint_page(client_for, complaint):
    team = client_for("team")
    page = team.get(f"/casework/complaints/{complaint.reference}/")
    assert "Start the report" in text(page)
    blank = team.post(url(complaint), {"version": "1", "title": " "})
    assert blank.status_code == 200
    assert "Enter the report" in text(blank)
    started = team.post(url(complaint), {"version": "1", "title": "Stalked"})
    assert started.status_code == 302
    assert Report.objects.get(complaint=complaint).title == "Stalked"
    page = team.get(url(complaint))
    assert_valid_html(page.content.decode())
    assert "Add a passage to steps taken to investigate" in text(page)


def test_a_passage_with_bad_input_keeps_what_was_typed(client_for, complaint, report):
    team = client_for("iopc")
    response = team.post(
        url(complaint, "passages/new/"),
        {
            "version": str(report[0].version),
            "section": "conclusions",
            "position": "x",
            "heading": "Kept",
            "text": "Typed text",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Place in the section must be a number" in text(response)
    assert ">Typed text</textarea>" in page and 'value="Kept"' in page
    assert 'value="conclusions" checked' in page


def test_a_stale_edit_is_refused_with_what_was_typed(client_for, complaint, report):
    current, passage, _recommendation = report
    team = client_for("team")
    services.add_passage(current, section="conclusions", text="Someone else's")
    response = team.post(
        url(complaint, f"passages/{passage.pk}/"),
        {
            "version": str(current.version),
            "section": "steps_taken",
            "position": "1",
            "heading": "",
            "text": "Mine",
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this report" in text(response)
    assert ">Mine</textarea>" in response.content.decode()
    passage.refresh_from_db()
    assert passage.text == "We read files."
    again = team.post(
        url(complaint, f"passages/{passage.pk}/"),
        {
            "version": str(current.version + 1),
            "section": "steps_taken",
            "position": "1",
            "heading": "",
            "text": "Mine",
        },
    )
    assert again.status_code == 302
    passage.refresh_from_db()
    assert passage.text == "Mine"


def test_a_recommendation_without_addressees_or_with_a_bad_date_keeps_what_was_typed(
    client_for, complaint, report
):
    ensure_standard_groups()
    team = client_for("team")
    version = str(report[0].version)
    response = team.post(
        url(complaint, "recommendations/new/"),
        {"version": version, "label": "", "text": "Record it.", "due_0": "31", "due_1": "2", "due_2": "2027"},
    )
    assert response.status_code == 200
    assert "Select at least one addressee group or organisation" in text(response)
    assert "The date the response is due must be a real date" in text(response)
    page = response.content.decode()
    assert ">Record it.</textarea>" in page
    assert 'name="due_0" type="text" inputmode="numeric" value="31"' in page
    assert page.count("<title>Error: ") == 1 and "Error: Error:" not in page
    assert not Report.objects.get(pk=report[0].pk).recommendations.filter(text="Record it.").exists()


def test_the_exclusion_is_approved_by_another_member_of_staff(client_for, complaint, report):
    current, passage, _recommendation = report
    team, iopc = client_for("team"), client_for("iopc")
    proposed = team.post(
        url(complaint, f"passages/{passage.pk}/exclude/"),
        {"version": str(current.version), "ground": "safety", "reason": "It names a refuge."},
    )
    assert proposed.status_code == 302
    exclusion = passage.__class__.objects.get(pk=passage.pk).exclusion
    own = team.get(url(complaint))
    assert "Approve the exclusion" not in text(own)
    refused = team.post(
        url(complaint, f"exclusions/{exclusion.pk}/"),
        {"version": str(current.version + 1), "action": "approve"},
    )
    assert refused.status_code == 403
    approved = iopc.post(
        url(complaint, f"exclusions/{exclusion.pk}/"),
        {"version": str(current.version + 1), "action": "approve"},
    )
    assert approved.status_code == 302
    exclusion.refresh_from_db()
    assert exclusion.approved_by.email == "caseworker@iopc.example"
    assert exclusion.proposed_by.email == "team@hmicfrs.example"
    published = text(iopc.get(url(complaint, "preview/published/")))
    full = text(iopc.get(url(complaint, "preview/full/")))
    assert "We read files." not in published
    assert "We read files." in full and "Excluded from publication: The safety of any person" in full
    timeline = text(team.get(f"/casework/complaints/{complaint.reference}/"))
    assert "Exclusion of a passage proposed (regulation 8(3))" in timeline
    assert "Exclusion of a passage approved (regulation 8(3))" in timeline


def test_each_authority_gives_only_its_own_opinion(client_for, complaint, report):
    current = report[0]
    college = client_for("college")
    saved = college.post(
        url(complaint, "opinion/"), {"version": str(current.version), "text": "We disagree."}
    )
    assert saved.status_code == 302
    assert list(current.opinions.values_list("authority__short_name", "text")) == [
        ("College", "We disagree.")
    ]
    page = client_for("iopc").get(url(complaint))
    assert "Give the opinion of Independent Office for Police Conduct" in text(page)
    assert "We disagree." in text(page)


def test_nothing_can_change_once_the_report_is_published(client_for, complaint, report):
    current, passage, recommendation = report
    publish_report(sign_off_all(current), at=london(2026, 12, 9, 17))
    team = client_for("team")
    page = team.get(url(complaint))
    assert page.status_code == 200
    assert "it can no longer change" in text(page)
    assert "Add a passage" not in text(page)
    version = str(Report.objects.get(pk=current.pk).version)
    for address, data in [
        (url(complaint), {"version": version, "title": "New"}),
        (url(complaint, "passages/new/"), {"version": version, "section": "steps_taken", "text": "More"}),
        (
            url(complaint, f"passages/{passage.pk}/"),
            {"version": version, "section": "steps_taken", "text": "X"},
        ),
        (url(complaint, f"recommendations/{recommendation.pk}/"), {"version": version, "text": "X"}),
        (url(complaint, "opinion/"), {"version": version, "text": "Late"}),
    ]:
        assert team.post(address, data).status_code == 403, address
    passage.refresh_from_db()
    assert passage.text == "We read files."


def test_a_passage_an_action_and_an_opinion_are_removed_on_confirmation(client_for, complaint, report):
    from organisations.models import Organisation, OrganisationKind

    current, passage, _recommendation = report
    college = Organisation.objects.get(kind=OrganisationKind.AUTHORITY, short_name="College")
    action = services.add_action(current, authority=college, text="Update the guidance.")
    team, iopc = client_for("team"), client_for("iopc")
    iopc.post(
        url(complaint, "opinion/"), {"version": str(Report.objects.get(pk=current.pk).version), "text": "No."}
    )

    # Without the version the page showed, nothing is removed and the page says why.
    refused = team.post(url(complaint, f"passages/{passage.pk}/"), {"action": "delete"}, follow=True)
    assert "This page is out of date" in text(refused)
    assert current.passages.filter(pk=passage.pk).exists()

    def version() -> str:
        return str(Report.objects.get(pk=current.pk).version)

    for client, tail, message in (
        (team, f"passages/{passage.pk}/", "The passage has been deleted."),
        (team, f"actions/{action.pk}/", "The action has been deleted."),
        (iopc, "opinion/", "Your authority's opinion has been withdrawn."),
    ):
        post = {"action": "withdraw" if tail == "opinion/" else "delete", "version": version()}
        assert message in text(client.post(url(complaint, tail), post, follow=True))
    assert not current.passages.exists() and not current.actions.exists() and not current.opinions.exists()
