"""The shipped production server (config/gunicorn.conf.py) survives slow clients: two connections
trickling their headers do not stall another visitor, even with a single worker.

The server runs for real on a free loopback port. The only time limit is a generous one that
proves "not stalled"; a control run with gunicorn's sync worker shows the same scenario does stall
a server that gives each connection a worker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PAGE = "/account/sign-in/"

# The server runs on a SQLite database of its own whatever DATABASE_URL names.
pytestmark = [pytest.mark.slow, pytest.mark.own_database]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_WORKERS": "1",
    }


@contextlib.contextmanager
def running(args: list[str], tmp_path: Path, port: int) -> Iterator[None]:
    process = subprocess.Popen(
        [str(GUNICORN), *args, "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=server_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        # The first request loads Django; make it before the slow clients arrive.
        assert fetch(port, timeout=60) == 200
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(port: int, *, timeout: float) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{PAGE}", timeout=timeout) as response:
        return response.status


@contextlib.contextmanager
def tricklers(port: int, count: int = 2) -> Iterator[None]:
    """``count`` connections that send a request line and then one header byte at a time."""
    stop = threading.Event()
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]

    def trickle(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(f"GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
            while not stop.is_set():
                sock.sendall(b"X")
                stop.wait(0.3)

    threads = [threading.Thread(target=trickle, args=(sock,), daemon=True) for sock in sockets]
    for thread in threads:
        thread.start()
    time.sleep(1)  # the slow requests are in the server before the visitor comes
    try:
        yield
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        for thread in threads:
            thread.join(timeout=5)


def test_two_trickling_connections_do_not_stall_another_visitor(tmp_path):
    port = free_port()
    with running(["-c", "config/gunicorn.conf.py", "config.asgi"], tmp_path, port), tricklers(port):
        # Generous: a stalled server never answers while the tricklers keep going.
        assert fetch(port, timeout=15) == 200
        assert fetch(port, timeout=15) == 200


def test_control_a_worker_per_connection_is_stalled_by_them(tmp_path):
    port = free_port()
    # socket.timeout or URLError: no answer while they trickle.
    with (
        running(["-k", "sync", "-w", "1", "config.wsgi"], tmp_path, port),
        tricklers(port),
        pytest.raises(OSError),
    ):
        fetch(port, timeout=3)
