"""Fixtures for the whole test suite."""

import os
import shutil

import pytest

# The audit trail refuses DELETE and TRUNCATE; this lets Django's flush between transactional and
# live-server tests through, and nothing else (see tests/audit/guard.py).
from tests.audit.guard import audit_trail_flushable  # noqa: F401

# The Debian chromium package: `playwright install` cannot download a browser on these machines.
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config, items):
    """Playwright's sync API keeps an event loop running in the main thread from the first browser
    test to the end of the session, and Django then refuses every database call made in that thread
    ("cannot call this from an async context"), the test database's set-up and flush included. The
    calls are not async at all, so lift the guard, only in runs that include browser tests."""
    if any(item.get_closest_marker("browser") for item in items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
