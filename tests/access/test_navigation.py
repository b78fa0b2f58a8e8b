import pytest
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Membership, Role, User
from tests.accounts.support import force_verified_login, make_device
from tests.builders import authority, org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


def signed_in(client, email, organisation, role):
    user = User.objects.create_user(email, password="x" * 16)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    force_verified_login(client, user, make_device(user))
    return client


def test_a_body_member_is_offered_its_complaints_and_sign_out(client):
    page = signed_in(client, "h@example.org", org("Hestia"), Role.BODY_MEMBER).get("/portal/")
    assertContains(page, ">Your complaints<")
    assertContains(page, 'href="/account/sign-out/"')
    assertContains(page, "For your security, we will sign you out at")
    assertNotContains(page, "Casework dashboard")
    assertNotContains(page, ">Designations<")


def test_staff_are_offered_casework_and_the_home_office_designations(client):
    page = signed_in(client, "t@example.org", authority("HMICFRS"), Role.CASEWORKER).get("/casework/")
    assertContains(page, "Casework dashboard")
    assertNotContains(page, ">Your complaints<")
    client.logout()
    page = signed_in(client, "ho@example.org", org("Home Office"), Role.DESIGNATIONS).get(
        "/portal/designations/"
    )
    assertContains(page, ">Designations<")
    assertNotContains(page, "Casework dashboard")
