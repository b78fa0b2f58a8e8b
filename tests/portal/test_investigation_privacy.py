"""The body's portal shows its progress reports as sent, and nothing of the authorities' own file:
no internal note, plan, fieldwork, or information excluded under reg 7(3)."""

from __future__ import annotations

import pytest

from tests.public.seed import MARK, seed_unpublished

pytestmark = pytest.mark.django_db

INTERNAL = (
    "internal-note",
    "terms-of-reference",
    "methods",
    "milestone",
    "fieldwork-place",
    "fieldwork-summary",
    "progress-report-excluded",
    "progress-report-exclusion-reason",
)


def test_the_body_never_sees_the_authorities_file(hestia):
    seeded = seed_unpublished()
    complaint = seeded.investigating
    pages = [hestia.get(f"/portal/complaints/{complaint.reference}/")]
    for letter in complaint.letters.filter(sent_at__isnull=False):
        pages.append(hestia.get(f"/portal/complaints/{complaint.reference}/letters/{letter.pk}/"))
    assert all(page.status_code == 200 for page in pages)
    html = "".join(page.content.decode() for page in pages)
    for marker in INTERNAL:
        assert f"{MARK}-{marker}" not in html, marker
