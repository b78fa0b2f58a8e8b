"""Uncaught errors: a lost database is a 503 page with Retry-After (JSON under /api/), anything
else the 500 page; both in English and Welsh."""

import re

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import path

from config import urls as project_urls


def _database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def _connection_closed(request):
    raise InterfaceError("connection already closed")


def _bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("gone/", _database_gone),
    path("cy/gone/", _database_gone),
    path("closed/", _connection_closed),
    path("api/gone/", _database_gone),
    path("bug/", _bug),
    *project_urls.urlpatterns,  # the page's header links to the register
]
handler500 = project_urls.handler500


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S).group(1).strip()


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def test_the_project_uses_this_handler():
    assert project_urls.handler500 == "common.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_lost_database_is_a_503_that_says_what_was_not_saved(client):
    for address in ("/gone/", "/closed/"):
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert _h1(html) == "Sorry, the service is unavailable"
        assert "what you just sent was not saved" in html
        assert "<title>Sorry, the service is unavailable – Police super-complaints</title>" in html


@pytest.mark.urls(__name__)
def test_the_api_gets_json(client):
    response = client.get("/api/gone/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is unavailable for a moment. Try again in a few minutes."
    }


@pytest.mark.urls(__name__)
def test_any_other_error_is_still_the_500_page(client):
    response = client.get("/bug/")
    assert response.status_code == 500
    assert _h1(response.content.decode()) == "Sorry, there is a problem with the service"
