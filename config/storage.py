"""Where documents are kept: chosen by configuration, never served by the web server.

``STORAGES["documents"]`` holds every stored document (complaint evidence, information-request
returns and templates, letters; docs/decisions/0021-document-store.md). By default it is a
directory on the local file system outside anything served (``DOCUMENT_ROOT``). For a deployment on
more than one server, ``DOCUMENT_STORAGE_URL`` names an S3-compatible bucket, reached through
django-storages:

    s3://bucket-name/optional/prefix?endpoint_url=https://objects.example.org&region_name=eu-west-2

Credentials come from the environment the usual way for boto3 (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, or the instance's role); they are never put in the URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Query parameters passed on to django-storages' S3Storage as they are.
_S3_OPTIONS = {"endpoint_url", "region_name", "signature_version", "addressing_style"}


def documents_storage(url: str, root: Path) -> dict[str, Any]:
    """The ``STORAGES["documents"]`` entry for ``DOCUMENT_STORAGE_URL`` (empty: the file system)."""
    if not url:
        return {
            # No URLs: a document has no address of its own, only the permission-checked views.
            "BACKEND": "evidence.storage.PrivateFileSystemStorage",
            "OPTIONS": {
                "location": str(root),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured("DOCUMENT_STORAGE_URL must look like s3://bucket/prefix?endpoint_url=...")
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "DOCUMENT_STORAGE_URL must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
        )
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # Private objects, reached only through the service: no public ACL, no guessable URL.
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    for name, value in parse_qsl(parts.query):
        if name not in _S3_OPTIONS:
            raise ImproperlyConfigured(f"DOCUMENT_STORAGE_URL: unknown option {name!r}")
        options[name] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
