"""Earlier complaints with similar substance (SI 2018/748 reg 6(3)-(4)), ranked by TF-IDF cosine."""

import pytest

from complaints import services
from complaints.models import SuperComplaint
from complaints.selectors import complaint_terms, rank_by_similarity, similar_complaints
from tests.builders import london, make_draft

pytestmark = pytest.mark.django_db


def modern_slavery_complaint():
    draft = make_draft("Hestia", title="Victims of modern slavery and exploitation")
    draft.subject = "How police forces support victims of modern slavery and human trafficking"
    draft.save()
    draft.features.filter(position=1).update(
        text="Officers fail to recognise the signs of exploitation and modern slavery"
    )
    draft.features.filter(position=2).update(
        text="Victims of modern slavery are treated as immigration offenders"
    )
    return services.submit_complaint(draft, at=london(2026, 11, 27, 10, 0))


def test_a_complaint_about_modern_slavery_ranks_hestias_2019_complaint_first(public_record):
    complaint = modern_slavery_complaint()
    ranked = similar_complaints(complaint)
    assert ranked[0].complaint.reference == "SC-2019-002"
    assert ranked[0].complaint.title == "Police response to victims of modern slavery"
    assert 0 < ranked[0].score < 1
    assert ranked[0].percent == round(ranked[0].score * 100)
    assert ranked[0].percent > 2 * ranked[1].percent
    scores = [item.score for item in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(ranked) <= 5


def test_the_complaint_itself_and_drafts_are_never_listed(public_record):
    complaint = modern_slavery_complaint()
    draft = make_draft("Liberty", title="Victims of modern slavery and exploitation")
    twin = services.submit_complaint(
        make_draft("Liberty", title="Victims of modern slavery and exploitation"),
        at=london(2026, 11, 26, 10, 0),
    )
    ranked = [item.complaint.pk for item in similar_complaints(complaint, limit=50)]
    assert complaint.pk not in ranked
    assert draft.pk not in ranked
    assert twin.pk in ranked
    assert ranked.index(twin.pk) < 2


def test_limit_and_no_shared_word(public_record):
    complaint = modern_slavery_complaint()
    assert len(similar_complaints(complaint, limit=2)) == 2
    unrelated = services.submit_complaint(make_draft("Liberty", title="Zzyzx quux"))
    unrelated.features.all().delete()
    SuperComplaint.objects.filter(pk=unrelated.pk).update(subject="Frobnication")
    unrelated.refresh_from_db()
    assert similar_complaints(unrelated) == []


def test_identical_text_scores_one_and_disjoint_text_is_left_out():
    class Stub:
        def __init__(self, pk):
            self.pk = pk

    ranked = rank_by_similarity(
        "stalking victims",
        [(Stub(1), "stalking victims"), (Stub(2), "stop and search"), (Stub(3), "victims of stalking harm")],
    )
    assert [item.complaint.pk for item in ranked] == [1, 3]
    assert ranked[0].percent == 100
    assert 0 < ranked[1].percent < 100


def test_terms_drop_common_words_and_fold_plurals():
    assert complaint_terms("The police response to victims’ needs in England and Wales") == [
        "response",
        "victim",
        "need",
    ]
