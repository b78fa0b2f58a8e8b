import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership, Role
from deadlines.models import Deadline, DeadlineRule
from inquiries.models import InformationRequest
from tests.accounts.support import make_device
from tests.builders import eligible, london, org
from tests.casework.support import make_person, signed_in
from tests.inquiries.scenario import FORCES, force_user, send_to_five, two_answer_one_late

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


@pytest.fixture
def team():
    return signed_in(*make_person("team"))


def _force_client(force_name: str, email: str):
    user = force_user(force_name, email)
    return signed_in(user, make_device(user))


def test_completeness_view_and_csv_show_the_five_forces_exactly(team, monkeypatch):
    request = send_to_five()
    two_answer_one_late(request)
    monkeypatch.setattr("casework.requests.london_today", lambda: datetime.date(2026, 3, 5))
    page = team.get(reverse("casework:information_request", args=[request.pk]))
    assert page.status_code == 200
    table = page.context["table"]
    assert [(r.force.name, str(r.status.label), r.answered_on) for r in table.rows] == [
        ("Cumbria Constabulary", "Answered on time", datetime.date(2026, 2, 20)),
        ("Dyfed-Powys Police", "Answered on time", datetime.date(2026, 2, 27)),
        ("Kent Police", "Answered late", datetime.date(2026, 3, 3)),
        ("Merseyside Police", "Overdue, not answered", None),
        ("Suffolk Constabulary", "Overdue, not answered", None),
    ]
    assert [(str(label), n) for label, n in page.context["counts"]] == [
        ("Answered on time", 2),
        ("Answered late", 1),
        ("Overdue, not answered", 2),
        ("Not yet due", 0),
    ]
    html = page.content.decode()
    assert "Kent Police<span" in html and "Merseyside Police</th>" in html and "3 March 2026" in html
    response = team.get(reverse("casework:information_request_csv", args=[request.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["Force", "Status", "Due", "Answered on"],
        ["Cumbria Constabulary", "Answered on time", "2026-02-27", "2026-02-20"],
        ["Dyfed-Powys Police", "Answered on time", "2026-02-27", "2026-02-27"],
        ["Kent Police", "Answered late", "2026-02-27", "2026-03-03"],
        ["Merseyside Police", "Overdue, not answered", "2026-02-27", ""],
        ["Suffolk Constabulary", "Overdue, not answered", "2026-02-27", ""],
    ]


def test_staff_send_a_request_to_chosen_forces_with_a_spreadsheet(team):
    complaint = eligible("Victims of modern slavery", told=london(2026, 2, 2, 10))
    forces = [org(name) for name in FORCES]
    response = team.post(
        reverse("casework:information_request_new", args=[complaint.reference]),
        {
            "title": "Referrals",
            "questions": "How many referrals?\nWho decides?\n",
            "due_0": "27",
            "due_1": "2",
            "due_2": "2099",
            "scope": "chosen",
            "forces": [f.pk for f in forces],
            "template": SimpleUploadedFile("return.csv", b"force,referrals\n", content_type="text/csv"),
        },
    )
    request = InformationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:information_request", args=[request.pk])
    assert request.force_requests.count() == 5
    assert [q.text for q in request.questions.all()] == ["How many referrals?", "Who decides?"]
    assert request.template is not None and request.template.original_name == "return.csv"
    assert (
        Deadline.objects.filter(rule=DeadlineRule.INFORMATION_REQUEST, due=datetime.date(2099, 2, 27)).count()
        == 5
    )


def test_bad_input_keeps_what_was_entered(team):
    complaint = eligible("Victims of modern slavery", told=london(2026, 2, 2, 10))
    response = team.post(
        reverse("casework:information_request_new", args=[complaint.reference]),
        {
            "title": "Referrals",
            "questions": "How many?",
            "due_0": "31",
            "due_1": "2",
            "due_2": "2099",
            "scope": "chosen",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "due" in form.errors and "forces" in form.errors
    assert 'value="Referrals"' in response.content.decode()
    assert not InformationRequest.objects.exists()


def test_chief_constables_group_is_the_43_territorial_forces(team):
    complaint = eligible("Victims of modern slavery", told=london(2026, 2, 2, 10))
    from recommendations.models import AddresseeGroup

    group = AddresseeGroup.objects.get(slug="chief-constables")
    team.post(
        reverse("casework:information_request_new", args=[complaint.reference]),
        {
            "title": "R",
            "questions": "Q",
            "due_0": "27",
            "due_1": "2",
            "due_2": "2099",
            "scope": "group",
            "group": group.pk,
        },
    )
    assert InformationRequest.objects.get().force_requests.count() == 43


def test_a_force_answers_its_own_request_with_a_file_and_never_sees_another():
    request = send_to_five()
    kent = _force_client("Kent Police", "kent@example.police.uk")
    mine = request.force_requests.get(force__name="Kent Police")
    theirs = request.force_requests.get(force__name="Suffolk Constabulary")
    listing = kent.get(reverse("portal:information_requests"))
    assert [fr.pk for fr in listing.context["force_requests"]] == [mine.pk]
    assert kent.get(reverse("portal:information_request", args=[theirs.pk])).status_code == 404
    assert kent.post(reverse("portal:information_request", args=[theirs.pk]), {}).status_code == 404
    questions = list(request.questions.all())
    response = kent.post(
        reverse("portal:information_request", args=[mine.pk]),
        {
            f"q{questions[0].pk}": "412",
            f"q{questions[1].pk}": "The single point of contact",
            "file": SimpleUploadedFile("data.csv", b"force,referrals\nKent,412\n", content_type="text/csv"),
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.answered_at is not None
    assert [d.original_name for d in mine.documents.all()] == ["data.csv"]
    theirs.refresh_from_db()
    assert theirs.answered_at is None
    # Suffolk's user sees nothing of Kent's answer.
    suffolk = _force_client("Suffolk Constabulary", "suffolk@example.police.uk")
    assert suffolk.get(reverse("portal:information_request", args=[mine.pk])).status_code == 404


def test_a_user_of_no_force_has_no_request_list():
    user, device = make_person("hestia")
    assert Membership.objects.filter(user=user, role=Role.BODY_MEMBER).exists()
    assert signed_in(user, device).get(reverse("portal:information_requests")).status_code == 404


def test_staff_read_each_forces_answer_from_the_completeness_view(team, monkeypatch):
    request = send_to_five()
    two_answer_one_late(request)
    monkeypatch.setattr("casework.requests.london_today", lambda: datetime.date(2026, 3, 5))
    kent = request.force_requests.get(force__name="Kent Police")
    address = reverse("casework:information_request_answer", args=[request.pk, kent.pk])
    listing = team.get(reverse("casework:information_request", args=[request.pk])).content.decode()
    assert address in listing
    # Only answered forces are linked: a silent force has nothing to read.
    silent = request.force_requests.get(force__name="Suffolk Constabulary")
    assert reverse("casework:information_request_answer", args=[request.pk, silent.pk]) not in listing
    page = team.get(address).content.decode()
    assert "The answer from Kent Police" in page
    assert "Kent Police answers 1" in page and "Kent Police answers 2" in page
    assert "Answered late" in page


def test_an_answer_is_only_reached_through_its_own_request(team):
    first = send_to_five()
    second = send_to_five("Another request")
    kent_of_second = second.force_requests.get(force__name="Kent Police")
    address = reverse("casework:information_request_answer", args=[first.pk, kent_of_second.pk])
    assert team.get(address).status_code == 404
    # A force user is not staff: the casework page is not theirs, even for their own answer.
    kent_user = _force_client("Kent Police", "kent-reader@kent.police.uk")
    own = reverse("casework:information_request_answer", args=[second.pk, kent_of_second.pk])
    assert kent_user.get(own).status_code in (403, 404)
