"""Documents are stored under their digest, with the type their content proved, and audited."""

import hashlib
import re

import pytest
from django.core.files.storage import storages

from audit.models import AuditEvent
from evidence.checks import UploadRejected
from evidence.models import Document
from evidence.services import delete_document, store_document
from tests.evidence import files
from tests.evidence.files import upload
from tests.portal.support import person

pytestmark = pytest.mark.django_db


def test_a_stored_document_is_kept_under_a_random_key_not_its_name_nor_its_digest():
    content = files.pdf_bytes()
    user = person("pat@example.org")
    document = store_document(
        upload("../../etc/Our report.pdf", content, content_type="text/html"), user=user, description="Report"
    )
    digest = hashlib.sha256(content).hexdigest()
    document.refresh_from_db()
    assert document.sha256 == digest
    assert re.fullmatch(r"documents/([0-9a-f]{2})/\1[0-9a-f]{30}", document.file.name)
    assert digest not in document.file.name
    assert document.original_name == "Our report.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(content)
    assert document.uploaded_by == user
    with storages["documents"].open(document.file.name, "rb") as stored:
        assert stored.read() == content
    event = AuditEvent.objects.get(action="document.uploaded")
    assert event.object_id == str(document.pk)
    assert event.after["sha256"] == digest
    assert event.after["content_type"] == "application/pdf"


def test_a_refused_file_stores_nothing():
    with pytest.raises(UploadRejected):
        store_document(upload("photo.pdf", files.png_bytes()))
    assert Document.objects.count() == 0
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()


def test_deleting_a_document_removes_its_file_after_commit(django_capture_on_commit_callbacks):
    document = store_document(upload("notes.txt", b"some notes"))
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_document(document)
    assert not Document.objects.filter(sha256=document.sha256).exists()
    assert storages["documents"].exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not storages["documents"].exists(name)
    assert AuditEvent.objects.filter(action="document.deleted").count() == 1
