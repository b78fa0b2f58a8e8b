"""Nothing unpublished reaches a public page, feed, PDF or search result, in English or Welsh.

``seed_unpublished`` writes one of each thing the public must never see, each with a marker; every
public address is fetched and searched for the markers, and for the internal text the builders
write (contacts, evidence, harms, authority positions, decision reasons).
"""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader

from complaints.models import SuperComplaint
from organisations.models import Organisation, OrganisationKind
from public import selectors
from redaction.models import Redaction
from tests.conftest import once_per_module, refetched
from tests.public.pages import get, main, text
from tests.public.seed import MARK, Seeded, seed_unpublished

# Internal text the builders write on complaints that are on the register.
INTERNAL = [
    "Pat Example",  # make_draft's contact individual (reg 4(3))
    "pat@example.org",
    "Research report, March 2019",  # evidence relied on
    "Victims are deterred from engaging with investigations.",  # harm explanation
    "Harm 1",
    "Meets regulation 4",  # each authority's position
    "It meets regulation 4 and repeats no other complaint.",  # the decision's reasons
    "Resolved with",
]
LANGUAGES = ["", "/cy"]


_seeded = once_per_module(seed_unpublished)


@pytest.fixture
def seeded(_seeded, db) -> Seeded:
    return refetched(_seeded)


def public_addresses() -> list[str]:
    """Every public page, feed and PDF of the register as it now stands."""
    paths = [
        "/",
        "/super-complaints/",
        "/designated-bodies/",
        "/feeds/super-complaints.atom",
        *(
            f"/super-complaints/?stage={stage}"
            for stage in ["eligible", "investigating", "report_published", "not_eligible", "withdrawn"]
        ),
        # Words from the markers' text (the markers themselves: test_search_finds_nothing_unpublished).
        *(
            f"/search/?q={q}"
            for q in [
                "embargoed",
                "steps",
                "reasons",
                "notes",
                "position",
                "passage",
                "draft",
                "Pat",
                "evidence",
            ]
        ),
    ]
    with_report = set(selectors.published_reports().values_list("complaint_id", flat=True))
    for complaint in SuperComplaint.objects.published():
        base = f"/super-complaints/{complaint.reference}/"
        paths += [base, base + "feed.atom"]
        if complaint.pk in with_report:
            paths += [base + "report/", base + "recommendations/"]
            if not complaint.is_historical:  # only a report written here is offered as a PDF
                paths.append(base + "report.pdf")
    # Published extracts of responses (redaction for publication), as PDFs.
    for extract in Redaction.objects.published().select_related("complaint"):
        paths.append(f"/super-complaints/{extract.complaint.reference}/extracts/{extract.pk}.pdf")
    for organisation in Organisation.objects.exclude(kind=OrganisationKind.FORCE).exclude(
        kind=OrganisationKind.LOCAL_POLICING_BODY
    ):
        paths.append(f"/organisations/{organisation.slug}/")
    paths += ["/organisations/kent-police/", "/organisations/kent-police-and-crime-commissioner/"]
    return [language + path for language in LANGUAGES for path in paths]


def readable(response) -> str:
    if response["Content-Type"] == "application/pdf":
        data = b"".join(response.streaming_content) if response.streaming else response.content
        reader = PdfReader(io.BytesIO(data))
        return " ".join(page.extract_text() or "" for page in reader.pages) + str(reader.metadata)
    return response.content.decode()


def assert_none_shown(client, addresses: list[str], forbidden: list[str]) -> None:
    """Every address answers 200, and none shows any of the ``forbidden`` words."""
    leaks, statuses = [], {}
    for address in addresses:
        response = client.get(address)
        statuses[address] = response.status_code
        body = readable(response) if response.status_code == 200 else ""
        leaks += [(address, word) for word in forbidden if word in body]
    assert leaks == []
    assert {address: status for address, status in statuses.items() if status != 200} == {}


def test_nothing_unpublished_appears_anywhere_public(client, seeded):
    forbidden = [MARK, *INTERNAL, seeded.received.reference, seeded.assessing.reference]
    addresses = public_addresses()
    assert_none_shown(client, addresses, forbidden)
    assert len(addresses) > 100
    # The embargoed report's complaint is on the register; its report is not, so no PDF was fetched.
    assert f"/super-complaints/{seeded.embargoed.reference}/report.pdf" not in addresses
    # The report written here was fetched as a PDF, in both languages, and its exclusion was not in it.
    pdfs = [address for address in addresses if address.endswith("report.pdf")]
    assert len(pdfs) == 2
    # The one published extract was fetched, in both languages; the withdrawn and draft ones not.
    assert len([address for address in addresses if "/extracts/" in address]) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_unpublished_complaints_have_no_page(client, seeded, language):
    for complaint in (seeded.received, seeded.assessing):
        base = f"{language}/super-complaints/{complaint.reference}/"
        for suffix in ["", "report/", "report.pdf", "recommendations/", "feed.atom"]:
            get(client, base + suffix, status=404)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_embargoed_report_stays_off_the_register_until_its_moment(client, seeded, language):
    base = f"{language}/super-complaints/{seeded.embargoed.reference}/"
    html = main(get(client, base))

    assert "Complaint with an embargoed report" in html
    assert 'href="' + base + 'report/"' not in html
    for suffix in ["report/", "report.pdf", "recommendations/"]:
        get(client, base + suffix, status=404)
    register = main(get(client, f"{language}/super-complaints/?stage=report_published"))
    assert seeded.embargoed.reference not in register
    investigating = main(get(client, f"{language}/super-complaints/?stage=investigating"))
    assert seeded.embargoed.reference in investigating


def test_an_embargoed_report_appears_once_its_moment_passes(client, seeded, monkeypatch):
    """The markers are absent above because of the embargo, not because the pages never show them."""
    from django.utils import timezone

    later = timezone.now() + datetime.timedelta(days=366)
    monkeypatch.setattr(timezone, "now", lambda: later)
    base = f"/super-complaints/{seeded.embargoed.reference}/"

    report = text(main(get(client, base + "report/")))
    assert f"{MARK}-embargoed-report" in report
    assert f"{MARK}-embargoed-findings" in report
    assert f"{MARK}-embargoed-recommendation" in report
    assert f"{MARK}-embargoed-opinion" in report
    assert "Report published" in text(main(get(client, base)))


def test_withdrawn_and_not_eligible_complaints_show_their_stage_only(client, seeded):
    withdrawn = main(get(client, f"/super-complaints/{seeded.withdrawn.reference}/"))
    assert "Withdrawn by the complainant" in text(withdrawn)
    assert f"{MARK}-withdrawal-reason" not in withdrawn

    refused = main(get(client, f"/super-complaints/{seeded.not_eligible.reference}/"))
    assert "Eligibility decided: Not eligible" in text(refused)
    assert "Investigation" not in refused
    assert f"{MARK}-not-eligible-reasons" not in refused


def test_only_the_number_of_sent_progress_reports_is_shown(client, seeded):
    html = main(get(client, f"/super-complaints/{seeded.investigating.reference}/"))

    assert "1 progress report has been sent to the complainant." in text(html)
    assert f"{MARK}-sent-steps-taken" not in html
    assert f"{MARK}-unsent-steps-taken" not in html


@pytest.mark.parametrize(
    "query", [MARK, f"{MARK}-embargoed-findings", "embargoed-recommendation", f"{MARK}-excluded-passage"]
)
def test_search_finds_nothing_unpublished(client, seeded, query):
    html = main(get(client, f"/search/?q={query}"))

    assert f"0 results for “{query}”" in text(html)
    assert 'aria-labelledby="results-heading"' not in html
