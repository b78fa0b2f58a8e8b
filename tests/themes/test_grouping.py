"""Grouping beyond the sample size: a sample is clustered and the other rows join its groups. The
sample size is made small here so that a small corpus takes the path 10,000 responses take."""

from collections import Counter

import numpy as np
import pytest

from tests.themes.corpus import TOPICS, generate
from themes import embedding, grouping


def directions(count, dimensions=384, seed=3):
    """``count`` unit vectors far apart from each other."""
    vectors = np.random.default_rng(seed).normal(size=(count, dimensions))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def around(centre, count, rng, spread=0.02):
    """``count`` unit vectors close to ``centre`` (cosine distance about ``spread``)."""
    rows = centre + rng.normal(scale=spread, size=(count, len(centre)))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_rows_outside_the_sample_join_the_group_they_are_nearest_to():
    rng = np.random.default_rng(5)
    a, b = directions(2)
    vectors = np.concatenate([around(a, 60, rng), around(b, 40, rng)]).astype(np.float32)
    order = rng.permutation(100)
    truth = np.array([0] * 60 + [1] * 40)[order]
    labels = grouping.cluster(vectors[order], sample_size=10)
    assert sorted(Counter(labels).values()) == [40, 60]
    assert all(labels[i] == labels[j] for i in range(100) for j in range(100) if truth[i] == truth[j])
    assert grouping.cluster(vectors[order], sample_size=10) == labels  # the same every time
    assert grouping.cluster(vectors[order], sample_size=1000) == labels  # as the whole would


def test_a_theme_with_no_response_in_the_sample_is_still_found():
    rng = np.random.default_rng(6)
    a, b, rare = directions(3)
    rows = [*around(a, 50, rng), *around(b, 50, rng)]
    sampled = set(grouping._sample(106, 10).tolist())
    # Six answers on a third topic, every one at a row the sample does not take.
    free = [n for n in range(106) if n not in sampled][-6:]
    for n, row in zip(free, around(rare, 6, rng), strict=True):
        rows.insert(n, row)
    labels = grouping.cluster(np.array(rows, dtype=np.float32), sample_size=10)
    assert not sampled & set(free)
    assert len({labels[n] for n in free}) == 1
    assert labels[free[0]] != grouping.OTHER
    assert Counter(labels)[labels[free[0]]] == 6


def test_split_in_two_beyond_the_sample_size_separates_the_two_groups():
    rng = np.random.default_rng(7)
    a, b = directions(2, seed=8)
    vectors = np.concatenate([around(a, 30, rng), around(b, 20, rng)]).astype(np.float32)
    order = rng.permutation(50)
    halves = grouping.split_in_two(vectors[order], sample_size=8)
    truth = (order >= 30).astype(int)
    assert halves[0] == 0
    assert halves == [int(t != truth[0]) for t in truth]


def test_the_sampled_grouping_keeps_the_topics_of_real_answers_apart(model):
    corpus = generate(200)
    vectors = embedding.encode([text for _topic, text in corpus])
    topics = [topic for topic, _text in corpus]

    def purity(labels):
        """How many answers share their group with a majority of their own topic, and the topics
        that lead a group."""
        dominant, leaders = 0, set()
        for group in set(labels):
            kinds = Counter(topic for topic, label in zip(topics, labels, strict=True) if label == group)
            topic, n = kinds.most_common(1)[0]
            dominant += n
            leaders.add(topic)
        return dominant, leaders

    exact = grouping.cluster(vectors)
    assert exact == grouping.cluster(vectors, sample_size=200)
    dominant, leaders = purity(exact)
    assert dominant >= 0.9 * 200
    assert leaders == set(TOPICS)
    # A quarter of the corpus as the sample: each other answer joins the nearest of its groups.
    # The sparser sample joins a little more than the whole does (fewer close paraphrases to
    # join first), so the bar is lower than the exact clustering's.
    sampled = grouping.cluster(vectors, sample_size=50)
    dominant, leaders = purity(sampled)
    assert dominant >= 0.85 * 200
    assert leaders == set(TOPICS)
    assert 5 <= len(set(sampled)) <= 20


@pytest.mark.parametrize("count", [0, 1])
def test_too_few_rows(count):
    assert grouping.cluster(np.zeros((count, 4), dtype=np.float32), sample_size=1) == list(range(count))
