"""Every process sees every purge: two real web processes and a third that makes the change.

Starts two gunicorn processes (one worker each) on loopback ports over one SQLite file, fills
each one's own page cache, changes the register from a third process (``manage.py shell``, as the
task worker or a management command would), and checks that both serve the new page on their very
next request. Bounded: every wait has a limit, and the processes are ended at the end.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(env: dict[str, str], *args: str) -> None:
    # The limits here only stop a hung process; a loaded machine can take minutes to migrate.
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=600, capture_output=True
    )


def get(port: int, path: str) -> tuple[str, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as answer:
        return answer.headers.get("X-Public-Cache", ""), answer.read().decode()


def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, "the web process ended"
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


@pytest.fixture(autouse=True)
def page_cache():
    """In place of the package's (tests/pagecache/conftest.py): this test's processes serve a
    database and a cache of their own, so nothing is loaded or emptied here."""


@pytest.fixture
def environment(tmp_path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "PUBLIC_CACHE_SECONDS": "3600",
        "CACHE_URL": "locmemcache://",  # each process its own memory: only the versions are shared
        # And each its own copies of the pages it served, as with a shared cache (pagecache.cache).
        "PUBLIC_CACHE_LOCAL_BYTES": str(8 * 1024 * 1024),
        "DJANGO_DEBUG": "0",
    }
    run(env, "migrate", "--noinput", "-v0")
    run(env, "load_public_record")
    return env


@pytest.fixture
def two_web_processes(environment) -> Iterator[list[int]]:
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--config",
                "/dev/null",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_up(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


# The processes share a SQLite database of their own whatever DATABASE_URL names.
@pytest.mark.slow
@pytest.mark.own_database
def test_a_change_in_another_process_reaches_every_web_process_on_the_next_request(
    environment, two_web_processes
):
    pages = [
        "/designated-bodies/",
        "/super-complaints/SC-2019-002/",
        "/api/v1/organisations?kind=designated_body",
    ]
    for port in two_web_processes:
        for path in pages:
            get(port, path)
            outcome, body = get(port, path)
            assert outcome == "hit", (port, path)
            assert "Hestia" in body and "Hestia Housing Trust" not in body

    run(
        environment,
        "shell",
        "-c",
        "from organisations.models import Organisation as O; o = O.objects.get(name='Hestia'); "
        "o.name = 'Hestia Housing Trust'; o.save()",
    )

    for port in two_web_processes:
        for path in pages:
            outcome, body = get(port, path)
            assert outcome == "miss", (port, path)
            assert "Hestia Housing Trust" in body, (port, path)
