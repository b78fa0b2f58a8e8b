"""Against a real clamd (Debian's clamav-daemon, installed by ``make system-deps``): the EICAR test
string is refused with a clear message and nothing stored; while clamd cannot be reached no file is
released, and a later scan releases it or destroys it.

The test starts its own clamd on a unix socket in a temporary directory, with a signature database
of its own: one ``.hdb`` entry (MD5, size, name) for the EICAR string, since these machines cannot
reach ClamAV's signature mirror. Without clamd installed these tests FAIL, never skip: the upload
checks are only as good as the scanner behind them.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import storages

from audit.models import AuditEvent
from evidence import scanning
from evidence.checks import UploadRejected
from evidence.models import Document, ScanStatus
from evidence.services import open_for_download, rescan_document, scan_pending_documents, store_document
from tests.evidence import corpus, files
from tests.evidence.files import upload
from tests.evidence.test_corpus import assert_nothing_stored, stored_objects

pytestmark = pytest.mark.django_db

SIGNATURE = "Uploads-Test-EICAR"
READY_WITHIN = 60.0  # seconds: loading one signature takes a second or two


def clamd_binary() -> str:
    found = shutil.which("clamd") or next(
        (p for p in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if Path(p).is_file()), None
    )
    if found is None:
        pytest.fail(
            "clamd is not installed. `make system-deps` installs Debian's clamav-daemon; "
            "the virus-scan tests need a real clamd and never skip."
        )
    return found


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory) -> Iterator[str]:
    """A clamd of this test's own, on a unix socket, knowing only the EICAR signature."""
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    (database / "uploads-test.hdb").write_text(
        f"{hashlib.md5(corpus.EICAR).hexdigest()}:{len(corpus.EICAR)}:{SIGNATURE}\n"  # noqa: S324 - ClamAV's format
    )
    socket_path = root / "clamd.sock"
    config = root / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {root}",
                f"LogFile {root / 'clamd.log'}",
                "Foreground yes",
                "StreamMaxLength 30M",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [clamd_binary(), "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + READY_WITHIN
        while True:
            if process.poll() is not None:
                log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
                pytest.fail(f"clamd stopped at start (exit {process.returncode}):\n{log[-2000:]}")
            if socket_path.exists() and _pings(str(socket_path)):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"clamd did not answer PING within {READY_WITHIN:.0f} seconds")
            time.sleep(0.2)
        yield str(socket_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _pings(path: str) -> bool:
    from django.test import override_settings

    with override_settings(CLAMD_SOCKET=path, CLAMD_HOST="", CLAMD_TIMEOUT=5):
        return scanning.ping()


@pytest.fixture
def clamd(settings, clamd_socket) -> str:
    settings.CLAMD_SOCKET = clamd_socket
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 10
    return clamd_socket


@pytest.fixture
def clamd_down(settings, tmp_path) -> None:
    """clamd configured, but nothing listens on its socket."""
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    settings.CLAMD_HOST = ""


def test_the_eicar_string_is_refused_with_a_clear_message_and_nothing_is_stored(clamd):
    with pytest.raises(UploadRejected) as refused:
        store_document(upload("notes.txt", corpus.EICAR))
    assert str(refused.value) == (
        "“notes.txt” contains a virus, so it cannot be accepted and was not kept. Check your computer "
        "with your antivirus software, and upload a copy of the document that is free of viruses."
    )
    assert_nothing_stored()


def test_clamd_speaks_instream_ok_and_found(clamd):
    assert scanning.scan_chunks([b"an ordinary line of text\n"]) == scanning.ScanResult(clean=True)
    # Split across chunks, the signature is still found: clamd sees one stream.
    found = scanning.scan_chunks([corpus.EICAR[:30], corpus.EICAR[30:]])
    assert not found.clean and found.signature.startswith(SIGNATURE)


def test_a_clean_file_is_scanned_stored_and_released(clamd):
    document = store_document(upload("report.pdf", files.pdf_bytes()))
    assert document.scan_status == ScanStatus.CLEAN
    assert document.is_released
    with open_for_download(document) as handle:
        assert handle.read() == files.pdf_bytes()


def test_while_clamd_is_unreachable_no_file_is_released(clamd_down):
    document = store_document(upload("report.pdf", files.pdf_bytes()))
    assert document.scan_status == ScanStatus.PENDING
    assert not document.is_released
    assert stored_objects() == [document.file.name]  # kept, to scan later
    with pytest.raises(Document.DoesNotExist):
        open_for_download(document)
    assert not AuditEvent.objects.filter(action="document.viewed").exists()
    # Still unreachable: counted, still pending.
    assert rescan_document(document.pk).scan_status == ScanStatus.PENDING
    document.refresh_from_db()
    assert (document.scan_status, document.scan_attempts) == (ScanStatus.PENDING, 1)


def test_a_later_scan_releases_a_clean_pending_file(
    clamd_down, settings, clamd_socket, django_capture_on_commit_callbacks
):
    document = store_document(upload("report.pdf", files.pdf_bytes()))
    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_pending_documents() == {"clean": 1, "infected": 0, "pending": 0}
    document.refresh_from_db()
    assert document.scan_status == ScanStatus.CLEAN and document.is_released
    # Released: its text is extracted for search (the test task backend runs the task at once).
    assert (document.extraction_status, document.extracted_text) == (
        "extracted",
        "Evidence for the super-complaint",
    )
    assert AuditEvent.objects.filter(action="document.scanned", object_id=str(document.pk)).exists()
    assert rescan_document(document.pk) is None  # no longer pending: nothing to do


def test_a_later_scan_destroys_an_infected_pending_file(
    clamd_down, settings, clamd_socket, django_capture_on_commit_callbacks
):
    document = store_document(upload("notes.txt", corpus.EICAR))
    name = document.file.name
    settings.CLAMD_SOCKET = clamd_socket
    with django_capture_on_commit_callbacks(execute=True):
        rescanned = rescan_document(document.pk)
    assert rescanned is not None and rescanned.scan_status == ScanStatus.INFECTED
    assert not storages["documents"].exists(name)
    assert not rescanned.is_released
    event = AuditEvent.objects.get(action="document.infected")
    assert event.after["signature"].startswith(SIGNATURE)
