"""Test settings: the production settings, with only what tests need overridden."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("SITE_URL", "https://super-complaints.test")
os.environ.setdefault("CASEWORK_TEAM_EMAIL", "team@super-complaints.test")
os.environ.setdefault("AUDIT_HMAC_KEYS", "test-2026:test-only-audit-key-" + "k" * 32)
# Each test process writes its checkpoints to a directory of its own.
os.environ.setdefault("AUDIT_CHECKPOINT_DIR", tempfile.mkdtemp(prefix="audit-checkpoints-"))

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# No clamd unless a test starts one (tests/evidence/test_clamd.py).
CLAMD_SOCKET = ""
CLAMD_HOST = ""
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
# Pages are warmed only by the tests of warming (tests/pagecache/test_warm.py), which share a cache
# the test can see; every other cache test expects a visitor's first request to be a miss.
PUBLIC_CACHE_WARM = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise warns on every request without it)
