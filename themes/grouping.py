"""Grouping embedded texts into candidate themes (pure functions on arrays; no database).

Agglomerative clustering with cosine distance and average linkage, cut at a distance threshold:
the number of themes follows from the responses instead of being guessed beforehand, and the same
input gives the same themes every time (HDBSCAN would leave many short responses as noise, and
k-means needs k). Groups smaller than ``MIN_THEME_SIZE`` are pooled into one "other" group, so
staff are not handed dozens of one-response themes. See docs/decisions (theme grouping).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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


def cluster(
    vectors: np.ndarray, *, threshold: float = DISTANCE_THRESHOLD, min_size: int = MIN_THEME_SIZE
) -> list[int]:
    """A group number per row, largest group first (0, 1, ...); ``OTHER`` for rows in groups
    smaller than ``min_size``."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    count = len(vectors)
    if count == 0:
        return []
    if count == 1:
        return [0]
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    ).fit_predict(np.asarray(vectors))
    sizes = Counter(int(label) for label in labels)
    # Stable order: larger groups first, then the group whose first member comes first.
    first_seen = {int(label): i for i, label in reversed(list(enumerate(labels)))}
    kept = sorted(
        (label for label, size in sizes.items() if size >= min_size),
        key=lambda la: (-sizes[la], first_seen[la]),
    )
    renumber = {label: n for n, label in enumerate(kept)}
    return [renumber.get(int(label), OTHER) for label in labels]


def split_in_two(vectors: np.ndarray) -> list[int]:
    """0 or 1 per row: the two groups the rows fall into most naturally (two clusters, average
    linkage). Fewer than two rows cannot be split."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        raise ValueError("at least two rows are needed to split")
    labels = AgglomerativeClustering(n_clusters=2, metric="cosine", linkage="average").fit_predict(
        np.asarray(vectors)
    )
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


def distinctive_words(group_texts: Sequence[str], all_texts: Sequence[str], count: int = 3) -> list[str]:
    """The words most typical of a group against the whole corpus (share in the group minus share
    overall, among words in at least a third of the group): a name for staff to start from."""

    def documents_with(texts: Sequence[str]) -> Counter[str]:
        seen: Counter[str] = Counter()
        for text in texts:
            seen.update(set(complaint_terms(text)))
        return seen

    inside, overall = documents_with(group_texts), documents_with(all_texts)
    size, total = max(len(group_texts), 1), max(len(all_texts), 1)
    scored = [
        (inside[word] / size - overall[word] / total, word) for word in inside if inside[word] * 3 >= size
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [word for _score, word in scored[:count]]
