"""Earlier complaints with similar substance (SI 2018/748 reg 6(3)-(4)), ranked by the sentence
embeddings when the model is installed, by TF-IDF (``complaints.selectors``) otherwise.

This lives here, not in ``complaints``, because ``themes`` already reads complaints (a domain app
may read another, never in a circle). The embedding ranking catches complaints that say the same
thing in other words, which TF-IDF misses; ``tests/themes/test_similarity.py`` and
``bench/similarity.py`` measure both on paraphrases of the complaints on the public record.
Complaint vectors are kept (``Embedding`` rows), so an unchanged complaint is embedded once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from complaints.models import SuperComplaint
from complaints.selectors import SimilarComplaint, rank_by_similarity, substance_text
from complaints.selectors import similar_complaints as tf_idf_similar_complaints
from themes import embedding
from themes.models import Embedding

logger = logging.getLogger(__name__)

METHOD_EMBEDDING = "embedding"
METHOD_TF_IDF = "tf-idf"


def rank_by_embedding(
    text: str, candidates: Iterable[tuple[Any, str]], *, limit: int = 5, vectors: Sequence[Any] | None = None
) -> list[SimilarComplaint]:
    """Candidates ranked by the cosine similarity of their embedded text to ``text``, most similar
    first; those pointing away from it (similarity 0 or below) are left out. ``vectors`` may give
    the candidates' vectors already computed, in order."""
    import numpy as np

    candidates = list(candidates)
    if not candidates:
        return []
    target = embedding.encode([text])[0]
    matrix = (
        np.stack(list(vectors))
        if vectors is not None
        else embedding.encode([body for _c, body in candidates])
    )
    scores = matrix @ target
    scored = [
        SimilarComplaint(complaint=complaint, score=min(float(score), 1.0))
        for (complaint, _body), score in zip(candidates, scores, strict=True)
        if score > 0
    ]
    scored.sort(key=lambda item: (-item.score, item.complaint.pk))
    return scored[:limit]


def rank(
    text: str, candidates: Iterable[tuple[Any, str]], *, method: str, limit: int = 5
) -> list[SimilarComplaint]:
    if method == METHOD_EMBEDDING:
        return rank_by_embedding(text, candidates, limit=limit)
    return rank_by_similarity(text, candidates, limit=limit)


def complaint_vectors(complaints: Sequence[SuperComplaint]) -> list[Any]:
    """Each complaint's vector of its substance, embedding only those new or changed."""
    texts = [substance_text(c) for c in complaints]
    hashes = [embedding.text_hash(t) for t in texts]
    kept = {
        row.complaint_id: row
        for row in Embedding.objects.filter(
            kind=Embedding.Kind.COMPLAINT,
            model_name=embedding.MODEL_NAME,
            complaint__in=[c.pk for c in complaints],
        )
    }
    stale = [i for i, c in enumerate(complaints) if c.pk not in kept or kept[c.pk].text_hash != hashes[i]]
    fresh = dict(zip(stale, embedding.encode([texts[i] for i in stale]), strict=True))
    if stale:
        with transaction.atomic():
            for i in stale:
                Embedding.objects.update_or_create(
                    kind=Embedding.Kind.COMPLAINT,
                    model_name=embedding.MODEL_NAME,
                    complaint=complaints[i],
                    defaults={"text_hash": hashes[i], "vector": embedding.to_bytes(fresh[i])},
                )
    return [
        fresh[i] if i in fresh else embedding.from_bytes(kept[c.pk].vector) for i, c in enumerate(complaints)
    ]


def similar_complaints(complaint: SuperComplaint, limit: int = 5) -> tuple[list[SimilarComplaint], str]:
    """The complaints closest in substance to this one, and the method that ranked them. Drafts and
    the complaint itself are left out, as in ``complaints.selectors.similar_complaints``."""
    if not embedding.available():
        return tf_idf_similar_complaints(complaint, limit=limit), METHOD_TF_IDF
    others = list(SuperComplaint.objects.submitted().exclude(pk=complaint.pk).prefetch_related("features"))
    try:
        vectors = complaint_vectors(others)
        ranked = rank_by_embedding(
            substance_text(complaint), ((o, "") for o in others), limit=limit, vectors=vectors
        )
    except Exception:
        # A model that will not load must not stop the eligibility assessment: words still rank.
        logger.exception("The embedding ranking failed; using TF-IDF")
        return tf_idf_similar_complaints(complaint, limit=limit), METHOD_TF_IDF
    return ranked, METHOD_EMBEDDING
