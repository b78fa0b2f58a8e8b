"""A NUL byte or other odd character in a portal or casework reference is a 404, never a 500:
the URL only matches the reference's own shape (common.converters)."""

import pytest
from django.urls import Resolver404, resolve

from tests.builders import org
from tests.casework.support import make_person, signed_in
from tests.portal.support import client_for, person

ODD = [
    "SC-2026-001%00",
    "%00",
    "SC-2026-001%E2%80%AE",
    "SC-2026-001'--",
    "sc-2026-001",
    "SC-2026-1",
    "x" * 300,
]


@pytest.mark.parametrize("prefix", ["/portal/complaints/", "/casework/complaints/"])
@pytest.mark.parametrize(
    "reference", ["SC-2026-001\x00", "SC-2026-001\u202e", "SC-2026-001'--", "sc-2026-001"]
)
def test_odd_references_do_not_resolve(prefix, reference):
    with pytest.raises(Resolver404):
        resolve(f"{prefix}{reference}/")


def test_real_references_resolve():
    assert resolve("/portal/complaints/SC-2026-001/").url_name == "complaint"
    assert resolve("/casework/complaints/SC-2019-002/letters/3/pdf/").url_name == "letter_pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ODD)
def test_odd_references_are_a_404_for_signed_in_people(public_record, reference):
    hestia = client_for(person("policy@hestia.example", org("Hestia")))
    team = signed_in(*make_person("team"))
    for client, url in [
        (hestia, f"/portal/complaints/{reference}/"),
        (hestia, f"/portal/complaints/{reference}/letters/1.pdf"),
        (team, f"/casework/complaints/{reference}/"),
        (team, f"/casework/complaints/{reference}/acknowledge/"),
    ]:
        assert client.get(url).status_code == 404, url
