"""Atom feeds of the register's changes, and the home page's latest activity, which read the same
published events."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from public import views
from tests.public.pages import get, main, squash
from tests.public.seed import published_case

pytestmark = pytest.mark.usefixtures("public_record")

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own feed)


def entries(root: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_the_register_feed_lists_published_events_newest_first(client):
    root = feed(client, "/feeds/super-complaints.atom")
    items = entries(root)

    assert root.get(XML_LANG) == "en-gb"
    assert root.findtext(f"{ATOM}title") == "Police super-complaints: the register"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://super-complaints.test/super-complaints/",
        "self": "https://super-complaints.test/feeds/super-complaints.atom",
    }
    assert root.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Police super-complaints"
    assert [item["title"] for item in items[:4]] == [
        # Known from press reports only: the feed flags its title.
        "Super-complaint received: Lengthy police investigations of sexual offences (title not yet verified)",
        "Report published: Report on the Suzy Lamplugh Trust's super-complaint: The police response to stalking",
        "Report published: Report on the Criminal Justice Alliance's super-complaint – Section 60 of the "
        "Criminal Justice and Public Order Act 1994 and independent community scrutiny of stop and search",
        "Eligible for investigation: Police response to stalking",
    ]
    assert items[1] == {
        "title": "Report published: Report on the Suzy Lamplugh Trust's super-complaint: The police response to stalking",
        "link": "https://super-complaints.test/super-complaints/SC-2022-001/report/",
        "id": "https://super-complaints.test/super-complaints/SC-2022-001/#report-"
        + items[1]["id"].rsplit("-", 1)[1],
        "updated": "2024-09-27T00:00:00+01:00",
        "summary": "27 September 2024. The report on super-complaint SC-2022-001.",
    }
    assert items[0]["summary"] == "December 2025. Made by Centre for Women's Justice."
    assert len(items) == 15  # eight complaints and seven reports
    assert len({item["id"] for item in items}) == 15


def test_month_only_dates_stay_months_in_the_feed(client):
    items = entries(feed(client, "/feeds/super-complaints.atom"))
    section_60 = next(
        item
        for item in items
        if item["title"] == "Super-complaint received: Section 60 stop and search and community scrutiny"
    )

    assert section_60["summary"] == "May 2021. Made by Criminal Justice Alliance."
    # No day is known, so the entry is dated when it joined this register, not on an invented day.
    assert not section_60["updated"].startswith("2021-05")


def test_a_complaint_feed_has_that_complaints_changes(client):
    case = published_case()
    reference = case.complaint.reference
    root = feed(client, f"/super-complaints/{reference}/feed.atom")

    assert (
        root.findtext(f"{ATOM}title")
        == f"Police super-complaints: {reference} Police response to missing children"
    )
    assert [(item["title"], item["updated"]) for item in entries(root)] == [
        (
            f"Response published: National Police Chiefs' Council on {reference}-R1",
            "2026-06-02T00:30:00+01:00",
        ),
        (f"Response published: Home Office on {reference}-R1", "2026-06-01T23:30:00+01:00"),
        ("Report published: Still missing", "2026-05-01T09:00:00+01:00"),
        ("Eligible for investigation: Police response to missing children", "2026-02-02T10:00:00+00:00"),
    ]
    assert entries(root)[0]["summary"] == f"2 June 2026. Partially accepted. Recommendation {reference}-R1."
    assert (
        entries(root)[0]["link"]
        == f"https://super-complaints.test/super-complaints/{reference}/#{reference}-R1"
    )


def test_the_welsh_feed_is_in_welsh(client):
    case = published_case()
    root = feed(client, f"/cy/super-complaints/{case.complaint.reference}/feed.atom")

    assert root.get(XML_LANG) == "cy"
    titles = [item["title"] for item in entries(root)]
    assert titles[2] == "Adroddiad wedi’i gyhoeddi: Yn dal ar goll"
    assert (
        entries(root)[2]["link"]
        == f"https://super-complaints.test/cy/super-complaints/{case.complaint.reference}/report/"
    )


def test_feeds_of_unknown_complaints_are_not_found(client):
    get(client, "/super-complaints/SC-2099-001/feed.atom", status=404)


def test_pages_link_the_register_feed(client):
    for url in ["/", "/super-complaints/", "/designated-bodies/", "/search/"]:
        html = get(client, url)
        assert (
            '<link rel="alternate" type="application/atom+xml" href="/feeds/super-complaints.atom" '
            'title="Police super-complaints: the register">'
        ) in html
    assert 'href="/cy/feeds/super-complaints.atom"' in get(client, "/cy/super-complaints/")


def test_home_page_shows_the_latest_published_activity(client):
    html = squash(main(get(client, "/")))

    items = re.findall(
        r'<li> <a class="govuk-link" href="([^"]+)">(.*?)</a>'
        r'( <strong class="govuk-tag govuk-tag--yellow">Title not yet verified</strong>)? '
        r'<br><span class="govuk-body-s">(.*?)</span>',
        html,
    )
    assert len(items) == views.LATEST_ACTIVITY
    assert items[0] == (
        "/super-complaints/SC-2025-001/",
        "Super-complaint received: Lengthy police investigations of sexual offences",
        ' <strong class="govuk-tag govuk-tag--yellow">Title not yet verified</strong>',
        "December 2025",
    )
    assert items[1] == (
        "/super-complaints/SC-2022-001/report/",
        "Report published: Report on the Suzy Lamplugh Trust&#x27;s super-complaint: The police response to stalking",
        "",
        '<time datetime="2024-09-27">27 September 2024</time>',
    )
    assert items[5] == (
        "/super-complaints/SC-2020-001/report/",
        "Report published: Police perpetrated domestic abuse: report on the Centre for Women&#x27;s Justice "
        "super-complaint",
        "",
        '<time datetime="2022-06-30">30 June 2022</time>',
    )


def test_home_page_activity_in_welsh_marks_english_titles(client):
    html = squash(main(get(client, "/cy/")))

    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2022-001/report/">Adroddiad wedi’i gyhoeddi: '
        '<span lang="en">Report on the Suzy Lamplugh Trust&#x27;s super-complaint: The police response to '
        "stalking</span></a>"
    ) in html
    assert "Rhagfyr 2025" in html
