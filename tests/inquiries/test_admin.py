"""Information requests in the admin: readable, with their questions and forces; never added,
edited or deleted there (the services keep the ledger and the outbox in step)."""

import pytest

from accounts.models import User
from tests.accounts.support import force_verified_login, make_device
from tests.inquiries.scenario import send_to_five, two_answer_one_late

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, public_record):
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    force_verified_login(client, admin, make_device(admin))
    return client


def test_requests_are_listed_and_read_but_not_changed(admin_client):
    request = send_to_five()
    two_answer_one_late(request)
    listing = admin_client.get("/admin/inquiries/informationrequest/")
    assert listing.status_code == 200 and "Modern slavery referrals" in listing.content.decode()
    page = admin_client.get(f"/admin/inquiries/informationrequest/{request.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Who decides on a referral?" in html and "Suffolk Constabulary" in html
    assert 'name="_save"' not in html
    assert admin_client.get("/admin/inquiries/informationrequest/add/").status_code == 403
    assert admin_client.get(f"/admin/inquiries/informationrequest/{request.pk}/delete/").status_code == 403
