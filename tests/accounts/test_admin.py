"""The Django admin is behind the same two-factor sign-in as the rest of the service."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django_otp.admin import OTPAdminSite

from tests.accounts.support import code_for, force_verified_login, make_device, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_user("admin@example.org", is_staff=True, is_superuser=True)


def test_default_admin_site_requires_a_verified_device():
    assert isinstance(admin.site, OTPAdminSite)
    assert admin.site.name == "admin"


def test_anonymous_visitor_is_sent_to_the_service_sign_in(client):
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"
    login = client.get(response["Location"])
    assert login["Location"] == "/account/sign-in/?next=/admin/"


def test_admin_login_form_is_never_shown(client, staff):
    response = client.post("/admin/login/?next=/admin/", {"username": staff.email, "password": "x"})
    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/admin/"


def test_staff_with_password_only_is_not_let_in(client, staff):
    client.force_login(staff)  # password, but no code
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_staff_with_password_and_code_is_let_in(client, staff):
    device = make_device(staff)
    client.post(
        "/account/sign-in/",
        {"email": staff.email, "password": "correct horse battery staple", "next": "/admin/"},
    )

    response = client.post("/account/sign-in/code/", {"code": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/")["Location"] == "/admin/"


def test_verified_non_staff_is_forbidden_not_looped(client):
    user = make_user("pat@example.org")
    force_verified_login(client, user, make_device(user))
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_default_landing_is_the_admin(client, staff):
    response = sign_in(client, staff, make_device(staff))
    assert response["Location"] == "/admin/"
