"""The two renditions of one report (SI 2018/748 reg 8(3)): the full one marks an excluded passage
with its ground; the published one does not contain it, in its HTML nor in the text of its PDF,
which is tagged (PDF/UA-1) with its language, title and bookmarks."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from accounts.models import User
from recommendations.services import add_recommendation
from reports import services
from reports.renditions import Rendition, build_document, render_html, render_report_pdf
from tests.builders import authority, org
from tests.public.seed import investigating

pytestmark = pytest.mark.usefixtures("public_record")

SECRET = "Secret-passage-4d1e: the refuge is at 1 High Street"
PROPOSED = "Proposed-passage-8b2c: the witness lives in Leeds"


@pytest.fixture
def report():
    complaint = investigating("Police response to domestic abuse")
    report = services.create_report(complaint, title="Safe at home")
    services.add_passage(report, section="steps_taken", text="We read 300 case files.", heading="File review")
    secret = services.add_passage(report, section="steps_taken", text=SECRET)
    proposed = services.add_passage(report, section="conclusions", text=PROPOSED)
    services.add_passage(report, section="conclusions", text="Forces respond too slowly.")
    services.add_action(report, authority=authority("College"), text="Update the guidance.")
    services.save_opinion(report, authority=authority("IOPC"), text="The IOPC would go further.")
    add_recommendation(report, label="", text="Train call handlers.", organisations=[org("Home Office")])
    proposer, approver = (
        User.objects.create_user(f"s{n}@hmicfrs.example", password="x" * 16) for n in (1, 2)
    )
    exclusion = services.propose_exclusion(
        secret, ground="safety", reason="It locates a refuge.", by=proposer
    )
    services.approve_exclusion(exclusion, by=approver)
    services.propose_exclusion(proposed, ground="national_security", reason="A witness.", by=proposer)
    return report


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_published_rendition_leaves_out_every_excluded_passage_even_one_only_proposed(report):
    html = render_html(report, Rendition.PUBLISHED)
    assert "4d1e" not in html and "8b2c" not in html and "High Street" not in html
    assert "It locates a refuge" not in html
    body = visible_text(html)
    for kept in [
        "We read 300 case files.",
        "Forces respond too slowly.",
        "Update the guidance.",
        "The IOPC would go further.",
        "Train call handlers.",
    ]:
        assert kept in body
    document = build_document(report, Rendition.PUBLISHED)
    assert [p.passage.text for p in document.steps_taken.passages] == ["We read 300 case files."]
    assert all(p.exclusion is None for s in document.sections for p in s.passages)


def test_the_full_rendition_marks_each_excluded_passage_with_its_ground(report):
    html = render_html(report, Rendition.FULL)
    body = visible_text(html)
    assert SECRET in body and PROPOSED in body
    assert "Excluded from publication: The safety of any person" in body
    assert "Excluded from publication: National security" in body
    assert "Reason: It locates a refuge." in body
    assert "not yet approved" in body
    assert "Full internal rendition" in body
    assert "Safe at home (full internal rendition)</title>" in html


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )


def test_the_published_pdf_is_tagged_titled_bookmarked_and_holds_no_excluded_text(report, tmp_path):
    pdf = render_report_pdf(report, Rendition.PUBLISHED)
    content = pdf_text(pdf, tmp_path)
    assert "We read 300 case files." in content and "Forces respond too slowly." in content
    assert "4d1e" not in content and "8b2c" not in content and "High Street" not in content

    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert reader.metadata.title == "Safe at home"
    assert catalog["/Lang"] == "en-gb"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Safe at home"
    flat = str(reader.outline)
    for heading in ["Steps taken to investigate", "Conclusions and the reasons for them", "Recommendations"]:
        assert heading in flat


def test_the_full_pdf_holds_the_excluded_text_marked(report, tmp_path):
    content = pdf_text(render_report_pdf(report, Rendition.FULL), tmp_path)
    assert "4d1e" in content and "8b2c" in content
    assert "Excluded from publication: The safety of any person" in content
