"""The register in Welsh: every interface string translated, Welsh content where there is some,
English content marked lang="en" where there is none, and Welsh dates."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from complaints.models import ComplaintState, DecidedBy, Feature, ForcesScope, Position, SuperComplaint
from organisations.models import ForceKind, LocalPolicingBodyKind, OrganisationKind
from recommendations.models import ResponseStatus
from tests.helpers import untranslated_welsh
from tests.public.pages import get, main, squash, tables, text
from tests.public.seed import published_case

pytestmark = pytest.mark.usefixtures("public_record")

# The register's files: every string in them must have a Welsh translation. (The page shell's
# files are checked by test_shell.py; the open-data page's by its own tests.)
REGISTER_SOURCES = (
    "public/selectors.py",
    "public/search.py",
    "public/feeds.py",
    "public/views.py",
    "public/templatetags/public_register.py",
    "public/templates/public/base_public.html",
    "public/templates/public/search.html",
    "public/templates/public/includes/",
    "public/templates/public/register/",
    "public/templates/public/organisations/",
    "api/open_data.py",
    "recommendations/models.py",
    "reports/models.py",
)


def test_every_string_of_the_register_has_a_welsh_translation():
    assert untranslated_welsh("--untranslated", REGISTER_SOURCES) == []
    assert untranslated_welsh("--only-fuzzy", REGISTER_SOURCES) == []


@pytest.mark.parametrize(
    "choices",
    [
        ComplaintState,
        ForcesScope,
        Position,
        DecidedBy,
        OrganisationKind,
        ForceKind,
        LocalPolicingBodyKind,
        ResponseStatus,
    ],
)
def test_the_labels_the_register_shows_are_translated(choices):
    """States, outcomes and kinds come from the domain's models; the register shows their labels."""
    with translation.override("en-gb"):
        english = [str(label) for label in choices.labels]
    with translation.override("cy"):
        welsh = [str(label) for label in choices.labels]

    assert [pair for pair in zip(english, welsh, strict=True) if pair[0] == pair[1]] == []


def test_the_welsh_complaint_page(client):
    Feature.objects.filter(complaint__reference="SC-2019-002", position=1).update(
        text_cy="nid yw swyddogion heddlu nad ydynt yn arbenigwyr yn adnabod arwyddion camfanteisio"
    )
    html = squash(main(get(client, "/cy/super-complaints/SC-2019-002/")))

    assert '<h1 class="govuk-heading-xl">Ymateb yr heddlu i ddioddefwyr caethwasiaeth fodern</h1>' in html
    assert '<strong class="govuk-tag">Adroddiad wedi’i gyhoeddi</strong>' in html
    assert '<time datetime="2019-05-31">31 Mai 2019</time>' in html
    assert '<time datetime="2021-05-26">26 Mai 2021</time>' in html
    features = re.findall(
        r"<li( lang=\"en\")?>(.*?)</li>",
        html.split("Y nodweddion plismona y cwynir amdanynt</h2>")[1].split("</ol>")[0],
    )
    assert features[0] == (
        "",
        "nid yw swyddogion heddlu nad ydynt yn arbenigwyr yn adnabod arwyddion camfanteisio",
    )
    assert features[1] == (
        ' lang="en"',
        "police officers aren&#x27;t taking immediate steps to make a victim feel safe",
    )
    assert '<dt class="govuk-summary-list__key">Achwynydd</dt>' in html
    assert "Pob heddlu yng Nghymru a Lloegr" in html
    assert '<dt class="govuk-summary-list__key">Penderfynwyd gan</dt>' in html
    # Progress reports of a complaint made before the service are not known: "not recorded".
    assert '<dd class="govuk-summary-list__value">Heb ei gofnodi</dd>' in html
    assert "Dyddiad ddim yn hysbys" in html
    # No Welsh name: the English one, marked as English.
    assert '<a class="govuk-link" href="/cy/organisations/hestia/"><span lang="en">Hestia</span></a>' in html
    assert (
        '<p class="govuk-body" lang="en">The police response to modern slavery has improved since 2017'
        in html
    )


def test_welsh_names_are_used_where_they_exist(client):
    # Shipped in the public record (tests/operations/test_record_facts.py).
    html = main(get(client, "/cy/organisations/south-wales-police/"))

    assert '<h1 class="govuk-heading-xl">Heddlu De Cymru</h1>' in html
    assert '<span class="govuk-caption-l">Heddlu</span>' in html
    english = main(get(client, "/organisations/south-wales-police/"))
    assert '<h1 class="govuk-heading-xl">South Wales Police</h1>' in english
    commissioner = main(get(client, "/cy/organisations/south-wales-police/"))
    assert ">Comisiynydd Heddlu a Throseddu De Cymru</a>" in commissioner
    register = main(get(client, "/cy/super-complaints/"))
    assert '<option value="gwent-police">Heddlu Gwent</option>' in register


def test_welsh_month_only_dates_and_register(client):
    html = main(get(client, "/cy/super-complaints/"))

    assert '<time datetime="2020-03">Mawrth 2020</time>' in html
    assert "8 uwch-gŵyn" in text(html)
    assert '<option value="report_published">Adroddiad wedi’i gyhoeddi</option>' in html
    assert '<option value="" selected>Unrhyw heddlu</option>' in html


def test_welsh_matrix_and_timeliness(client):
    case = published_case()
    (matrix,) = tables(main(get(client, f"/cy/super-complaints/{case.complaint.reference}/recommendations/")))

    assert matrix.texts() == [
        ["Derbynnydd", "Recommendation 1", "Recommendation 2"],
        ["Home Office", "Derbyniwyd, mewn pryd", "Heb ei gyfeirio ato"],
        ["Kent Police", "Heb ei gyfeirio ato", "Dim ymateb eto, wedi mynd heibio’r dyddiad cau"],
        ["National Police Chiefs' Council", "Derbyniwyd yn rhannol, yn hwyr", "Heb ei gyfeirio ato"],
    ]


def test_welsh_report_uses_welsh_text_and_marks_the_rest(client):
    case = published_case()
    html = squash(main(get(client, f"/cy/super-complaints/{case.complaint.reference}/report/")))

    assert '<h1 class="govuk-heading-xl">Yn dal ar goll</h1>' in html
    assert '<p class="govuk-body">Hyfforddi trinwyr galwadau.</p>' in html
    assert '<p class="govuk-body" lang="en">Record every missing episode the same way.</p>' in html
    assert '<h2 class="govuk-heading-l">Canfyddiadau</h2>' in html
    assert 'Ymateb erbyn <time datetime="2026-06-01">1 Mehefin 2026</time>.' in html


def test_welsh_titles_fall_back_to_english_in_lists(client):
    SuperComplaint.objects.filter(reference="SC-2022-001").update(title_cy="Ymateb yr heddlu i stelcio")
    html = main(get(client, "/cy/super-complaints/"))

    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2022-001/">Ymateb yr heddlu i stelcio</a>'
        in html
    )
    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2021-001/" lang="en">'
        "Section 60 stop and search and community scrutiny</a>"
    ) in html
