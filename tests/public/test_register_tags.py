"""The register's template helpers that stand for a template or a tag: the addressee's cell
(``response_cell``) and the organisation's address (``organisation_url``)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from public.templatetags.public_register import organisation_url, response_cell
from recommendations.selectors import ResponseCell

pytestmark = pytest.mark.django_db


def test_an_organisation_address_is_the_one_reverse_gives_in_each_language():
    for language in ("en-gb", "cy", "en-gb"):
        with translation.override(language):
            assert organisation_url("kent-police") == reverse("public:organisation", args=["kent-police"])
    with translation.override("cy"):
        assert organisation_url("kent-police").startswith("/cy/")


class Named:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def test_a_cell_with_no_response_is_its_text_escaped_and_unlinked(monkeypatch):
    cell = ResponseCell(obligation=None, responses=(), today=datetime.date(2026, 6, 1))
    monkeypatch.setattr(ResponseCell, "text", property(lambda self: "<b>No response yet</b>"))

    assert response_cell(cell, "SC-2026-001", "kent-police") == "&lt;b&gt;No response yet&lt;/b&gt;"


def test_a_cell_with_a_response_links_to_it_after_the_overdue_mark(monkeypatch):
    obligation = Named(recommendation=Named(reference="SC-2026-001-R1"))
    cell = ResponseCell(obligation=obligation, responses=(Named(),), today=datetime.date(2026, 6, 1))
    monkeypatch.setattr(ResponseCell, "text", property(lambda self: "Accepted, late"))
    monkeypatch.setattr(ResponseCell, "marked_overdue", property(lambda self: True))

    html = response_cell(cell, "SC-2026-001", "kent-police")

    url = reverse("public:response", args=["SC-2026-001", "SC-2026-001-R1", "kent-police"])
    assert html == (
        f'<strong class="govuk-tag govuk-tag--red">Overdue</strong> <a class="govuk-link" href="{url}">Accepted, late</a>'
    )
