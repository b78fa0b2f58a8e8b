"""Full-text search of the evidence on this database's engine (FTS5 or PostgreSQL): what each
person may find is exactly what they may download."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from complaints.models import EvidenceItem
from evidence import search
from evidence.models import Document, ScanStatus
from evidence.search import SearchError, search_documents
from evidence.services import delete_document, extract_document_text, store_document
from inquiries.services import send_information_request, submit_force_answer
from tests.accounts.support import PASSWORD, make_device
from tests.builders import eligible, london, org
from tests.casework.support import make_person, signed_in
from tests.evidence import documents
from tests.evidence.files import upload
from tests.helpers import assert_valid_html
from tests.inquiries.scenario import DUE, force_user, send_to_five

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """The forces and authorities come from the shipped public record."""


def stored(name: str, content: bytes) -> Document:
    document = store_document(upload(name, content))
    extract_document_text(document.pk)
    document.refresh_from_db()
    return document


def returned(request, force_name: str, document: Document) -> None:
    force_request = request.force_requests.get(force__name=force_name)
    submit_force_answer(
        force_request, answers={q.pk: "See file" for q in request.questions.all()}, documents=[document]
    )


@pytest.fixture
def evidence():
    """One complaint's evidence, Kent's and Suffolk's returns, and a spreadsheet sent to Kent."""
    request = send_to_five()
    complaint = request.complaint
    # A page would be refused as a TXT file; inside a Word document, "<script>" is only words.
    account = stored(
        "account.docx", documents.docx("Account: trafficked through Dover <script>alert(1)</script> at night")
    )
    EvidenceItem.objects.create(complaint=complaint, description="A survivor's account", document=account)
    kent = stored("kent.csv", b"force,note\nKent Police,412 referrals of trafficked children\n")
    suffolk = stored("suffolk.docx", documents.docx("Suffolk: 9 referrals of trafficked adults."))
    returned(request, "Kent Police", kent)
    returned(request, "Suffolk Constabulary", suffolk)
    template = stored("template.ods", documents.ods([["Month", "Trafficked victims referred"]]))
    second = send_information_request(
        complaint,
        title="Monthly figures",
        questions=["Fill in the spreadsheet"],
        due=DUE,
        forces=[org("Kent Police")],
        template=template,
        at=london(2026, 2, 11, 9),
    )
    return {
        "complaint": complaint,
        "request": request,
        "second": second,
        "account": account,
        "kent": kent,
        "suffolk": suffolk,
        "template": template,
    }


def found(user, query: str, **filters) -> list[tuple[str, str]]:
    return sorted(
        (hit.document.original_name, hit.source) for hit in search_documents(user, query, **filters).hits
    )


def test_staff_find_every_kind_of_document_with_all_the_words(evidence):
    team, _device = make_person("team")
    assert found(team, "trafficked") == [
        ("account.docx", "evidence"),
        ("kent.csv", "return"),
        ("suffolk.docx", "return"),
        ("template.ods", "template"),
    ]
    # Every word must match; stemming finds "referrals" from "referral".
    assert found(team, "referral trafficked") == [("kent.csv", "return"), ("suffolk.docx", "return")]
    assert found(team, "children trafficked") == [("kent.csv", "return")]
    assert found(team, "nothing-like-this") == []
    results = search_documents(team, "trafficked", source="return")
    assert results.total == 2
    kent = next(hit for hit in results.hits if hit.document == evidence["kent"])
    assert (kent.force_name, kent.force_request_id, kent.information_request_id, kent.complaint) == (
        "Kent Police",
        evidence["request"].force_requests.get(force__name="Kent Police").pk,
        evidence["request"].pk,
        evidence["complaint"],
    )


def test_filters_by_source_complaint_and_date(evidence):
    team, _device = make_person("team")
    assert found(team, "trafficked", source="evidence") == [("account.docx", "evidence")]
    assert found(team, "trafficked", source="template") == [("template.ods", "template")]
    other = eligible("Another complaint", told=london(2026, 2, 2, 10))
    elsewhere = stored("elsewhere.txt", b"also trafficked")
    EvidenceItem.objects.create(complaint=other, description="Other", document=elsewhere)
    assert ("elsewhere.txt", "evidence") in found(team, "trafficked")
    assert found(team, "trafficked", complaint=other) == [("elsewhere.txt", "evidence")]
    assert len(found(team, "trafficked", complaint=evidence["complaint"])) == 4

    Document.objects.filter(pk=evidence["account"].pk).update(uploaded_at=london(2026, 3, 1, 0, 30))
    Document.objects.filter(pk=evidence["kent"].pk).update(uploaded_at=london(2026, 2, 28, 23, 30))
    march = {"date_from": datetime.date(2026, 3, 1), "date_to": datetime.date(2026, 3, 1)}
    assert found(team, "trafficked", **march) == [("account.docx", "evidence")]
    assert found(team, "trafficked", date_to=datetime.date(2026, 2, 28)) == [("kent.csv", "return")]


def test_a_force_finds_only_its_own_return_and_cannot_download_another_forces(evidence):
    kent_user = force_user("Kent Police", "kent@example.police.uk")
    suffolk_user = force_user("Suffolk Constabulary", "suffolk@example.police.uk")
    assert found(kent_user, "trafficked") == [("kent.csv", "return"), ("template.ods", "template")]
    assert found(suffolk_user, "trafficked") == [("suffolk.docx", "return")]
    assert found(kent_user, "Suffolk adults") == []
    assert found(kent_user, "Dover") == []  # a complaint's evidence is not a force's to see

    kent = signed_in(kent_user, make_device(kent_user))
    mine = evidence["request"].force_requests.get(force__name="Kent Police")
    theirs = evidence["request"].force_requests.get(force__name="Suffolk Constabulary")
    suffolk_file = evidence["suffolk"].pk
    for force_request in (mine, theirs):
        url = reverse("portal:information_request_document", args=[force_request.pk, suffolk_file])
        assert kent.get(url).status_code == 404
    own = kent.get(reverse("portal:information_request_document", args=[mine.pk, evidence["kent"].pk]))
    assert own.status_code == 200


def test_a_body_finds_its_own_complaints_evidence_and_nothing_of_the_forces(evidence):
    hestia, _device = make_person("hestia")
    assert found(hestia, "trafficked") == [("account.docx", "evidence")]
    liberty, _device = make_person("liberty")
    assert found(liberty, "trafficked") == []
    nobody = User.objects.create_user("nobody@example.org", password=PASSWORD)
    assert search_documents(nobody, "trafficked").total == 0


def test_documents_not_released_or_deleted_are_not_found(evidence):
    team, _device = make_person("team")
    Document.objects.filter(pk=evidence["kent"].pk).update(scan_status=ScanStatus.INFECTED, file="")
    assert ("kent.csv", "return") not in found(team, "trafficked")
    loose = stored("loose.txt", b"trafficked but attached to nothing")
    assert ("loose.txt", "evidence") not in found(team, "trafficked")
    delete_document(loose)
    assert search_documents(team, "attached").total == 0


def test_the_snippet_marks_only_the_match_and_escapes_everything_else(evidence):
    team, _device = make_person("team")
    [hit] = search_documents(team, "Dover").hits
    assert (
        str(hit.snippet)
        == "Account: trafficked through <mark>Dover</mark> &lt;script&gt;alert(1)&lt;/script&gt; at night"
    )
    assert search.highlighted("a \ue000<b>\ue001 \ue000cut") == "a <mark>&lt;b&gt;</mark> <mark>cut</mark>"


def long_evidence(complaint, name: str, *parts: str) -> Document:
    """Evidence of the complaint whose text is ``parts`` with 3,000 words of filler between each
    two (and none before the first or after the last): a document of 6 to 10 pages."""
    filler = " ".join(_word(n) for n in range(3_000))
    document = stored(f"{name}.txt", f" {filler} ".join(parts).encode())
    EvidenceItem.objects.create(complaint=complaint, description=name, document=document)
    return document


def snippet_of(user, query: str, document: Document) -> str:
    [hit] = [hit for hit in search_documents(user, query).hits if hit.document == document]
    return str(hit.snippet)


def test_a_match_far_into_a_long_document_is_shown_highlighted_and_escaped(evidence):
    document = long_evidence(
        evidence["complaint"],
        "far",
        "Opening words.",
        "Seen near the lantern <b>quay</b> of Harwich that night",
    )
    team, _device = make_person("team")
    snippet = snippet_of(team, "Harwich", document)
    assert "lantern &lt;b&gt;quay&lt;/b&gt; of <mark>Harwich</mark> that night" in snippet
    assert "<b>" not in snippet
    assert len(snippet) < 500  # a passage round the match, not the text


def test_a_match_in_the_last_words_of_a_long_document_is_shown_highlighted(evidence):
    document = long_evidence(evidence["complaint"], "last", "Opening words.", "and it ended at Harwich")
    team, _device = make_person("team")
    assert snippet_of(team, "Harwich", document).endswith("it ended at <mark>Harwich</mark>")


def test_a_match_spelt_otherwise_than_the_word_searched_for_is_highlighted(evidence):
    # "happiness" is found by "happy" (the same stem), though it does not start with it.
    document = long_evidence(evidence["complaint"], "happiness", "Opening words.", "no happiness at dawn")
    team, _device = make_person("team")
    assert "no <mark>happiness</mark> at dawn" in snippet_of(team, "happy", document)


def test_a_word_that_only_starts_like_the_one_searched_for_is_not_what_is_shown(evidence):
    document = long_evidence(
        evidence["complaint"], "cats", "Category of harm: none.", "A cat was found on the quay"
    )
    team, _device = make_person("team")
    snippet = snippet_of(team, "cat", document)
    assert "A <mark>cat</mark> was found" in snippet
    assert "Category" not in snippet


def test_words_searched_for_together_are_shown_where_they_are_together(evidence):
    document = long_evidence(
        evidence["complaint"], "together", "Harwich at first.", "nobody", "then at night in Harwich again"
    )
    team, _device = make_person("team")
    snippet = snippet_of(team, "night Harwich", document)
    assert "at <mark>night</mark> in <mark>Harwich</mark> again" in snippet


def test_a_search_that_matches_nothing_anywhere_or_nothing_the_user_may_see_finds_nothing(evidence):
    hestia, _device = make_person("hestia")
    assert search_documents(hestia, "zzzzunheardof").total == 0
    # Kent's return matches, but a body sees no force's returns.
    assert search_documents(hestia, "referrals children").hits == []
    assert search_documents(hestia, "referrals children").total == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter the words to search for"),
        ("  !!! ", "Enter the words to search for"),
        ("x" * 201, "Search words must be 200 characters or fewer"),
    ],
)
def test_a_query_without_words_is_refused_in_plain_words(query, message):
    team, _device = make_person("team")
    with pytest.raises(SearchError) as refused:
        search_documents(team, query)
    assert str(refused.value) == message


def test_search_syntax_typed_in_is_only_words(evidence):
    team, _device = make_person("team")
    assert found(team, 'Dover" OR NEAR(trafficked* -- AND') == []
    assert found(team, '"Dover"') == [("account.docx", "evidence")]
    with pytest.raises(SearchError) as refused:
        search_documents(
            team, "Dover", date_from=datetime.date(2026, 3, 2), date_to=datetime.date(2026, 3, 1)
        )
    assert str(refused.value) == "The ‘from’ date must be the same as or before the ‘to’ date"


def test_a_re_extracted_document_is_found_by_its_new_text(evidence):
    team, _device = make_person("team")
    document = evidence["account"]
    Document.objects.filter(pk=document.pk).update(extraction_status="pending")
    # The same file extracted again: the index holds one entry for it, not two.
    extract_document_text(document.pk)
    assert search_documents(team, "Dover").total == 1


# --- The casework page ---------------------------------------------------------------------------


def test_staff_search_from_the_dashboard_and_the_search_is_recorded_without_its_words(evidence):
    team = signed_in(*make_person("team"))
    dashboard = team.get(reverse("casework:home")).content.decode()
    assert f'href="{reverse("casework:search")}"' in dashboard
    empty = team.get(reverse("casework:search"))
    assert empty.status_code == 200
    assert "There is a problem" not in empty.content.decode()

    page = team.get(reverse("casework:search"), {"q": "Dover", "source": "evidence"})
    html = page.content.decode()
    assert "1 document found" in html
    assert (
        "Account: trafficked through <mark>Dover</mark> &lt;script&gt;alert(1)&lt;/script&gt; at night"
        in html
    )
    assert "<script>alert" not in html
    assert_valid_html(html, name="casework-search.html")
    item = EvidenceItem.objects.get(document=evidence["account"])
    download = reverse("casework:evidence_document", args=[evidence["complaint"].reference, item.pk])
    assert f'href="{download}"' in html
    assert f'href="{reverse("casework:complaint", args=[evidence["complaint"].reference])}"' in html
    assert team.get(download).status_code == 200

    event = AuditEvent.objects.get(action="evidence.searched")
    assert event.kind == AuditEvent.Kind.ACCESS
    assert event.after == {
        "audience": "casework",
        "complaint": None,
        "source": "evidence",
        "date_from": None,
        "date_to": None,
        "words": 1,
        "results": 1,
        "more_results": False,
    }
    assert "Dover" not in str(event.after)


def test_bad_input_on_the_page_is_explained_and_kept(evidence):
    team = signed_in(*make_person("team"))
    page = team.get(
        reverse("casework:search"),
        {"q": "", "date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Enter the words to search for" in html
    assert "The ‘from’ date must be a real date, for example 1 11 2018" in html
    assert 'value="31"' in html
    assert_valid_html(html, name="casework-search-errors.html")
    backwards = team.get(
        reverse("casework:search"),
        {
            "q": "Dover",
            "date_from_0": "2",
            "date_from_1": "3",
            "date_from_2": "2026",
            "date_to_0": "1",
            "date_to_1": "3",
            "date_to_2": "2026",
        },
    ).content.decode()
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in backwards
    assert 'value="Dover"' in backwards
    assert not AuditEvent.objects.filter(action="evidence.searched").exists()
    unknown = team.get(
        reverse("casework:search"), {"q": "Dover", "source": "letters", "complaint": "SC-nope"}
    )
    assert unknown.status_code == 200
    assert "There is a problem" in unknown.content.decode()


def test_the_casework_search_is_not_a_page_for_a_force_or_a_body(evidence):
    for person in ("force", "hestia"):
        client = signed_in(*make_person(person))
        assert client.get(reverse("casework:search"), {"q": "trafficked"}).status_code == 404


# --- The portal page -----------------------------------------------------------------------------


def test_a_force_searches_its_own_documents_in_the_portal_and_every_link_downloads(evidence):
    kent_user = force_user("Kent Police", "kent@example.police.uk")
    kent = signed_in(kent_user, make_device(kent_user))
    assert f'href="{reverse("portal:search")}"' in kent.get(reverse("portal:home")).content.decode()
    html = kent.get(reverse("portal:search"), {"q": "trafficked"}).content.decode()
    assert "2 documents found" in html
    assert_valid_html(html, name="portal-search.html")
    mine = evidence["request"].force_requests.get(force__name="Kent Police")
    spreadsheet = evidence["second"].force_requests.get(force__name="Kent Police")
    links = [
        reverse("portal:information_request_document", args=[mine.pk, evidence["kent"].pk]),
        reverse("portal:information_request_template", args=[spreadsheet.pk]),
    ]
    for link in links:
        assert f'href="{link}"' in html
        assert kent.get(link).status_code == 200
    assert "suffolk.docx" not in html
    assert "Dover" not in html
    assert "412 referrals of <mark>trafficked</mark> children" in html
    assert AuditEvent.objects.get(action="evidence.searched").after["audience"] == "portal"


def test_a_body_searches_its_own_evidence_in_the_portal(evidence):
    hestia = signed_in(*make_person("hestia"))
    html = hestia.get(reverse("portal:search"), {"q": "trafficked"}).content.decode()
    assert "1 document found" in html
    item = EvidenceItem.objects.get(document=evidence["account"])
    assert f'href="{reverse("portal:evidence_download", args=[item.pk])}"' in html
    assert "kent.csv" not in html
    empty = hestia.get(reverse("portal:search"), {"q": " "}).content.decode()
    assert "Enter the words to search for" in empty


def test_the_portal_search_is_not_a_page_for_staff_or_for_someone_with_nothing_there(evidence):
    team = signed_in(*make_person("team"))
    assert team.get(reverse("portal:search"), {"q": "trafficked"}).status_code == 404
    nobody = User.objects.create_user("nobody@example.org", password=PASSWORD)
    assert signed_in(nobody, make_device(nobody)).get(reverse("portal:search")).status_code == 404


def test_results_come_a_page_at_a_time_with_the_total(evidence):
    team, _device = make_person("team")
    first = search_documents(team, "trafficked", page_size=3)
    second = search_documents(team, "trafficked", page=2, page_size=3)
    beyond = search_documents(team, "trafficked", page=3, page_size=3)
    assert (first.total, second.total, beyond.total) == (4, 4, 4)
    assert (len(first.hits), len(second.hits), beyond.hits, first.pages) == (3, 1, [], 2)
    names = {hit.document.original_name for hit in first.hits + second.hits}
    assert names == {"account.docx", "kent.csv", "suffolk.docx", "template.ods"}


def _word(number: int) -> str:
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if not number:
            return "q" + letters


def test_a_document_too_varied_for_one_index_entry_is_still_indexed(evidence):
    # A million characters of different words: more than a PostgreSQL tsvector holds (1 MB), so
    # the index falls back to fewer details rather than failing the extraction.
    text = " ".join(_word(n) for n in range(130_000))[:1_000_000]
    document = stored("varied.txt", b"placeholder")
    Document.objects.filter(pk=document.pk).update(extracted_text=text)
    search.index_document(document.pk)
    EvidenceItem.objects.create(complaint=evidence["complaint"], description="Varied", document=document)
    team, _device = make_person("team")
    assert found(team, _word(3)) == [("varied.txt", "evidence")]


def test_staff_find_a_file_sent_with_a_response_to_a_call_and_nobody_else_does(evidence):
    from calls.services import submit_response
    from tests.calls.support import open_now

    call = open_now(evidence["complaint"])
    attached = stored("my-story.txt", b"They kept my passport at the car wash in Leeds.\n")
    response = submit_response(
        call,
        answers={call.questions.get(position=1).pk: "See my file."},
        consent_given=True,
        documents=[attached],
    )
    team_user, team_device = make_person("team")
    [hit] = search_documents(team_user, "passport car wash").hits
    assert (hit.source, hit.call_response_id, hit.complaint) == ("call", response.pk, evidence["complaint"])
    assert found(team_user, "passport", source="call") == [("my-story.txt", "call")]
    assert found(team_user, "passport", source="evidence") == []
    page = signed_in(team_user, team_device).get(reverse("casework:search"), {"q": "passport"})
    href = reverse("casework:call_response_document", args=[response.pk, attached.pk])
    assert href in page.content.decode()
    assert signed_in(team_user, team_device).get(href).status_code == 200
    # A force and the body that made the complaint find nothing of it.
    kent_user = force_user("Kent Police", "kent@example.police.uk")
    hestia_user, _device = make_person("hestia")
    assert found(kent_user, "passport") == [] and found(hestia_user, "passport") == []


# --- Bounded ranking: only the newest EVIDENCE_SEARCH_RANK_LIMIT matches are ranked ---------------


def lanterns(complaint, *counts: int) -> list[Document]:
    """One evidence document of the complaint per count, in that order (so later ones are newer),
    each six words long with "lantern" that many times: the more, the better it ranks."""
    made = []
    for n, count in enumerate(counts):
        words = ["lantern"] * count + ["harbour", "quay", "jetty", "pier", "dock", "wharf"][count:]
        document = stored(f"lantern-{count}-{n}.txt", " ".join(words).encode())
        EvidenceItem.objects.create(complaint=complaint, description=f"Lantern {n}", document=document)
        made.append(document)
    return made


@pytest.fixture
def limit_of_three(settings):
    settings.EVIDENCE_SEARCH_RANK_LIMIT = 3


def test_under_the_limit_every_match_is_ranked_and_counted_exactly(evidence, limit_of_three):
    team, _device = make_person("team")
    once, thrice = lanterns(evidence["complaint"], 1, 3)
    results = search_documents(team, "lantern")
    assert (results.total, results.more, [hit.document for hit in results.hits]) == (2, False, [thrice, once])
    [twice] = lanterns(evidence["complaint"], 2)
    results = search_documents(team, "lantern")
    assert (results.total, results.more, results.pages) == (3, False, 1)
    assert [hit.document for hit in results.hits] == [thrice, twice, once]


def test_over_the_limit_the_best_of_the_newest_are_shown_and_paged(evidence, limit_of_three):
    team, _device = make_person("team")
    # The two oldest would rank first (five matches each) but are not among the newest three.
    oldest = lanterns(evidence["complaint"], 5, 5)
    newest = lanterns(evidence["complaint"], 1, 4, 2)
    results = search_documents(team, "lantern")
    assert (results.total, results.more, results.pages) == (3, True, 1)
    assert [hit.document for hit in results.hits] == [newest[1], newest[2], newest[0]]
    assert not {hit.document for hit in results.hits} & set(oldest)

    first = search_documents(team, "lantern", page_size=2)
    second = search_documents(team, "lantern", page=2, page_size=2)
    beyond = search_documents(team, "lantern", page=3, page_size=2)
    assert [hit.document for hit in first.hits] == [newest[1], newest[2]]
    assert [hit.document for hit in second.hits] == [newest[0]]
    assert beyond.hits == []
    assert {(r.total, r.more, r.pages) for r in (first, second, beyond)} == {(3, True, 2)}


def test_documents_the_user_may_not_see_never_count_towards_the_limit(evidence, limit_of_three):
    hestia, _device = make_person("hestia")
    mine = lanterns(evidence["complaint"], 1, 2, 3)
    # Newer matches in another body's complaint, and one attached to nothing.
    theirs = eligible("Another complaint", told=london(2026, 2, 2, 10), body="Liberty")
    liberty_documents = lanterns(theirs, 4, 4)
    stored("loose.txt", b"lantern lantern lantern lantern lantern")
    results = search_documents(hestia, "lantern")
    assert (results.total, results.more) == (3, False)
    assert [hit.document for hit in results.hits] == [mine[2], mine[1], mine[0]]
    team, _device = make_person("team")
    everything = search_documents(team, "lantern")
    assert (everything.total, everything.more) == (3, True)
    # Staff see both complaints, not the loose file: the newest three they may see, best first
    # (equal ranks: the newer first).
    assert [hit.document for hit in everything.hits] == [liberty_documents[1], liberty_documents[0], mine[2]]


def test_the_page_says_more_than_the_limit_and_the_search_is_recorded_so(evidence, limit_of_three):
    lanterns(evidence["complaint"], 1, 2, 3, 4)
    team = signed_in(*make_person("team"))
    html = team.get(reverse("casework:search"), {"q": "lantern"}).content.decode()
    assert "More than 3 documents found" in html
    assert (
        '<div class="govuk-inset-text">Showing the best matches among the 3 most recently added documents '
        "that contain all of these words. Add more words or a filter to narrow the search.</div>"
    ) in html
    assert html.count('class="govuk-!-margin-bottom-6 app-search-result"') == 3
    assert_valid_html(html, name="casework-search-more.html")
    event = AuditEvent.objects.get(action="evidence.searched")
    assert (event.after["results"], event.after["more_results"]) == (3, True)

    # The portal says the same; a word more, and three match: an exact count again.
    hestia = signed_in(*make_person("hestia"))
    portal = hestia.get(reverse("portal:search"), {"q": "lantern"}).content.decode()
    assert "More than 3 documents found" in portal
    assert "Showing the best matches among the 3 most recently added documents" in portal
    # "pier" is in the three documents with fewer than four lanterns.
    exact = hestia.get(reverse("portal:search"), {"q": "lantern pier"}).content.decode()
    assert "3 documents found" in exact
    assert "More than" not in exact
    assert "govuk-inset-text" not in exact
    recorded = AuditEvent.objects.filter(action="evidence.searched").order_by("pk")
    assert [(e.after["audience"], e.after["results"], e.after["more_results"]) for e in recorded] == [
        ("casework", 3, True),
        ("portal", 3, True),
        ("portal", 3, False),
    ]


def test_a_search_leaves_the_planner_settings_of_the_transaction_it_runs_in_as_they_were(evidence):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the planner settings are PostgreSQL's")
    team, _device = make_person("team")

    def settings() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan')")
            return list(cursor.fetchone())

    before = settings()
    # The test's own transaction is still open: the search's is a savepoint of it.
    assert found(team, "trafficked") and found(team, "nothing-like-this-anywhere") == []
    assert settings() == before
