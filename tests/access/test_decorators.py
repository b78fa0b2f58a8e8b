"""verified_login_required: signed in with both factors, or sent to sign in."""

from __future__ import annotations

import pytest

from tests.accounts.support import force_verified_login, make_device, make_user, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.urls")]


@pytest.mark.parametrize("path", ["/protected/", "/protected-class/"])
def test_anonymous_visitor_is_sent_to_sign_in_with_next(client, path):
    response = client.get(f"{path}?tab=2")
    assert response.status_code == 302
    assert response["Location"] == f"/account/sign-in/?next={path}%3Ftab%3D2"


@pytest.mark.parametrize("path", ["/protected/", "/protected-class/"])
def test_password_without_code_is_sent_to_sign_in(client, path):
    user = make_user()
    make_device(user)
    client.force_login(user)
    response = client.get(path)
    assert response["Location"] == f"/account/sign-in/?next={path}"


@pytest.mark.parametrize(
    ("path", "body"), [("/protected/", b"hello pat@example.org"), ("/protected-class/", b"class-based hello")]
)
def test_verified_user_sees_the_page(client, path, body):
    user = make_user()
    force_verified_login(client, user, make_device(user))
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == body


def test_unconfirmed_device_does_not_verify(client):
    user = make_user()
    force_verified_login(client, user, make_device(user, confirmed=False))
    assert client.get("/protected/").status_code == 302


def test_device_of_another_user_does_not_verify(client):
    user = make_user()
    make_device(user)
    someone_else = make_user("sam@example.org")
    force_verified_login(client, user, make_device(someone_else))
    assert client.get("/protected/").status_code == 302


def test_full_sign_in_opens_the_page(client):
    user = make_user()
    sign_in(client, user, make_device(user))
    assert client.get("/protected/").status_code == 200
