"""Storing and removing documents. Every write to ``evidence.Document`` goes through here."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from audit.services import record_event, snapshot
from evidence import checks
from evidence.models import Document

DOCUMENT_FIELDS = ["file", "original_name", "content_type", "size", "sha256"]


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _display_name(name: str) -> str:
    # Browsers send a bare name, but some old ones send a whole path: keep the last part only.
    base = os.path.basename(name.replace("\\", "/")).strip() or "file"
    return base[-255:]


def store_document(upload: UploadedFile, *, user: Any = None, description: str = "") -> Document:
    """Check an uploaded file and keep it (SI 2018/748 reg 4(2)(c): the evidence relied on).

    Raises ``checks.UploadRejected`` for a file of the wrong type, empty or too large. The file is
    stored under its SHA-256 digest, never under the name it came with; the type recorded is the one
    its content proved, not the one the browser claimed. Records ``document.uploaded``.
    """
    file_type = checks.check_upload(upload)
    document = Document(
        original_name=_display_name(upload.name or ""),
        content_type=file_type.content_type,
        size=upload.size or 0,
        sha256=_sha256(upload),
        description=description,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    # The storage writes the file now; a failure below removes it again, so no orphan is left.
    document.file.save(document.sha256, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            record_event(action="document.uploaded", obj=document, after=snapshot(document, DOCUMENT_FIELDS))
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def delete_document(document: Document) -> None:
    """Remove a document nobody relies on any longer (a draft's evidence taken out before submission).

    Side effects: records ``document.deleted`` and deletes the row in the caller's transaction; the
    stored file is deleted once that transaction commits, so a rollback keeps both.
    """
    with transaction.atomic():
        name = document.file.name
        storage = document.file.storage
        record_event(action="document.deleted", obj=document, before=snapshot(document, DOCUMENT_FIELDS))
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))
