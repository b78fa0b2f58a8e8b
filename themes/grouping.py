"""Grouping embedded texts into candidate themes (pure functions on arrays; no database).

Agglomerative clustering with cosine distance and average linkage, cut at a distance threshold:
the number of themes follows from the responses instead of being guessed beforehand, and the same
input gives the same themes every time (HDBSCAN would leave many short responses as noise, and
k-means needs k). Groups smaller than ``MIN_THEME_SIZE`` are pooled into one "other" group, so
staff are not handed dozens of one-response themes. Above ``SAMPLE_SIZE`` rows an evenly spread
sample is clustered and the other rows join its groups, so 10,000 responses cost about five times
2,000, not twenty-five. See docs/decisions (0033 theme grouping, 0040 at scale).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from complaints.selectors import complaint_terms

if TYPE_CHECKING:
    import numpy as np

# Cosine distance at which two groups stop being joined (average linkage). Chosen on the test
# corpus of 200 answers on five topics (tests/themes/corpus.py): at 0.6 every group held one topic
# (some topics came in two or three groups, for staff to merge); at 0.7 two topics ran together.
# Splitting too finely costs staff a merge; joining too coarsely hides a theme.
DISTANCE_THRESHOLD = 0.6
MIN_THEME_SIZE = 3
OTHER = -1
# Average linkage needs every pairwise distance: n² numbers (10,000 responses: 400 MB) and time
# growing faster still. Up to this many rows the clustering is exactly that; above it, an evenly
# spread sample of this many is clustered so, and every other row joins the sample's group it is
# nearest to on average (see ``_groups``), so the cost grows about linearly. At 2,000 the
# clustering takes a second or two on two cores. See docs/decisions (0040).
SAMPLE_SIZE = 2000
_CHUNK = 4096  # rows compared with the groups at a time, to bound the memory of the comparison


def cluster(
    vectors: np.ndarray,
    *,
    threshold: float = DISTANCE_THRESHOLD,
    min_size: int = MIN_THEME_SIZE,
    sample_size: int = SAMPLE_SIZE,
) -> list[int]:
    """A group number per row, largest group first (0, 1, ...); ``OTHER`` for rows in groups
    smaller than ``min_size``."""
    import numpy as np

    count = len(vectors)
    if count == 0:
        return []
    if count == 1:
        return [0]
    labels = _groups(np.asarray(vectors, dtype=np.float32), threshold, sample_size)
    sizes = Counter(int(label) for label in labels)
    # Stable order: larger groups first, then the group whose first member comes first.
    first_seen = {int(label): i for i, label in reversed(list(enumerate(labels)))}
    kept = sorted(
        (label for label, size in sizes.items() if size >= min_size),
        key=lambda la: (-sizes[la], first_seen[la]),
    )
    renumber = {label: n for n, label in enumerate(kept)}
    return [renumber.get(int(label), OTHER) for label in labels]


def _agglomerative(vectors: np.ndarray, threshold: float) -> np.ndarray:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=np.int64)
    return np.asarray(
        AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        ).fit_predict(vectors),
        dtype=np.int64,
    )


def _sample(count: int, sample_size: int) -> np.ndarray:
    """Row numbers of an evenly spread sample (the same rows for the same count, every time)."""
    import numpy as np

    return np.unique(np.linspace(0, count - 1, sample_size).round().astype(np.int64))


def _nearest(vectors: np.ndarray, members: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``vectors``, the group (of ``members``, labelled 0..k-1 by ``labels``) with
    the nearest centroid, and the row's mean cosine distance to that group's members (the distance
    average linkage joins by). Rows are of length 1, so that mean distance is 1 minus the row's dot
    product with the members' mean, and the centroid is that mean scaled to length 1."""
    import numpy as np

    groups = int(labels.max()) + 1
    sums = np.zeros((groups, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, members)
    means = sums / np.bincount(labels, minlength=groups)[:, None]
    centroids = (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)).astype(np.float32)
    nearest = np.empty(len(vectors), dtype=np.int64)
    distance = np.empty(len(vectors), dtype=np.float64)
    for start in range(0, len(vectors), _CHUNK):
        rows = vectors[start : start + _CHUNK]
        best = (rows @ centroids.T).argmax(axis=1)
        nearest[start : start + len(rows)] = best
        distance[start : start + len(rows)] = 1 - np.einsum("ij,ij->i", rows, means[best])
    return nearest, distance


def _groups(vectors: np.ndarray, threshold: float, sample_size: int) -> np.ndarray:
    """Group labels (not yet ordered or pooled). Above ``sample_size`` rows: the sample's groups,
    each other row in the group nearest on average if that is nearer than ``threshold`` (where
    average linkage would still have joined it), and the rows near no group grouped among
    themselves the same way (a theme too rare to show in the sample comes out there)."""
    import numpy as np

    count = len(vectors)
    if count <= sample_size:
        return _agglomerative(vectors, threshold)
    chosen = _sample(count, sample_size)
    labels = np.full(count, -1, dtype=np.int64)
    labels[chosen] = _agglomerative(vectors[chosen], threshold)
    rest = np.setdiff1d(np.arange(count), chosen)
    nearest, distance = _nearest(vectors[rest], vectors[chosen], labels[chosen])
    near = distance < threshold
    labels[rest[near]] = nearest[near]
    far = rest[~near]
    if len(far):
        labels[far] = int(labels.max()) + 1 + _groups(vectors[far], threshold, sample_size)
    return labels


def split_in_two(vectors: np.ndarray, *, sample_size: int = SAMPLE_SIZE) -> list[int]:
    """0 or 1 per row: the two groups the rows fall into most naturally (two clusters, average
    linkage; above ``sample_size`` rows, of an evenly spread sample, each other row joining the
    half it is nearer to on average). Fewer than two rows cannot be split."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        raise ValueError("at least two rows are needed to split")
    rows = np.asarray(vectors, dtype=np.float32)
    chosen = _sample(len(rows), sample_size) if len(rows) > sample_size else np.arange(len(rows))
    halves = AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average").fit_predict(
        rows[chosen]
    )
    labels = np.empty(len(rows), dtype=np.int64)
    labels[chosen] = halves
    if len(chosen) < len(rows):
        rest = np.setdiff1d(np.arange(len(rows)), chosen)
        labels[rest] = _nearest(rows[rest], rows[chosen], np.asarray(halves, dtype=np.int64))[0]
    # The group holding the first row is 0, so the order is stable.
    first = int(labels[0])
    return [0 if int(label) == first else 1 for label in labels]


def distances_to_centroid(vectors: np.ndarray) -> list[float]:
    """Each row's cosine distance to the group's centroid (rows are already of length 1)."""
    import numpy as np

    if len(vectors) == 0:
        return []
    centroid = np.asarray(vectors).mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0:
        return [1.0] * len(vectors)
    similarity = np.asarray(vectors) @ (centroid / norm)
    return [round(float(1 - s), 6) for s in similarity]


def term_sets(texts: Sequence[str]) -> list[set[str]]:
    """Each text's distinct words of substance (``complaints.selectors.complaint_terms``)."""
    return [set(complaint_terms(text)) for text in texts]


def document_frequencies(sets: Iterable[set[str]]) -> Counter[str]:
    """In how many of the texts each word is."""
    seen: Counter[str] = Counter()
    for words in sets:
        seen.update(words)
    return seen


def distinctive_words(group_texts: Sequence[str], all_texts: Sequence[str], count: int = 3) -> list[str]:
    """The words most typical of a group against the whole corpus (share in the group minus share
    overall, among words in at least a third of the group): a name for staff to start from."""
    return distinctive_words_of(
        term_sets(group_texts), document_frequencies(term_sets(all_texts)), len(all_texts), count
    )


def distinctive_words_of(
    group_sets: Sequence[set[str]], overall: Counter[str], total: int, count: int = 3
) -> list[str]:
    """``distinctive_words`` from the group's term sets and the corpus's document frequencies
    (``overall``, of ``total`` texts), so a run naming many themes reads the corpus once."""
    inside = document_frequencies(group_sets)
    size, total = max(len(group_sets), 1), max(total, 1)
    scored = [
        (inside[word] / size - overall[word] / total, word) for word in inside if inside[word] * 3 >= size
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [word for _score, word in scored[:count]]
