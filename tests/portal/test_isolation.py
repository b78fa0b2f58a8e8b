"""Another body's drafts and complaints are not found: 404 on every portal address, never 403."""

import pytest

from accounts.models import Role
from complaints import services
from tests.builders import authority, london
from tests.portal.support import acknowledgement_letter, client_for, complete_draft, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def hestias(hestia_user):
    """Hestia's draft, and a submitted complaint with a sent letter."""
    draft = complete_draft("Hestia", hestia_user, title="Hestia's draft")
    complaint = services.submit_complaint(
        complete_draft("Hestia", hestia_user, title="Hestia's complaint"), at=london(2026, 11, 27, 10)
    )
    letter = acknowledgement_letter(complaint)
    return draft, complaint, letter


def addresses(draft, complaint, letter):
    feature = draft.features.get()
    item = draft.evidence_items.get()
    submitted_item = complaint.evidence_items.get()
    d, ref = f"/portal/drafts/{draft.pk}", f"/portal/complaints/{complaint.reference}"
    return [
        f"{d}/",
        f"{d}/about/",
        f"{d}/features/",
        f"{d}/features/add/",
        f"{d}/features/{feature.pk}/",
        f"{d}/features/{feature.pk}/move/",
        f"{d}/features/{feature.pk}/remove/",
        f"{d}/forces/",
        f"{d}/evidence/",
        f"{d}/evidence/{item.pk}/remove/",
        f"{d}/contact/",
        f"{d}/check/",
        f"{d}/declaration/",
        f"/portal/evidence/{item.pk}/download/",
        f"/portal/evidence/{submitted_item.pk}/download/",
        f"{ref}/",
        f"{ref}/submitted/",
        f"{ref}/withdraw/",
        f"{ref}/letters/{letter.pk}/",
        f"{ref}/letters/{letter.pk}.pdf",
    ]


def test_liberty_gets_404_on_every_address_of_hestias_draft_and_complaint(liberty, hestias):
    draft, complaint, letter = hestias
    for url in addresses(draft, complaint, letter):
        assert liberty.get(url).status_code == 404, url
        posted = liberty.post(
            url, {"version": draft.version, "declaration": "on", "reason": "x", "direction": "up"}
        )
        assert posted.status_code == 404, url
    draft.refresh_from_db()
    complaint.refresh_from_db()
    assert (draft.state, draft.title) == ("draft", "Hestia's draft")
    assert complaint.state == "received"


def test_hestia_reaches_every_one_of_those_addresses(hestia, hestias):
    draft, complaint, letter = hestias
    for url in addresses(draft, complaint, letter):
        if url.endswith("/move/"):
            continue  # POST only
        assert hestia.get(url).status_code == 200, url


def test_staff_of_the_authorities_use_casework_not_the_bodys_portal(hestias):
    draft, complaint, letter = hestias
    caseworker = client_for(person("team@hmicfrs.example", authority("HMICFRS"), Role.CASEWORKER))
    assert caseworker.get(f"/portal/drafts/{draft.pk}/").status_code == 404
    assert caseworker.get(f"/portal/complaints/{complaint.reference}/").status_code == 404
    assert caseworker.get(f"/portal/complaints/{complaint.reference}/letters/{letter.pk}/").status_code == 404


def test_the_404_is_the_services_own_page(liberty, hestias):
    draft, _complaint, _letter = hestias
    response = liberty.get(f"/portal/drafts/{draft.pk}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Hestia" not in response.content.decode()
