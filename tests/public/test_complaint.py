"""A complaint's page on the public register: stage, timeline, complainants, features, decision,
progress reports, the report, every recommendation with every addressee's response and whether it
came on time, and the facts the public record gives."""

from __future__ import annotations

import datetime
import re

import pytest

from public import selectors
from recommendations.models import Obligation
from recommendations.services import set_obligation_due
from tests.builders import org
from tests.public.pages import get, main, squash, tables, text
from tests.public.seed import investigating, published_case

pytestmark = pytest.mark.usefixtures("public_record")

HESTIA = "/super-complaints/SC-2019-002/"


@pytest.fixture
def today(monkeypatch):
    """Pin London's today, which decides whether an unanswered deadline has passed."""
    day = datetime.date(2026, 7, 15)
    monkeypatch.setattr(selectors, "london_today", lambda: day)
    return day


def section(html: str, heading: str) -> str:
    """The HTML after an <h2> with this text, up to the next <h2>."""
    match = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)(?=<h2|$)", html, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def summary(html: str) -> dict[str, str]:
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value"[^>]*>(.*?)</dd>',
        html,
        re.S,
    )
    return {text(key): text(value) for key, value in rows}


def test_hestias_complaint_shows_its_record(client):
    html = main(get(client, HESTIA))

    assert (
        text(re.search(r"<h1.*?</h1>", html, re.S).group(0)) == "Police response to victims of modern slavery"
    )
    first_summary = html[: html.index("</dl>")]
    assert summary(first_summary) == {
        "Reference": "SC-2019-002",
        "Stage": "Report published",
        "Complainant": "Hestia",
        "Received": "31 May 2019",
        "Forces concerned": "All forces in England and Wales",
    }
    assert '<a class="govuk-link" href="/organisations/hestia/">Hestia</a>' in html
    assert '<time datetime="2019-05-31">31 May 2019</time>' in html
    features = re.findall(r"<li>(.*?)</li>", section(html, "Features of policing complained of"), re.S)
    assert len(features) == 6
    assert text(features[0]).startswith("non-specialist police officers fail to recognise the signs")
    assert text(features[5]) == "the adequacy of training provided to frontline officers"


def timeline_rows(html: str) -> list[str]:
    """The rows of the timeline table (the one partial of complaints.timeline), as words."""
    body = section(html, "Timeline").split("<tbody", 1)[1]
    return [text(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_timeline_is_dated_and_never_invents_a_day(client):
    hestia = main(get(client, HESTIA))
    assert timeline_rows(hestia) == [
        "Friday 31 May 2019 Received by the Chief Inspector",
        "Date not known Eligibility decided: Eligible",
        "Wednesday 26 May 2021 Report published",
    ]
    assert '<time datetime="2019-05-31">Friday 31 May 2019</time>' in section(hestia, "Timeline")

    # Received and published known only to the month (SC-2020-001 received March 2020).
    month_only = main(get(client, "/super-complaints/SC-2020-001/"))
    assert '<time datetime="2020-03">March 2020</time>' in month_only
    assert "1 March 2020" not in month_only
    duty = main(get(client, "/super-complaints/SC-2019-001/"))
    assert '<time datetime="2021-08">August 2021</time>' in duty


def test_eligibility_decision_shows_outcome_date_and_who_decided(client):
    stalking = main(get(client, "/super-complaints/SC-2022-001/"))

    assert summary(section(stalking, "Eligibility decision")) == {
        "Decision": "Eligible",
        "Decided": "26 January 2023",
        "Decided by": "HMICFRS, the IOPC and the College of Policing (the decision-making authorities)",
    }
    eligibility = text(section(stalking, "Eligibility decision"))
    # Who decided, and that only the decision is published: nothing suggests the authorities'
    # own positions are.
    assert "shown as the public record gives it" in eligibility
    assert "Each authority's view is not published, only the decision." in eligibility
    investigation = section(stalking, "Investigation")
    assert summary(investigation) == {"Progress reports sent": "Not recorded"}
    assert "0 progress reports" not in text(investigation)
    assert summary(stalking[: stalking.index("</dl>")])["On behalf of"] == "National Stalking Consortium"


def test_hestias_report_with_findings_actions_and_links(client):
    html = main(get(client, HESTIA))
    report = section(html, "The report")

    assert summary(report) == {
        "Title": "The hidden victims: report on Hestia's super-complaint on the police response to victims of modern slavery",
        "Published": "26 May 2021",
    }
    assert "Title not yet verified" not in report
    assert "The police response to modern slavery has improved since 2017" in text(report)
    assert [text(a) for a in re.findall(r"<li><strong>.*?</li>", report, re.S)] == [
        "Action 1, College of Policing: Review and update its Authorised Professional Practice on modern slavery "
        "(Major investigation and public protection) as soon as possible, and amend relevant content in other "
        "guidance as part of its regular updating processes.",
        "Action 2, His Majesty's Inspectorate of Constabulary and Fire & Rescue Services: Consider how inspection "
        "activity can be used to further promote improvements in the investigation of modern slavery cases.",
    ]
    assert 'href="/super-complaints/SC-2019-002/report/"' in report
    # A report published before the service: its official publication, never a PDF made here.
    assert "report.pdf" not in report
    assert (
        '<a class="govuk-link" href="https://www.justiceinspectorates.gov.uk/hmicfrs/publications/'
        'report-on-hestias-super-complaint-on-the-police-response-to-victims-of-modern-slavery">'
        "Read the full report on the HMICFRS website</a>"
    ) in report
    assert 'href="/super-complaints/SC-2019-002/recommendations/"' in report


def test_a_report_on_gov_uk_is_linked_as_such(client):
    report = section(main(get(client, "/super-complaints/SC-2019-001/")), "The report")

    assert (
        '<a class="govuk-link" href="https://www.gov.uk/government/publications/'
        'police-use-of-protective-measures-in-cases-of-violence-against-women-and-girls">'
        "Read the full report on GOV.UK</a>"
    ) in report
    assert "report.pdf" not in report
    assert "The recommendations of this report are not yet entered here" in text(report)


def test_a_count_of_recommendations_not_entered_says_so(client):
    report = text(section(main(get(client, "/super-complaints/SC-2022-001/")), "The report"))

    assert (
        "This report makes 29 recommendations. 0 of them are entered here; the rest are not yet entered."
        in (report)
    )


def test_every_addressee_of_hestias_recommendations_is_listed_with_where_it_stands(client):
    html = main(get(client, HESTIA))
    responses = tables(section(html, "Recommendations and responses"))

    assert [t.caption for t in responses] == [
        "Responses to Recommendation 1",
        "Responses to Chief constable recommendations (paraphrase)",
    ]
    assert responses[0].texts() == [
        ["Addressee", "Deadline", "Response"],
        ["Home Office", "No deadline set", "No response yet"],
    ]
    forces = responses[1].texts()[1:]
    assert len(forces) == 43
    assert forces[0] == ["Avon and Somerset Constabulary", "No deadline set", "No response yet"]
    assert all(row[1:] == ["No deadline set", "No response yet"] for row in forces)
    # 43 rows sit in a details component, so the page stays short.
    assert "0 of 43 addressees have responded: show each one" in text(html)
    assert squash(html).count("Text not yet verified") == 2


def test_facts_from_the_public_record_are_shown_as_such(client):
    hestia = main(get(client, HESTIA))
    notes = section(hestia, "From the public record")

    assert "have not yet been entered as structured records" in text(notes)
    assert summary(notes) == {
        "Recommendations addressed to": "chief constables local policing bodies Home Office",
        "Responses known from": "APCC NPCC Warwickshire Police and Crime Commissioner",
    }
    stalking = summary(section(main(get(client, "/super-complaints/SC-2022-001/")), "From the public record"))
    assert stalking["Response deadlines"] == (
        "chief constables: publish an action plan on the force website explaining what the force will do "
        "locally in response to each recommendation: by 22 November 2024 "
        "chief constables: items dated in the report: by 27 March 2025"
    )


def test_an_unverified_title_is_flagged(client):
    html = main(get(client, "/super-complaints/SC-2025-001/"))

    assert (
        '<h1 class="govuk-heading-xl">Lengthy police investigations of sexual offences</h1>\n'
        '    <p class="govuk-body"><strong class="govuk-tag">Being investigated</strong> '
        '<strong class="govuk-tag govuk-tag--yellow">Title not yet verified</strong></p>'
    ) in html
    assert "come from press reports or the complainants' own announcements" in text(html)
    head = summary(html[: html.index("</dl>")])
    assert head["Received"] == "December 2025 Not yet verified"
    assert head["Made together with"] == (
        "Rape Crisis England & Wales, Cambridge Rape Crisis Centre and Bindmans LLP Not yet verified"
    )
    assert head["Forces concerned"] == "Not recorded"
    assert "Official publication" not in head
    # A confirmed report title carries no flag any more (the police-perpetrated domestic abuse report).
    assert "Title not yet verified" not in main(get(client, "/super-complaints/SC-2020-001/"))


def test_a_complaint_links_its_official_publication(client):
    head = main(get(client, "/super-complaints/SC-2022-001/"))
    head = head[: head.index("</dl>")]

    assert summary(head)["Official publication"] == "Read about the super-complaint on the HMICFRS website"
    assert (
        'href="https://www.justiceinspectorates.gov.uk/hmicfrs/publications/'
        'super-complaint-on-the-police-response-to-stalking-eligible-for-investigation"'
    ) in head


def test_responses_say_whether_they_came_on_time(client, today):
    case = published_case()
    kent = Obligation.objects.get(recommendation=case.recommendations[1], organisation=org("Kent Police"))
    html = main(get(client, f"/super-complaints/{case.complaint.reference}/"))
    first, second = tables(section(html, "Recommendations and responses"))

    assert first.texts() == [
        ["Addressee", "Deadline", "Response"],
        ["Home Office", "1 June 2026", "Accepted, on time Submitted 1 June 2026 We accept it in full."],
        [
            "National Police Chiefs' Council",
            "1 June 2026",
            "Partially accepted, late Submitted 2 June 2026 Partly, for cost reasons.",
        ],
    ]
    # No date of its own: 56 calendar days after publication on 1 May 2026 (SPEC rule 10).
    assert second.texts()[1] == ["Kent Police", "26 June 2026", "No response yet, deadline passed"]

    set_obligation_due(kent, due=datetime.date(2026, 7, 15))
    html = main(get(client, f"/super-complaints/{case.complaint.reference}/"))
    assert tables(section(html, "Recommendations and responses"))[1].texts()[1] == [
        "Kent Police",
        "15 July 2026",
        "No response yet",
    ]
    set_obligation_due(kent, due=datetime.date(2026, 7, 14))
    html = main(get(client, f"/super-complaints/{case.complaint.reference}/"))
    assert tables(section(html, "Recommendations and responses"))[1].texts()[1] == [
        "Kent Police",
        "14 July 2026",
        "No response yet, deadline passed",
    ]


def test_a_complaint_made_through_the_service(client):
    case = published_case()
    html = main(get(client, f"/super-complaints/{case.complaint.reference}/"))

    head = summary(html[: html.index("</dl>")])
    assert head["Forces concerned"] == "Essex Police Kent Police"
    assert head["Complainant"] == "Missing People"
    assert summary(section(html, "Eligibility decision")) == {
        "Decision": "Eligible",
        "Decided": "2 February 2026",
        "Decided by": "HMICFRS, the IOPC and the College of Policing (the decision-making authorities)",
    }
    assert "Each authority's view is not published, only the decision." in text(
        section(html, "Eligibility decision")
    )
    assert "shown as the public record gives it" not in text(section(html, "Eligibility decision"))
    assert text(section(html, "Investigation")).startswith(
        "1 progress report has been sent to the complainant."
    )
    # A progress report's date stays private: the page says only how many were sent, above.
    assert timeline_rows(html) == [
        "Monday 5 January 2026 Received by the Chief Inspector",
        "Monday 2 February 2026 Eligibility decided: Eligible",
        "Friday 1 May 2026 Report published",
    ]
    assert "Steps taken, never public" not in html


def test_a_complaint_under_investigation_has_no_report_yet(client):
    complaint = investigating("Police response to hate crime", body="Galop")
    html = main(get(client, f"/super-complaints/{complaint.reference}/"))

    assert summary(html[: html.index("</dl>")])["Stage"] == "Being investigated"
    assert "The report" not in html
    assert text(section(html, "Investigation")).startswith(
        "0 progress reports have been sent to the complainant."
    )
    get(client, f"/super-complaints/{complaint.reference}/report/", status=404)
    get(client, f"/super-complaints/{complaint.reference}/report.pdf", status=404)
    get(client, f"/super-complaints/{complaint.reference}/recommendations/", status=404)


@pytest.mark.parametrize(
    "url", ["/super-complaints/SC-2099-001/", "/super-complaints/sc-2019-002/", "/super-complaints/2019-002/"]
)
def test_unknown_references_are_not_found(client, url):
    get(client, url, status=404)


def test_the_complaint_links_its_atom_feed(client):
    html = get(client, HESTIA)

    assert (
        '<link rel="alternate" type="application/atom+xml" href="/super-complaints/SC-2019-002/feed.atom" '
        'title="Changes to super-complaint SC-2019-002">'
    ) in html
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/super-complaints.atom"' in html


def test_a_decision_by_the_chief_inspector_says_so_and_no_authority_position_is_shown(client):
    from complaints import services as complaint_services
    from tests.builders import REG4_MET, authority, received

    complaint = complaint_services.acknowledge_complaint(received("Decided under regulation 11(1)"))
    for short, position in (("HMICFRS", "eligible"), ("IOPC", "not_eligible"), ("College", "eligible")):
        complaint_services.record_position(
            complaint, authority=authority(short), position=position, reasons=f"{short} reasons, never public"
        )
    complaint_services.decide_eligibility(
        complaint,
        outcome="eligible",
        reasons="The Chief Inspector's reasons",
        checklist=REG4_MET,
        repeat_finding="not_a_repeat",
        by_chief_inspector=True,
    )
    html = main(get(client, f"/super-complaints/{complaint.reference}/"))
    eligibility = section(html, "Eligibility decision")

    assert summary(eligibility)["Decided by"] == "The Chief Inspector of Constabulary, under regulation 11(1)"
    assert "Each authority's view is not published, only the decision." in text(eligibility)
    assert "never public" not in html


def test_the_page_shows_the_next_progress_report_expected_and_how_it_was_worked_out(client, today):
    from deadlines.calendar import long_date
    from deadlines.rules import progress_report_periods

    complaint = investigating("Next report")  # the body was told on Monday 2 February 2026
    first = progress_report_periods(datetime.date(2026, 2, 2), 1)[0]
    html = get(client, f"/super-complaints/{complaint.reference}/")
    page = text(html)
    assert f"Progress report 1 due by the end of {long_date(first.due)} (SI 2018/748 regulation 7)." in page
    assert "How this date was worked out" in page
    assert "Told the complaint will be investigated: Monday 2 February 2026" in page
