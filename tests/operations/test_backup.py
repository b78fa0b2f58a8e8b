"""Backup and restore (operations/backup.py, `manage.py backup` / `restore`).

The drill runs the real thing in separate processes: a running service backed up while a writer
goes on, restored into an empty database of the same kind as this suite's, then checked. The
other tests prove the check itself notices every kind of difference.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from operations.backup import BackupError, backup, check_restored, restore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stored_files(tmp_path):
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test import override_settings

    # The storages the models' file fields hold: bound once, when the models were defined.
    kept = {alias: storages[alias] for alias in ("default", "documents")}
    # The suite keeps files in memory; these tests need them on disk, where a backup finds them.
    with override_settings(
        MEDIA_ROOT=str(tmp_path / "media"),
        STORAGES={
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "documents": {
                "BACKEND": "evidence.storage.PrivateFileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "documents")},
            },
        },
        AUDIT_CHECKPOINT_DIR=str(tmp_path / "checkpoints"),
    ):
        yield tmp_path
    # Leaving the override made Django build new storages on the next use: give back the ones the
    # file fields hold, or a file saved through a field (a letter's PDF) is not found by name
    # (the outbox attaching it) in the later tests of this process.
    for alias, storage in kept.items():
        storages._storages[alias] = storage


@pytest.mark.slow
def test_the_drill_backs_up_a_running_service_and_restores_it_equal():
    vendor = connection.vendor
    result = subprocess.run(
        [sys.executable, "bench/drill_backup.py", "--database", vendor, "--writes-during", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    # The writer went on after the snapshot: the backup holds what was there at that moment.
    assert 3 <= figures["documents_in_backup"] <= figures["documents_in_service_after_writes"]
    assert figures["files"] >= figures["documents_in_backup"]
    assert figures["restore"].startswith("Restored and checked:")
    assert f"{figures['audit_events']} events" in figures["verify_audit"]


@pytest.mark.django_db(transaction=True)
def test_the_check_names_every_difference(stored_files):
    # A stored file (written straight into the documents folder: the suite's FileFields keep theirs
    # in memory, and a field's storage is fixed when the model is loaded).
    (stored_files / "documents" / "ab").mkdir(parents=True)
    (stored_files / "documents" / "ab" / "abcdef").write_bytes(b"first file\n" * 10)
    manifest = backup(stored_files / "backup")
    assert check_restored(manifest).ok  # the service compared with its own backup

    # A file changed, a row more, an audit head that is not the backup's.
    changed = json.loads(json.dumps(manifest))
    (relative,) = changed["files"]
    index, _, rest = relative.partition("/")
    path = Path(manifest["file_roots"][int(index)]) / rest
    path.write_bytes(b"altered")
    changed["tables"]["django_migrations"] -= 1
    changed["audit"]["head"] = "f" * 64
    problems = check_restored(changed).problems
    assert any("checksum differs" in p for p in problems)
    assert any(p.startswith("table django_migrations:") for p in problems)
    assert any(p.startswith("audit trail has") for p in problems)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(stored_files):
    manifest_folder = stored_files / "backup"
    backup(manifest_folder)
    with pytest.raises(BackupError, match="not empty"):
        restore(manifest_folder)
    with pytest.raises(BackupError, match="not empty"):
        backup(manifest_folder)
