"""The published report as an HTML page and as a tagged PDF, from the same published data; never
with a passage excluded under SI 2018/748 reg 8(3)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from complaints.models import SuperComplaint
from reports.services import exclude_passage
from tests.public.pages import get, main, text
from tests.public.seed import published_case

pytestmark = pytest.mark.usefixtures("public_record")


def pdf_of(client, url: str) -> PdfReader:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def headings(html: str) -> list[str]:
    return [text(h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]


def test_the_report_page_sets_out_the_whole_published_report(client):
    case = published_case()
    reference = case.complaint.reference
    html = main(get(client, f"/super-complaints/{reference}/report/"))

    assert text(re.search(r"<h1.*?</h1>", html, re.S).group(0)) == "Still missing"
    assert headings(html) == [
        "Steps taken to investigate",
        "Findings",
        "Conclusions and the reasons for them",
        "Action the decision-making authorities will take",
        "Action 1: College of Policing",
        "Opinions of the authorities where they disagree",
        "The opinion of Independent Office for Police Conduct",
        "Recommendations",
        f"Recommendation 1 ({reference}-R1)",
        f"Recommendation 2 ({reference}-R2)",
    ]
    assert (
        '<p class="govuk-body">We read 400 case files.</p>\n<p class="govuk-body">We visited six forces.</p>'
        in html
    )
    body = text(html)
    assert "Forces do not record repeat missing episodes consistently." in body
    assert "Update the guidance on missing children." in body
    assert "The IOPC would have gone further on training." in body
    assert (
        "Record every missing episode the same way. Addressed to: Home Office, National Police Chiefs' Council. Respond by 1 June 2026."
        in body
    )
    assert f'href="/super-complaints/{reference}/report.pdf"' in html
    assert f'href="/super-complaints/{reference}/recommendations/"' in html


def test_the_pdf_is_tagged_with_its_language_and_title(client):
    case = published_case()
    reader = pdf_of(client, f"/super-complaints/{case.complaint.reference}/report.pdf")

    assert reader.metadata.title == "Still missing"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-gb"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)
    content = pdf_text(reader)
    for passage in [
        "Still missing",
        "We read 400 case files.",
        "Forces do not record repeat missing episodes consistently.",
        "The harm is significant.",
        "Update the guidance on missing children.",
        "The IOPC would have gone further on training.",
        "Record every missing episode the same way.",
        "Train call handlers on repeat episodes.",
    ]:
        assert passage in content


def test_the_welsh_pdf_is_in_welsh_where_the_report_is(client):
    case = published_case()
    reader = pdf_of(client, f"/cy/super-complaints/{case.complaint.reference}/report.pdf")

    assert reader.metadata.title == "Yn dal ar goll"
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    content = pdf_text(reader)
    assert "Hyfforddi trinwyr galwadau." in content
    assert "Argymhellion" in content


def test_hestias_report_month_and_verification_flags(client):
    html = main(get(client, "/super-complaints/SC-2020-001/report/"))

    # Its title is confirmed now (tests/operations/test_record_facts.py): no flag.
    assert "has not yet been verified" not in text(html)
    assert '<time datetime="2022-06-30">30 June 2022</time>' in html
    august = main(get(client, "/super-complaints/SC-2019-001/report/"))
    assert '<time datetime="2021-08">August 2021</time>' in august


def test_a_report_published_before_the_service_links_its_official_publication_and_has_no_pdf(client):
    html = main(get(client, "/super-complaints/SC-2022-001/report/"))

    assert "This report was published before this service started." in text(html)
    assert (
        '<a class="govuk-link" href="https://hmicfrs.justiceinspectorates.gov.uk/publications/'
        'suzy-lamplugh-trusts-super-complaint-the-police-response-to-stalking/">'
        "Read the full report on the HMICFRS website</a>"
    ) in html
    assert "report.pdf" not in html
    assert "This report makes 29 recommendations. 0 of them are entered here" in text(html)
    # No generated document stands in for the real publication.
    for reference in ["SC-2019-002", "SC-2022-001", "SC-2018-001"]:
        get(client, f"/super-complaints/{reference}/report.pdf", status=404)
        get(client, f"/cy/super-complaints/{reference}/report.pdf", status=404)


def test_excluded_passages_are_never_published(client):
    hestia = SuperComplaint.objects.get(reference="SC-2019-002")
    exclude_passage(
        hestia.report, ground="safety", passage="Excluded-passage-7f3a", note="Excluded-note-7f3a"
    )
    case = published_case()
    exclude_passage(case.report, ground="safety", passage="Excluded-passage-9c2b", note="Excluded-note-9c2b")
    reference = case.complaint.reference

    for url in ["/super-complaints/SC-2019-002/report/", "/cy/super-complaints/SC-2019-002/report/"]:
        assert "7f3a" not in get(client, url)
    for url in [f"/super-complaints/{reference}/report/", f"/cy/super-complaints/{reference}/report/"]:
        assert "9c2b" not in get(client, url)
    for url in [f"/super-complaints/{reference}/report.pdf", f"/cy/super-complaints/{reference}/report.pdf"]:
        content = pdf_text(pdf_of(client, url))
        assert "Forces do not record repeat missing episodes consistently." in content
        assert "9c2b" not in content


@pytest.mark.parametrize("suffix", ["report/", "report.pdf", "recommendations/"])
def test_no_report_no_page(client, suffix):
    from tests.public.seed import investigating

    complaint = investigating("Police response to fraud victims")
    get(client, f"/super-complaints/{complaint.reference}/{suffix}", status=404)
    get(client, f"/cy/super-complaints/{complaint.reference}/{suffix}", status=404)
    get(client, f"/super-complaints/SC-2030-001/{suffix}", status=404)
