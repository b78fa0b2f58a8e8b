"""Every portal page, in its normal and its error states, is valid HTML (html-validate)."""

import pytest

from accounts.models import Role
from complaints import services
from tests.builders import london, org
from tests.evidence.files import upload
from tests.helpers import html_problems
from tests.portal.support import acknowledgement_letter, client_for, complete_draft, person

pytestmark = pytest.mark.django_db


def test_the_portal_pages_are_valid_html(hestia, hestia_user):
    draft = complete_draft("Hestia", hestia_user)
    feature = draft.features.get()
    item = draft.evidence_items.get()
    complaint = services.submit_complaint(
        complete_draft("Hestia", hestia_user, title="Sent"), at=london(2026, 11, 27, 10)
    )
    letter = acknowledgement_letter(complaint)
    d, ref = f"/portal/drafts/{draft.pk}", f"/portal/complaints/{complaint.reference}"
    pages = {
        "home": hestia.get("/portal/"),
        "start": hestia.get("/portal/new/"),
        "task list": hestia.get(f"{d}/"),
        "about, errors": hestia.post(f"{d}/about/", {"version": draft.version}),
        "features": hestia.get(f"{d}/features/"),
        "feature, errors": hestia.post(f"{d}/features/add/", {"version": draft.version, "harm_count": 2}),
        "feature remove": hestia.get(f"{d}/features/{feature.pk}/remove/"),
        "forces, errors": hestia.post(f"{d}/forces/", {"version": draft.version, "scope": "named"}),
        "evidence, errors": hestia.post(
            f"{d}/evidence/", {"file": upload("x.pdf", b"text"), "description": ""}
        ),
        "evidence remove": hestia.get(f"{d}/evidence/{item.pk}/remove/"),
        "contact, stale": hestia.post(
            f"{d}/contact/", {"version": 1, "name": "A", "role": "B", "email": "a@example.org", "phone": ""}
        ),
        "check": hestia.get(f"{d}/check/"),
        "declaration, errors": hestia.post(f"{d}/declaration/", {"version": draft.version}),
        "confirmation": hestia.get(f"{ref}/submitted/"),
        "complaint": hestia.get(f"{ref}/"),
        "letter": hestia.get(f"{ref}/letters/{letter.pk}/"),
        "withdraw, errors": hestia.post(f"{ref}/withdraw/", {"reason": ""}),
    }
    officer = client_for(person("officer@homeoffice.example", org("Home Office"), Role.DESIGNATIONS))
    galop = org("Galop")
    pages.update(
        {
            "designations": officer.get("/portal/designations/"),
            "designation, errors": officer.post("/portal/designations/new/", {"body": "new"}),
            "body": officer.get(f"/portal/designations/{galop.slug}/"),
            "revoke, errors": officer.post(
                f"/portal/designations/{galop.slug}/designations/{galop.designations.get().pk}/revoke/", {}
            ),
            "assess, errors": officer.post(f"/portal/designations/{galop.slug}/assess/designation/", {}),
            "nothing here": client_for(person("x@example.org")).get("/portal/"),
        }
    )
    errors = []
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        errors += [
            f"{name}:{p.get('line')} [{p['ruleId']}] {p['message']}"
            for p in html_problems(html, name=f"{name}.html")
            if p["severity"] == 2
        ]
    assert errors == [], "\n".join(errors)
