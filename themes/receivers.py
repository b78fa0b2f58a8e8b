"""What themes does when other apps tell it something happened (connected in themes.apps)."""

from __future__ import annotations

from typing import Any

from themes import embedding


def embed_after_extraction(sender: Any, document_id: int, **kwargs: Any) -> None:
    """A document's text was extracted: queue the embedding of its passages in the task worker.
    Without the model nothing is queued (the sweep's catch-up says so in the log)."""
    from themes.tasks import embed_passages

    if embedding.available():
        embed_passages.enqueue(document_id)
