"""Each evidence test starts with an empty documents store, so "nothing stored" can be proved."""

from __future__ import annotations

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.files.storage.memory import InMemoryDirNode

from evidence.models import Document


@pytest.fixture(autouse=True)
def empty_documents_store() -> None:
    storage = Document._meta.get_field("file").storage  # type: ignore[attr-defined]
    assert isinstance(storage, InMemoryStorage), "tests keep documents in memory (config/settings_test.py)"
    storage._root = InMemoryDirNode()
