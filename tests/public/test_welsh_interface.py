"""Welsh beyond the register: sign-in and the portal under /cy/, a Welsh notice where a page's
content is only in English, and a way to sign in from every public page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from complaints.models import SuperComplaint
from tests.builders import org
from tests.helpers import untranslated_welsh
from tests.portal.support import client_for, person
from tests.public.test_unpublished import public_addresses

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

NOTICE = "Dim ond yn Saesneg y mae rhywfaint o’r cynnwys ar y dudalen hon ar gael."

# The portal's and sign-in's files: every string in them must have a Welsh translation.
INTERFACE_SOURCES = (
    "portal/",
    "accounts/forms.py",
    "accounts/views.py",
    "accounts/models.py",
    "access/templatetags/",
    "templates/accounts/",
    "templates/signed_in_base.html",
    "common/forms.py",
    "common/partial_dates.py",
    # What the portal shows of the domain: the timeline, letters and the e-mails to a body, the
    # deadlines and their explanations, the upload checks, the designations pages' messages.
    "complaints/",
    "deadlines/",
    "evidence/checks.py",
    "organisations/",
)


def test_every_string_of_the_portal_and_sign_in_has_a_welsh_translation():
    assert untranslated_welsh("--untranslated", INTERFACE_SOURCES) == []
    assert untranslated_welsh("--only-fuzzy", INTERFACE_SOURCES) == []


def test_every_public_page_links_to_sign_in_for_organisations(client):
    missing = []
    for address in public_addresses():
        response = client.get(address)
        if "text/html" not in response["Content-Type"]:
            continue
        sign_in = "/cy/account/sign-in/" if address.startswith("/cy/") else "/account/sign-in/"
        label = (
            "Mewngofnodi ar gyfer sefydliadau" if address.startswith("/cy/") else "Sign in for organisations"
        )
        if (
            f'<a class="govuk-service-navigation__link" href="{sign_in}">{label}</a>'
            not in response.content.decode()
        ):
            missing.append(address)
    assert missing == []


def test_sign_in_works_in_welsh(client):
    page = client.get("/cy/account/sign-in/").content.decode()
    assert '<html lang="cy"' in page
    assert "<title>Mewngofnodi – Uwch-gwynion yr heddlu</title>" in page
    assert "Cyfeiriad e-bost" in page
    refused = client.post("/cy/account/sign-in/", {"email": "", "password": ""}).content.decode()
    assert "Rhowch eich cyfeiriad e-bost" in refused
    assert "Rhowch eich cyfrinair" in refused


def test_the_portal_works_in_welsh():
    body = client_for(person("policy@hestia.example", org("Hestia")))
    page = body.get("/cy/portal/").content.decode()
    assert '<html lang="cy"' in page
    assert "<title>Eich uwch-gwynion – Uwch-gwynion yr heddlu</title>" in page
    assert 'href="/cy/portal/new/"' in page
    assert 'hreflang="en"' in page  # the language switcher leads back to the English portal
    start = body.get("/cy/portal/new/").content.decode()
    assert "Gwneud uwch-gŵyn" in start


def test_a_welsh_page_says_once_at_the_top_when_some_content_is_only_in_english(client):
    page = client.get("/cy/super-complaints/SC-2019-002/").content.decode()
    main = page.split('id="main-content">')[1]
    assert main.count(NOTICE) == 1
    assert main.index(NOTICE) < main.index("<h1")
    assert NOTICE not in client.get("/super-complaints/SC-2019-002/").content.decode()


def test_a_welsh_page_whose_content_is_all_welsh_has_no_notice(client):
    page = client.get("/cy/accessibility/").content.decode()
    assert 'lang="en"' not in page.split('id="main-content">')[1]
    assert NOTICE not in page


def test_a_complaint_written_in_welsh_is_marked_as_welsh_on_english_pages(client):
    complaint = SuperComplaint.objects.get(reference="SC-2019-002")
    SuperComplaint.objects.filter(pk=complaint.pk).update(language="cy", title="Ymateb yr heddlu")
    cache.clear()  # public pages are cached; this test changed the record under them
    english = client.get("/super-complaints/SC-2019-002/").content.decode()
    assert re.search(r'<span lang="cy">Ymateb yr heddlu</span>|lang="cy"[^>]*>Ymateb yr heddlu<', english)
    welsh = client.get("/cy/super-complaints/SC-2019-002/").content.decode()
    assert 'lang="en">Ymateb yr heddlu' not in welsh
    assert "Ymateb yr heddlu" in welsh


def test_the_welsh_portal_explains_its_dates_in_welsh():
    from complaints import services
    from tests.builders import london, make_draft

    user = person("policy@hestia.example", org("Hestia"))
    body = client_for(user)
    complaint = services.submit_complaint(make_draft("Hestia"), at=london(2026, 11, 27, 16, 45))
    text = " ".join(
        re.sub(
            r"<[^>]+>", " ", body.get(f"/cy/portal/complaints/{complaint.reference}/").content.decode()
        ).split()
    )
    assert "Beth allwch ei ddisgwyl nesaf" in text
    assert "Y gydnabyddiaeth o’ch uwch-gŵyn: yn ddyledus erbyn diwedd Dydd Iau 3 Rhagfyr 2026" in text
    assert "Wedi dod i law: Dydd Gwener 27 Tachwedd 2026, am 4:45yp GMT yn Llundain." in text
    assert "Cydnabod (OS 2018/748 rhl 5): rhaid cydnabod y gŵyn" in text
