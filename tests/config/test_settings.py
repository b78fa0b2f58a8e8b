"""Settings come from the environment; bad values stop the service at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k3y-" + "f7Q9xZ2pL8vB4nM6tR1wE5yU0iO3aS7dG9hJ2kL4zX6cV8bN1mQ",
    "DJANGO_ALLOWED_HOSTS": "super-complaints.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://super-complaints.example.org",
    "CASEWORK_TEAM_EMAIL": "super-complaints@example.org",
    "AUDIT_HMAC_KEYS": "2026:Xq7vN2pL9bR4tW8yK3mZ6cF1hJ5sD0gA",
}


def manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "SITE_URL", "CASEWORK_", "AUDIT_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_like_variables():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short"}, "at least 50 characters"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name at least one host"),
        ({"DATABASE_URL": "nosuchdb://x"}, "nosuchdb"),
        ({"DJANGO_HSTS_SECONDS": "a year"}, "DJANGO_HSTS_SECONDS='a year' is not a whole number"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
        ({"SITE_URL": "https://example.org/path"}, "must be a scheme and host only"),
        ({"SITE_URL": "example.org"}, "must be a scheme and host only"),
        ({"CASEWORK_TEAM_EMAIL": ""}, "CASEWORK_TEAM_EMAIL must be"),
        ({"AUDIT_HMAC_KEYS": ""}, "AUDIT_HMAC_KEYS must be set"),
        ({"AUDIT_HMAC_KEYS": "2026:short"}, "the secret of key '2026' must be at least 32 characters"),
        ({"AUDIT_HMAC_KEYS": "no id here"}, "each key is id:secret"),
        (
            {"AUDIT_HMAC_KEYS": "a:" + "x" * 32 + ",b:" + "y" * 32},
            "AUDIT_HMAC_KEY_ID must name the current key",
        ),
        ({"AUDIT_HMAC_KEY_ID": "2025"}, "AUDIT_HMAC_KEY_ID='2025' is not one of the keys"),
    ],
)
def test_bad_values_fail_loudly_at_start_up(override, message):
    result = manage("check", env={**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_development_defaults_need_only_debug():
    result = manage("check", env={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("override", "warmed"),
    [
        ({}, "False"),  # each process's own memory: pages the worker stored would serve nobody
        ({"CACHE_URL": "redis://cache.example.org:6379/0"}, "True"),
        ({"CACHE_URL": "dbcache://public_pages"}, "True"),
        ({"CACHE_URL": "redis://cache.example.org:6379/0", "PUBLIC_CACHE_WARM": "0"}, "False"),
    ],
)
def test_public_pages_are_warmed_by_default_only_with_a_cache_every_process_shares(override, warmed):
    code = "from django.conf import settings; print(settings.PUBLIC_CACHE_WARM)"
    result = manage("shell", "-c", code, env={**PRODUCTION, **override})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == warmed


@pytest.mark.parametrize(
    ("override", "backend", "local_bytes"),
    [
        ({}, "django.core.cache.backends.locmem.LocMemCache", "0"),
        (
            {"CACHE_URL": "redis://cache.example.org:6379/0"},
            "common.redis_cache.RedisCache",
            str(32 * 1024 * 1024),
        ),
        (
            {"CACHE_URL": "dbcache://public_pages"},
            "django.core.cache.backends.db.DatabaseCache",
            str(32 * 1024 * 1024),
        ),
    ],
)
def test_redis_keeps_its_clients_and_a_shared_cache_gets_local_copies(override, backend, local_bytes):
    code = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['ratelimit']['BACKEND'], "
        "settings.PUBLIC_CACHE_LOCAL_BYTES)"
    )
    result = manage("shell", "-c", code, env={**PRODUCTION, **override})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [backend, backend, local_bytes]
