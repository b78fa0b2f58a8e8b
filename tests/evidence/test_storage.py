"""The documents store is chosen by configuration: the file system by default, S3 when configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import StorageHandler

from config import settings as production_settings
from config.storage import documents_storage
from evidence.storage import PrivateFileSystemStorage


def test_by_default_documents_live_on_the_file_system_outside_anything_served(tmp_path):
    entry = documents_storage("", tmp_path / "documents")
    storage = StorageHandler({"documents": entry})["documents"]
    assert isinstance(storage, PrivateFileSystemStorage)
    assert storage.location == str(tmp_path / "documents")
    assert storage.file_permissions_mode == 0o600
    name = storage.save("documents/ab/abcdef", ContentFile(b"evidence"))
    assert (tmp_path / "documents" / name).read_bytes() == b"evidence"
    with pytest.raises(NotImplementedError):
        storage.url(name)  # no URL of its own


def test_the_default_document_root_is_not_the_static_root_nor_media():
    root = Path(production_settings.DOCUMENT_ROOT)
    assert root != Path(production_settings.STATIC_ROOT)
    assert root != Path(production_settings.MEDIA_ROOT)


def test_an_s3_url_selects_django_storages_s3_backend_without_touching_the_network():
    from storages.backends.s3 import S3Storage

    entry = documents_storage(
        "s3://sc-documents/evidence?endpoint_url=https://objects.example.org&region_name=eu-west-2",
        Path("/unused"),
    )
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = StorageHandler({"documents": entry})["documents"]
    assert isinstance(storage, S3Storage)
    assert (storage.bucket_name, storage.location, storage.endpoint_url, storage.region_name) == (
        "sc-documents",
        "evidence",
        "https://objects.example.org",
        "eu-west-2",
    )
    assert (storage.default_acl, storage.querystring_auth, storage.file_overwrite) == ("private", True, False)


@pytest.mark.parametrize(
    "url",
    [
        "https://sc-documents/evidence",
        "s3:///no-bucket",
        "s3://key:secret@sc-documents/",
        "s3://sc-documents/?acl=public-read",
    ],
)
def test_a_wrong_storage_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured):
        documents_storage(url, Path("/unused"))


def test_no_url_serves_media(client):
    # Nothing is routed under MEDIA_URL: a stored key is not an address.
    assert client.get("/media/documents/ab/abcdef").status_code == 404
