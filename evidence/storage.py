"""The one private store for documents (``STORAGES["documents"]``, config/storage.py)."""

from __future__ import annotations

import secrets

from django.core.files.storage import FileSystemStorage, Storage, storages


def document_storage() -> Storage:
    """The documents storage; a callable so that the models' migrations do not depend on settings."""
    return storages["documents"]


def random_key(prefix: str = "documents") -> str:
    """A fresh, unguessable storage key: 128 random bits, spread over 256 directories.

    Never derived from the content or the name: two organisations uploading the same file get two
    objects, and a key says nothing about what it holds.
    """
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}"


class PrivateFileSystemStorage(FileSystemStorage):
    """The file system, with no URLs: a stored document is reached only through a download view."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Documents have no public URL; use the permission-checked download views.")
