import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accuracy.models import AccuracyCheck, AccuracyComment, CheckState
from accuracy.services import add_comment, close_accuracy_check, decide_comment, open_accuracy_check
from complaints.selectors import london_today
from deadlines.models import Deadline, DeadlineRule
from tests.accounts.support import make_device
from tests.accuracy.scenario import draft_report, person, staff
from tests.casework.support import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def _client(user) -> Client:
    return signed_in(user, make_device(user))


@pytest.fixture
def draft():
    return draft_report()


@pytest.fixture
def closes_on() -> datetime.date:
    return london_today() + datetime.timedelta(days=14)


@pytest.fixture
def check(draft, closes_on):
    return open_accuracy_check(draft.report, closes_on=closes_on)


def _page(addressee) -> str:
    return reverse("portal:accuracy_check", args=[addressee.pk])


def _comment_url(addressee, recommendation) -> str:
    return reverse("portal:accuracy_comment", args=[addressee.pk, recommendation.pk])


def test_staff_open_a_check_from_the_complaint_page(draft, closes_on):
    team = _client(staff())
    complaint_page = team.get(reverse("casework:complaint", args=[draft.complaint.reference]))
    new_url = reverse("casework:accuracy_check_new", args=[draft.complaint.reference])
    assert new_url in complaint_page.content.decode()
    bad = team.post(new_url, {"closes_on_0": "31", "closes_on_1": "2", "closes_on_2": "2030"})
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "The closing date must be a real date" in html
    assert 'value="31"' in html and 'value="2030"' in html
    past = london_today() - datetime.timedelta(days=1)
    refused = team.post(
        new_url, {"closes_on_0": past.day, "closes_on_1": past.month, "closes_on_2": past.year}
    )
    assert "The closing date must be in the future" in refused.content.decode()
    response = team.post(
        new_url, {"closes_on_0": closes_on.day, "closes_on_1": closes_on.month, "closes_on_2": closes_on.year}
    )
    check = AccuracyCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:accuracy_check", args=[check.pk])
    assert Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK).due == closes_on
    detail = team.get(response["Location"])
    assert "44 organisations were asked to comment" in detail.content.decode()
    listed = team.get(reverse("casework:complaint", args=[draft.complaint.reference])).content.decode()
    assert reverse("casework:accuracy_check", args=[check.pk]) in listed


def test_a_force_sees_only_its_own_recommendations_and_comments(draft, check):
    kent_user = person("kent@example.police.uk", "Kent Police")
    gwent_user = person("gwent@example.police.uk", "Gwent Police")
    kent = check.addressees.get(organisation__name="Kent Police")
    gwent = check.addressees.get(organisation__name="Gwent Police")
    add_comment(gwent, recommendation=draft.chiefs, text="Gwent says the figure is 12.", user=gwent_user)
    client = _client(kent_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert _page(kent) in home and _page(gwent) not in home
    page = client.get(_page(kent))
    html = page.content.decode()
    assert page.status_code == 200
    assert draft.chiefs.text in html and draft.chiefs.reference in html
    assert draft.home_office.text not in html
    assert draft.gwent_only.text not in html
    assert "Gwent says the figure is 12." not in html
    # Another force's check, and comments on a recommendation addressed only to another: 404.
    assert client.get(_page(gwent)).status_code == 404
    assert (
        client.post(_comment_url(gwent, draft.chiefs), {f"r{draft.chiefs.pk}-text": "x"}).status_code == 404
    )
    assert (
        client.post(_comment_url(kent, draft.gwent_only), {f"r{draft.gwent_only.pk}-text": "x"}).status_code
        == 404
    )
    assert AccuracyComment.objects.count() == 1
    gwent_html = _client(gwent_user).get(_page(gwent)).content.decode()
    assert draft.gwent_only.text in gwent_html and "Gwent says the figure is 12." in gwent_html


def test_the_home_office_sees_only_its_recommendation(draft, check):
    client = _client(person("policy@homeoffice.example", "Home Office", Role.SIGNATORY))
    home_office = check.addressees.get(organisation__name="Home Office")
    html = client.get(_page(home_office)).content.decode()
    assert draft.home_office.text in html
    assert draft.chiefs.text not in html and draft.gwent_only.text not in html
    welsh = client.get(f"/cy{_page(home_office)}")
    assert welsh.status_code == 200 and 'lang="cy"' in welsh.content.decode()


def test_bodies_staff_and_strangers_cannot_see_an_organisations_check(draft, check):
    kent = check.addressees.get(organisation__name="Kent Police")
    body = _client(person("lead@hestia.example", "Hestia", Role.BODY_MEMBER))
    assert body.get(_page(kent)).status_code == 404
    assert body.post(_comment_url(kent, draft.chiefs), {f"r{draft.chiefs.pk}-text": "x"}).status_code == 404
    anonymous = Client().get(_page(kent))
    assert anonymous.status_code == 302 and "/account/sign-in/" in anonymous["Location"]
    # A force user is not staff: the casework page of the check does not exist for it.
    force = _client(person("kent@example.police.uk", "Kent Police"))
    assert force.get(reverse("casework:accuracy_check", args=[check.pk])).status_code == 404
    assert body.get(reverse("casework:accuracy_check", args=[check.pk])).status_code == 404


def test_a_comment_is_sent_and_bad_input_keeps_what_was_typed(draft, check):
    kent = check.addressees.get(organisation__name="Kent Police")
    client = _client(person("kent@example.police.uk", "Kent Police"))
    field = f"r{draft.chiefs.pk}-text"
    too_long = client.post(_comment_url(kent, draft.chiefs), {field: "y" * 10_001})
    html = too_long.content.decode()
    assert too_long.status_code == 200
    assert "10,000 characters or fewer" in html and "y" * 10_001 in html
    empty = client.post(_comment_url(kent, draft.chiefs), {field: "  "})
    assert "Enter your comment" in empty.content.decode()
    sent = client.post(_comment_url(kent, draft.chiefs), {field: "Our training started in 2024."})
    assert sent.status_code == 302
    assert AccuracyComment.objects.get().text == "Our training started in 2024."


def test_a_closed_check_says_so_and_refuses_comments(draft, check):
    kent = check.addressees.get(organisation__name="Kent Police")
    kent_user = person("kent@example.police.uk", "Kent Police")
    client = _client(kent_user)
    close_accuracy_check(check)
    page = client.get(_page(kent)).content.decode()
    assert "This check is closed" in page and "Send the comment" not in page
    refused = client.post(_comment_url(kent, draft.chiefs), {f"r{draft.chiefs.pk}-text": "Late thought"})
    html = refused.content.decode()
    assert "This check has closed, so it no longer takes comments." in html
    assert "Late thought" in html
    assert not AccuracyComment.objects.exists()
    # A closed check is no longer on the home page.
    assert _page(kent) not in client.get(reverse("portal:home")).content.decode()


def test_staff_see_every_comment_and_decide_with_a_log_the_organisation_sees(draft, check):
    kent = check.addressees.get(organisation__name="Kent Police")
    home_office = check.addressees.get(organisation__name="Home Office")
    kent_user = person("kent@example.police.uk", "Kent Police")
    first = add_comment(kent, recommendation=draft.chiefs, text="Kent: we train already.")
    second = add_comment(home_office, recommendation=draft.home_office, text="HO: guidance exists.")
    team_user = staff()
    team = _client(team_user)
    url = reverse("casework:accuracy_check", args=[check.pk])
    html = team.get(url).content.decode()
    assert "Kent: we train already." in html and "HO: guidance exists." in html
    decide = reverse("casework:accuracy_comment_decide", args=[first.pk])
    missing = team.post(decide, {f"c{first.pk}-version": 1, f"c{first.pk}-reason": "Checked the records"})
    assert "Select whether the comment is accepted or rejected" in missing.content.decode()
    assert "Checked the records" in missing.content.decode()
    accepted = team.post(
        decide,
        {
            f"c{first.pk}-version": 1,
            f"c{first.pk}-decision": "accepted",
            f"c{first.pk}-reason": "Checked the records",
        },
    )
    assert accepted.status_code == 302
    stale = team.post(
        decide,
        {
            f"c{first.pk}-version": 1,
            f"c{first.pk}-decision": "rejected",
            f"c{first.pk}-reason": "Second view",
        },
    )
    assert "Someone else decided on this comment" in stale.content.decode()
    changed = team.post(
        decide,
        {
            f"c{first.pk}-version": 2,
            f"c{first.pk}-decision": "rejected",
            f"c{first.pk}-reason": "Second view",
        },
    )
    assert changed.status_code == 302
    log = team.get(url).content.decode()
    assert "Decision log" in log and "Checked the records" in log and "Second view" in log
    decide_comment(second, decision="accepted", reason="Agreed", user=team_user)
    own = _client(kent_user).get(_page(kent)).content.decode()
    assert "Rejected" in own and "Second view" in own
    assert "Agreed" not in own and "HO: guidance exists." not in own


def test_staff_extend_and_close_a_check(draft, check, closes_on):
    team = _client(staff())
    extend = reverse("casework:accuracy_check_extend", args=[check.pk])
    earlier = closes_on - datetime.timedelta(days=1)
    refused = team.post(
        extend,
        {
            "extend-closes_on_0": earlier.day,
            "extend-closes_on_1": earlier.month,
            "extend-closes_on_2": earlier.year,
        },
    )
    assert "must be after the current one" in refused.content.decode()
    later = closes_on + datetime.timedelta(days=7)
    moved = team.post(
        extend,
        {
            "extend-closes_on_0": later.day,
            "extend-closes_on_1": later.month,
            "extend-closes_on_2": later.year,
        },
    )
    assert moved.status_code == 302
    assert Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK).due == later
    closed = team.post(reverse("casework:accuracy_check_close", args=[check.pk]))
    assert closed.status_code == 302
    check.refresh_from_db()
    assert check.state == CheckState.CLOSED
    page = team.get(reverse("casework:accuracy_check", args=[check.pk])).content.decode()
    assert "Closed early by the authorities".lower() in page and "Change the closing date" not in page
