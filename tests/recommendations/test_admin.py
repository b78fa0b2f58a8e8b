"""Responses in the admin: readable, never added, edited or deleted there, so the admin cannot
leave one in a state the register cannot show (the responding services keep the state, the ledger
and the register in step)."""

import pytest

from accounts.models import User
from recommendations.models import Response, ResponseState
from tests.accounts.support import force_verified_login, make_device
from tests.recommendations.response_scenario import awaiting_sign_off, published_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, public_record):
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    force_verified_login(client, admin, make_device(admin))
    return client


def test_a_response_is_read_but_never_changed_in_the_admin(admin_client):
    scenario = published_report()
    response = awaiting_sign_off(scenario.kent, scenario.drafter)
    change = f"/admin/recommendations/response/{response.pk}/change/"

    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    posted = admin_client.post(change, {"state": ResponseState.PUBLISHED, "status": "accepted"})
    assert posted.status_code == 403
    assert admin_client.get("/admin/recommendations/response/add/").status_code == 403
    assert admin_client.get(f"/admin/recommendations/response/{response.pk}/delete/").status_code == 403
    assert Response.objects.get(pk=response.pk).state == ResponseState.AWAITING_SIGN_OFF
