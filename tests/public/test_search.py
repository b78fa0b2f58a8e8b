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

    assert titles[:3] == [
        "Police response to victims of modern slavery",
        "Police response to victims of sexual abuse from ethnic minority backgrounds at risk of honour-based abuse",
        "The hidden victims: report on Hestia's super-complaint on the police response to victims of modern slavery",
    ]
    assert titles[3] == "Police data-sharing for immigration purposes"  # "victims'" in its subject


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
    english_only = main(get(client, "/cy/search/?q=stalking"))
    assert (
        '<a class="govuk-link" href="/cy/super-complaints/SC-2022-001/" lang="en">Police response to stalking</a>'
        in english_only
    )


def test_search_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(5):
        get(client, "/search/?q=police+response")
    published_case("Police response to missing adults")
    for n in range(3):
        decided(f"Police response number {n}")
    with django_assert_num_queries(5):
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
