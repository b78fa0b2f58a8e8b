"""Storing, scanning, releasing and removing documents. Every write to ``evidence.Document`` goes
through here, and every kind of document (complaint evidence, information-request returns and
templates, later call-for-evidence attachments) is stored by ``store_document``."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_access, record_event, snapshot
from evidence import checks, extraction, metadata, scanning, search
from evidence.checks import UploadRejected
from evidence.models import Document, ExtractionStatus, ScanStatus
from evidence.signals import document_text_extracted

__all__ = [
    "UploadRejected",
    "delete_document",
    "extract_document_text",
    "extract_pending_texts",
    "open_for_download",
    "publishable_copy",
    "rescan_document",
    "scan_pending_documents",
    "store_document",
]

logger = logging.getLogger(__name__)

DOCUMENT_FIELDS = ["file", "original_name", "content_type", "size", "sha256", "scan_status", "flags"]
# Waits between scans of a document kept while clamd could not be reached: 1, 2, 4... minutes, at
# most an hour; the sweep (``manage.py scan_documents``) retries every pending one as well.
RESCAN_FIRST_WAIT = datetime.timedelta(minutes=1)
RESCAN_LONGEST_WAIT = datetime.timedelta(hours=1)


def _audit_snapshot(document: Document, *, withhold_name: bool = False) -> dict[str, Any]:
    """The document's audited fields; without its name when that could identify someone (a file a
    member of the public attached to a call for evidence: "statement of A. Person.pdf")."""
    fields = [f for f in DOCUMENT_FIELDS if not (withhold_name and f == "original_name")]
    return snapshot(document, fields)


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


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(64 * 1024):
        yield chunk
    file.seek(0)


def _virus_message(name: str) -> str:
    return _(
        "“%(name)s” contains a virus, so it cannot be accepted and was not kept. Check your computer "
        "with your antivirus software, and upload a copy of the document that is free of viruses."
    ) % {"name": name}


def store_document(
    upload: UploadedFile,
    *,
    user: Any = None,
    description: str = "",
    submission_total: int | None = None,
    withhold_name: bool = False,
) -> Document:
    """Check an uploaded file, scan it for viruses and keep it in the private documents store.

    The one entry point for every kind of document. Raises ``UploadRejected`` (its message is for
    the person who chose the file) for a file that fails ``checks.inspect``, that clamd finds a
    virus in, or that would take a submission over ``EVIDENCE_MAX_SUBMISSION_SIZE``
    (``submission_total``: what the submission holds already; the service adding the document
    enforces the limit again under its lock). Nothing is stored for a rejected file.

    The file is kept under a random key (``evidence.storage.random_key``); its SHA-256 is a column.
    The type recorded is the one its content proved; a PDF's active content is in ``flags``. While
    clamd is configured but cannot be reached, the document is kept ``scan pending``: nobody may
    download it until ``rescan_document`` finds it clean (a task is queued for that). Records
    ``document.uploaded``; with ``withhold_name`` the event leaves out the file's name (the row
    keeps it, for the staff who may see the document). A released document's text extraction is
    queued once the transaction commits (``extract_document_text``).
    """
    checked = checks.inspect(upload)
    name = _display_name(upload.name or "")
    size = upload.size or 0
    if submission_total is not None and submission_total + size > checks.max_submission_size():
        raise UploadRejected(submission_limit_message(name))
    status = ScanStatus.NOT_SCANNED
    if scanning.configured():
        assert upload.file is not None  # checks.inspect refuses an unreadable upload
        try:
            result = scanning.scan_chunks(_chunks(upload.file))
        except scanning.ScannerUnavailable as error:
            logger.warning("clamd unavailable, %s kept unreleased: %s", name, error)
            status = ScanStatus.PENDING
        else:
            if not result.clean:
                logger.warning("clamd found %s in an upload; refused", result.signature)
                raise UploadRejected(_virus_message(name))
            status = ScanStatus.CLEAN
    document = Document(
        original_name=name,
        content_type=checked.file_type.content_type,
        size=size,
        sha256=_sha256(upload),
        description=description,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        scan_status=status,
        flags=list(checked.flags),
    )
    # The storage writes the file now; a failure below removes it again, so no orphan is left.
    document.file.save("upload", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            record_event(
                action="document.uploaded",
                obj=document,
                after=_audit_snapshot(document, withhold_name=withhold_name),
            )
            document_id = document.pk
            if status == ScanStatus.PENDING:
                transaction.on_commit(lambda: _queue_rescan(document_id, attempts=0), robust=True)
            else:
                transaction.on_commit(lambda: queue_extraction(document_id), robust=True)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def submission_limit_message(name: str) -> str:
    return _(
        "“%(name)s” cannot be added: the evidence for one complaint must be %(limit)s or smaller in "
        "total. Remove a file you no longer need, or send a shorter version."
    ) % {"name": name, "limit": checks.size_label(checks.max_submission_size())}


def _queue_rescan(document_id: int, *, attempts: int) -> None:
    from evidence.tasks import rescan

    task = rescan
    if not task.get_backend().supports_defer:
        return  # this backend cannot wait; ``manage.py scan_documents`` retries pending documents
    wait = min(RESCAN_FIRST_WAIT * (2 ** min(attempts, 10)), RESCAN_LONGEST_WAIT)
    task.using(run_after=timezone.now() + wait).enqueue(document_id)


def rescan_document(document_id: int) -> Document | None:
    """Scan a ``scan pending`` document again; None if it is not (or no longer) pending.

    Clean: released (``scan_status`` clean), records ``document.scanned``, and its text
    extraction is queued after commit. Infected: the stored file
    is destroyed once the transaction commits and the row kept as the record (``infected``),
    records ``document.infected``. clamd still unavailable: the attempt is counted and another
    queued. The scan runs outside any transaction (it may take a while); the verdict is written
    under the row's lock only if the document is still pending, so two scans at once are harmless.
    """
    if not scanning.configured():
        return None
    found = Document.objects.filter(pk=document_id, scan_status=ScanStatus.PENDING).first()
    if found is None:
        return None
    try:
        with found.file.open("rb") as stored:
            result: scanning.ScanResult | None = scanning.scan_chunks(_chunks(stored))
    except scanning.ScannerUnavailable as error:
        logger.warning("clamd still unavailable for document %s: %s", document_id, error)
        result = None
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.scan_status != ScanStatus.PENDING:
            return None
        # A later scan never repeats the file's name: the upload event has it, where it may.
        before = _audit_snapshot(document, withhold_name=True)
        document.scan_attempts += 1
        if result is None:
            document.save(update_fields=["scan_attempts"])
            attempts = document.scan_attempts
            transaction.on_commit(lambda: _queue_rescan(document_id, attempts=attempts), robust=True)
        elif result.clean:
            document.scan_status = ScanStatus.CLEAN
            document.save(update_fields=["scan_status", "scan_attempts"])
            transaction.on_commit(lambda: queue_extraction(document_id), robust=True)
            record_event(
                action="document.scanned",
                obj=document,
                before=before,
                after=_audit_snapshot(document, withhold_name=True),
            )
        else:
            name, storage = document.file.name, document.file.storage
            document.scan_status = ScanStatus.INFECTED
            document.save(update_fields=["scan_status", "scan_attempts"])
            record_event(
                action="document.infected",
                obj=document,
                before=before,
                after=_audit_snapshot(document, withhold_name=True) | {"signature": result.signature},
            )
            transaction.on_commit(lambda: storage.delete(name))
    return document


def scan_pending_documents() -> dict[str, int]:
    """Scan again every document kept while clamd was unreachable (the sweep and the command)."""
    counts = {"clean": 0, "infected": 0, "pending": 0}
    for pk in Document.objects.filter(scan_status=ScanStatus.PENDING).values_list("pk", flat=True):
        document = rescan_document(pk)
        if document is not None:
            key = {ScanStatus.CLEAN: "clean", ScanStatus.INFECTED: "infected"}.get(
                ScanStatus(document.scan_status), "pending"
            )
            counts[key] += 1
    return counts


def open_for_download(document: Document) -> IO[bytes]:
    """The stored bytes of a released document, for a view that has checked permission.

    Records ``document.viewed`` (an access to personal data). Raises ``Document.DoesNotExist`` for a
    document not released (scan pending, infected, no file), which views turn into a 404.
    """
    if not document.is_released:
        raise Document.DoesNotExist("not released")
    record_access(action="document.viewed", obj=document)
    return document.file.open("rb")


def publishable_copy(document: Document) -> ContentFile[bytes]:
    """A copy of a document's bytes fit to publish: author, revision and GPS metadata removed.

    Nothing in the service publishes an uploaded document yet; whatever comes to publish one
    (reports, call-for-evidence material) must publish this copy, never the stored file
    (``evidence.metadata.strip_metadata``). No side effects: the stored document is unchanged.
    """
    if not document.is_released:
        raise Document.DoesNotExist("not released")
    with document.file.open("rb") as stored:
        data = stored.read()
    return ContentFile(metadata.strip_metadata(data, document.content_type), name=document.original_name)


def delete_document(document: Document, *, withhold_name: bool = False) -> None:
    """Remove a document nobody relies on any longer (a draft's evidence taken out before submission).

    Side effects: records ``document.deleted`` (without the file's name with ``withhold_name``),
    takes it out of the search index and deletes the row in the caller's transaction; the stored
    file is deleted once that transaction commits, so a rollback keeps both.
    """
    with transaction.atomic():
        name = document.file.name
        storage = document.file.storage
        record_event(
            action="document.deleted",
            obj=document,
            before=_audit_snapshot(document, withhold_name=withhold_name),
        )
        search.remove_from_index(document.pk)
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# --- Text extraction for search ------------------------------------------------------------------

EXTRACTION_FIELDS = ["extraction_status", "extraction_note", "text_extracted_at"]


def queue_extraction(document_id: int) -> None:
    """Queue ``evidence.tasks.extract_text`` for a document (called once a transaction commits)."""
    from evidence.tasks import extract_text

    extract_text.enqueue(document_id)


def _stored_bytes(document: Document) -> bytes | None:
    try:
        with document.file.open("rb") as stored:
            return stored.read(checks.max_file_size() + 1)
    except OSError as error:
        logger.warning("document %s could not be read for text extraction: %s", document.pk, error)
        return None


def extract_document_text(document_id: int) -> Document | None:
    """Extract a released document's text into ``extracted_text`` and the search index.

    None (nothing done) for a document that does not exist or is not released (scan pending,
    infected, no file). The extraction runs outside any transaction, in a bounded child process
    (``evidence.extraction.run``: time, memory, characters, bytes per archive member); a file
    that fails or takes too long keeps empty text, with ``extraction_status`` and
    ``extraction_note`` saying why, and never raises. The outcome is written under the row's lock
    if the document is still released; records ``document.text_extracted`` (status, note and the
    number of characters, never the text); after commit, sends ``document_text_extracted``.
    """
    found = Document.objects.filter(pk=document_id).first()
    if found is None or not found.is_released:
        return None
    data = _stored_bytes(found)
    if data is None:
        outcome = extraction.Outcome(ExtractionStatus.FAILED, note="the stored file could not be read")
    else:
        outcome = extraction.run(data, found.content_type)
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or not document.is_released:
            return None
        before = snapshot(document, EXTRACTION_FIELDS)
        document.extracted_text = outcome.text
        document.extraction_status = outcome.status
        document.extraction_note = outcome.note[:200]
        document.text_extracted_at = timezone.now()
        document.save(update_fields=["extracted_text", *EXTRACTION_FIELDS])
        search.index_document(document.pk)
        record_event(
            action="document.text_extracted",
            obj=document,
            before=before,
            after=snapshot(document, EXTRACTION_FIELDS) | {"characters": len(document.extracted_text)},
        )
        # Robust: a listener's failure is logged, never turned into a failed extraction.
        transaction.on_commit(
            lambda: document_text_extracted.send(sender=Document, document_id=document_id), robust=True
        )
    return document


def extract_pending_texts(limit: int | None = None) -> dict[str, int]:
    """Extract the text of every released document that has not been through extraction yet
    (the sweep and ``manage.py extract_texts``); counts by outcome."""
    counts: dict[str, int] = {}
    pending = (
        Document.objects.filter(
            extraction_status=ExtractionStatus.PENDING,
            scan_status__in=[ScanStatus.NOT_SCANNED, ScanStatus.CLEAN],
        )
        .exclude(file="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in pending[:limit] if limit else pending:
        document = extract_document_text(pk)
        if document is not None:
            counts[document.extraction_status] = counts.get(document.extraction_status, 0) + 1
    return counts
