"""Search across everything published, ranked, with counts and snippets, in English and Welsh."""

from __future__ import annotations

import re

import pytest

from public.search import highlight, terms_of
from tests.public.pages import get, main, text
from tests.public.seed import decided, published_case

pytestmark = pytest.mark.usefixtures("public_record")


def results(html: str) -> list[tuple[str, str]]:
    """(kind and context, title) of each result, in order."""
    items = re.findall(
        r'<span class="govuk-caption-s">(.*?)</span>\s*<h3[^>]*><a class="govuk-link" href="[^"]*"[^>]*>(.*?)</a>',
        html,
        re.S,
    )
    return [(text(kind), text(title)) for kind, title in items]


def test_results_are_ranked_with_a_count_and_snippets(client):
    html = main(get(client, "/search/?q=modern+slavery"))

    assert "4 results for “modern slavery”" in text(html)
    assert results(html) == [
        ("Super-complaint, SC-2019-002", "Police response to victims of modern slavery"),
        (
            "Report, SC-2019-002",
            "The hidden victims: report on Hestia's super-complaint on the police response to victims of modern slavery",
        ),
        ("Recommendation, SC-2019-002", "SC-2019-002-R1: Recommendation 1"),
        ("Recommendation, SC-2019-002", "SC-2019-002-R2: Chief constable recommendations (paraphrase)"),
    ]
    assert "The police response to <mark>modern</mark> <mark>slavery</mark> has improved since 2017" in html
    assert 'href="/super-complaints/SC-2019-002/#SC-2019-002-R1"' in html
    assert '<input class="govuk-input" id="search-q" name="q" type="search" value="modern slavery"' in html


def test_a_title_match_ranks_above_a_passing_mention(client):
    titles = [title for _kind, title in results(main(get(client, "/search/?q=victims")))]

    assert titles[:4] == [
        "Police response to victims of modern slavery",
        "Police response to victims of sexual abuse from ethnic minority backgrounds at risk of honour-based abuse",
        "How the police respond to victims of sexual abuse when the victim is from an ethnic minority "
        "background and may be at risk of honour-based abuse: Report on Tees Valley Inclusion Project's "
        "super-complaint",
        "The hidden victims: report on Hestia's super-complaint on the police response to victims of modern slavery",
    ]
    assert titles[4] == "Police data-sharing for immigration purposes"  # "victims'" in its subject


def test_organisations_are_found_by_any_of_their_names(client):
    assert results(main(get(client, "/search/?q=Hourglass"))) == [
        ("Designated body", "Action on Elder Abuse")
    ]
    assert results(main(get(client, "/search/?q=npcc"))) == [
        ("National body", "National Police Chiefs' Council")
    ]


def test_features_of_policing_are_searched(client):
    html = main(get(client, "/search/?q=exploiters"))

    assert results(html) == [("Super-complaint, SC-2019-002", "Police response to victims of modern slavery")]
    assert "<mark>exploiters</mark>" in html


def test_no_results_and_empty_states(client):
    none = main(get(client, "/search/?q=xylophone"))
    assert "0 results for “xylophone”" in text(none)
    assert "There are no results. Check the spelling, or use fewer or different words." in none
    assert 'href="/super-complaints/"' in none

    empty = main(get(client, "/search/"))
    assert "Enter one or more words to search everything published on the register." in empty
    assert "results for" not in empty
    assert "<title>Search the register – Police super-complaints</title>" in get(client, "/search/?q=")


def test_the_query_is_escaped(client):
    html = get(client, "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E")

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_welsh_search_finds_and_shows_welsh_text(client):
    case = published_case()
    html = main(get(client, "/cy/search/?q=goll"))

    assert results(html) == [(f"Adroddiad, {case.complaint.reference}", "Yn dal ar goll")]
    english_only = main(get(client, "/cy/search/?q=scrutiny"))
    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2021-001/" lang="en">'
        "Section 60 stop and search and community scrutiny</a>"
    ) in english_only
    welsh_title = main(get(client, "/cy/search/?q=stelcio"))
    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2022-001/">Ymateb yr heddlu i stelcio</a>'
        in (welsh_title)
    )


def test_search_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    # One query per kind of content, one each for the complaints' features and complainants, and
    # one for the reports' published conclusions (passages).
    with django_assert_num_queries(7):
        get(client, "/search/?q=police+response")
    published_case("Police response to missing adults")
    for n in range(3):
        decided(f"Police response number {n}")
    with django_assert_num_queries(7):
        html = get(client, "/search/?q=police+response")
    assert len(results(main(html))) == 20  # the first page


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Modern  SLAVERY", ["modern", "slavery"]),
        ("the police and the victims", ["police", "victims"]),
        ("the", ["the"]),
        ("victims’ data", ["victims", "data"]),
        ("a", []),
    ],
)
def test_terms_of_a_query(query, terms):
    assert terms_of(query) == terms


def test_snippets_are_escaped_and_cut_at_words():
    snippet = highlight("x" * 10 + " <b>alpha</b> " + "word " * 40 + "end", ["alpha"])

    assert snippet.startswith("xxxxxxxxxx &lt;b&gt;<mark>alpha</mark>&lt;/b&gt; word")
    assert snippet.endswith("word…")


def test_a_reference_finds_its_complaint(client):
    found = results(main(get(client, "/search/?q=SC-2019-002")))

    assert found[0] == ("Super-complaint, SC-2019-002", "Police response to victims of modern slavery")
    assert results(main(get(client, "/search/?q=sc-2022-001")))[0][0] == "Super-complaint, SC-2022-001"


def test_a_bodys_name_finds_the_complaints_it_made(client):
    found = results(main(get(client, "/search/?q=Southall+Black+Sisters")))

    assert ("Super-complaint, SC-2018-001", "Police data-sharing for immigration purposes") in found
    # Also by a name it is known by.
    halo = results(main(get(client, "/search/?q=Halo+Project")))
    assert [kind for kind, _title in halo if kind.startswith("Super-complaint")] == [
        "Super-complaint, SC-2020-002"
    ]


def test_words_match_whole_words(client):
    training = results(main(get(client, "/search/?q=training")))
    references = {kind.split(", ")[-1] for kind, _title in training}

    assert "SC-2019-002" in references  # "the adequacy of training provided to frontline officers"
    # Its subject speaks of "restraining orders": not a match for "training".
    assert "SC-2019-001" not in references
    restraining = results(main(get(client, "/search/?q=restraining")))
    assert (
        "Super-complaint, SC-2019-001",
        "Police use of protective measures in cases involving violence against women and girls",
    ) in restraining
    assert "<mark>training</mark>" in main(get(client, "/search/?q=training"))
    assert "re<mark>" not in main(get(client, "/search/?q=training"))


def test_welsh_pages_search_the_welsh_text_where_it_exists(client):
    case = published_case()  # Recommendation 2 has Welsh text: "Hyfforddi trinwyr galwadau."
    reference = f"{case.complaint.reference}-R2"

    def found(url):
        return [title for _kind, title in results(main(get(client, url)))]

    assert any(title.startswith(reference) for title in found("/cy/search/?q=hyfforddi"))
    assert not any(title.startswith(reference) for title in found("/search/?q=hyfforddi"))
    # On the Welsh page its English text is not what is shown, so it is not what is searched.
    assert not any(title.startswith(reference) for title in found("/cy/search/?q=handlers"))
    assert any(title.startswith(reference) for title in found("/search/?q=handlers"))
    # Where there is no Welsh text, the English one is searched on the Welsh page too.
    assert any(title.startswith(f"{case.complaint.reference}-R1") for title in found("/cy/search/?q=episode"))


@pytest.mark.parametrize("example", ["modern slavery", "stalking", "Hestia"])
def test_the_pages_own_example_searches_return_results(client, example):
    html = main(get(client, "/search/"))
    assert example in text(html)  # the hint offers it

    assert results(main(get(client, f"/search/?q={example}"))) != []


def test_page_titles_are_escaped_once(client):
    html = get(client, "/search/?q=women%27s+aid")

    assert "<title>Search results for “women&#x27;s aid” – Police super-complaints</title>" in html
    body = get(client, "/organisations/welsh-womens-aid/")
    assert "<title>Welsh Women&#x27;s Aid – Police super-complaints</title>" in body


@pytest.mark.parametrize("example", ["caethwasiaeth fodern", "stelcio", "Hestia"])
def test_the_welsh_pages_own_example_searches_return_results(client, example):
    assert example in text(main(get(client, "/cy/search/")))  # the Welsh hint offers it

    assert results(main(get(client, f"/cy/search/?q={example}"))) != []
