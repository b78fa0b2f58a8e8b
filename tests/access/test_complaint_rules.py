import pytest
from django.http import Http404

from access import rules
from accounts.models import Membership, Role, User
from complaints import services
from complaints.models import SuperComplaint
from tests.builders import authority, make_draft, org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def person(email, organisation, role):
    user = User.objects.create_user(email=email, password="x" * 16)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def people():
    return {
        "hestia": person("h@example.org", org("Hestia"), Role.BODY_MEMBER),
        "liberty": person("l@example.org", org("Liberty"), Role.BODY_MEMBER),
        "team": person("t@example.org", authority("HMICFRS"), Role.CASEWORKER),
        "iopc": person("i@example.org", authority("IOPC"), Role.CASEWORKER),
        "college": person("c@example.org", authority("College"), Role.CASEWORKER),
        "chief": person("ci@example.org", authority("HMICFRS"), Role.CHIEF_INSPECTOR),
        "force": person("f@example.org", org("Gwent Police"), Role.RESPONDER),
        "home_office": person("ho@example.org", org("Home Office"), Role.DESIGNATIONS),
    }


def test_a_draft_is_seen_only_by_its_own_body(people):
    draft = make_draft("Hestia")
    assert rules.may_view_complaint(people["hestia"], draft)
    assert rules.may_edit_draft(people["hestia"], draft)
    for other in ("liberty", "team", "chief", "force"):
        assert not rules.may_view_complaint(people[other], draft)
        assert not rules.complaints_visible_to(people[other]).filter(pk=draft.pk).exists()
    with pytest.raises(Http404):
        rules.get_object_for_user_or_404(
            rules.complaints_visible_to(people["liberty"]),
            people["liberty"],
            rule=rules.may_view_complaint,
            pk=draft.pk,
        )


def test_staff_see_every_received_complaint_and_a_force_sees_none(people):
    complaint = services.submit_complaint(make_draft("Hestia"))
    assert rules.may_view_complaint(people["iopc"], complaint)
    assert set(rules.complaints_visible_to(people["team"])) == set(
        SuperComplaint.objects.exclude(state="draft")
    )
    assert not rules.complaints_visible_to(people["force"]).exists()
    assert not rules.may_edit_draft(people["hestia"], complaint)
    assert rules.may_withdraw(people["hestia"], complaint)
    assert not rules.may_withdraw(people["liberty"], complaint)


def test_only_the_team_acknowledges_and_each_authority_records_its_own_position(people):
    complaint = services.submit_complaint(make_draft("Hestia"))
    assert rules.may_acknowledge(people["team"], complaint)
    assert not rules.may_acknowledge(people["iopc"], complaint)
    assert not rules.may_acknowledge(people["hestia"], complaint)
    complaint = services.acknowledge_complaint(complaint)
    assert rules.may_record_position(people["iopc"], complaint, authority("IOPC"))
    assert not rules.may_record_position(people["iopc"], complaint, authority("College"))
    assert not rules.may_record_position(people["hestia"], complaint, authority("IOPC"))


def test_only_the_chief_inspector_decides_when_positions_differ(people):
    complaint = services.acknowledge_complaint(services.submit_complaint(make_draft("Hestia")))
    for short, position in (("HMICFRS", "eligible"), ("IOPC", "not_eligible"), ("College", "eligible")):
        services.record_position(complaint, authority=authority(short), position=position, reasons="r")
    complaint.refresh_from_db()
    assert rules.may_decide_eligibility(people["chief"], complaint)
    assert not rules.may_decide_eligibility(people["team"], complaint)
    services.record_position(complaint, authority=authority("IOPC"), position="eligible", reasons="r")
    complaint.refresh_from_db()
    assert rules.may_decide_eligibility(people["team"], complaint)


def test_designations_are_recorded_by_the_home_office_only(people):
    assert rules.may_record_designation(people["home_office"])
    assert not rules.may_record_designation(people["team"])
