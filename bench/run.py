"""The first benchmark: requests per second and p99 latency of the real server.

Starts gunicorn (2 sync workers, DEBUG off) on 127.0.0.1 with a migrated SQLite database in a
temporary folder holding the public record, static files collected, then loads each target with a
fixed number of client threads for a bounded time and prints a table. Loopback only.

    .venv/bin/python bench/run.py [--duration 10] [--concurrency 4] [--max-requests 20000]

The load generator is Python (threads and http.client), so on a small machine it competes with the
server for the same cores: the figures are a floor for the server, comparable run to run on the
same machine, not a capacity planning number.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
HOST = "127.0.0.1"

TARGETS = [
    ("Register page", "/super-complaints/"),
    ("Complaint page (Hestia)", "/super-complaints/SC-2019-002/"),
    ("API list", "/api/v1/super-complaints"),
    ("API list of recommendations", "/api/v1/recommendations"),
    ("Static CSS file", None),  # its hashed name is read from the static files manifest
]


@dataclass
class Result:
    name: str
    path: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        # Nearest rank: the smallest latency that p % of the requests did not exceed.
        index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
        return ordered[index] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECURE="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        BENCH_STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="ERROR",  # the skipped pages would log each 404
        SITE_URL=f"http://{HOST}",
        # One client address makes every request here: the per-address limits would answer 429.
        API_RATE_LIMIT_PER_MINUTE="100000000",
        SEARCH_RATE_LIMIT_PER_MINUTE="100000000",
        CASEWORK_TEAM_EMAIL="bench@example.org",
        AUDIT_HMAC_KEYS="bench:" + secrets.token_urlsafe(40),
        AUDIT_CHECKPOINT_DIR=str(workdir / "checkpoints"),
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_public_record"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        print(f"$ manage.py {' '.join(command)}", flush=True)
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before it was ready")
        with contextlib.suppress(OSError):
            if get(port, "/api/openapi.json", timeout=2)[0] == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s")


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """gunicorn serving ``config.wsgi`` on the loopback ``port`` with ``workers`` sync workers."""
    return subprocess.Popen(
        [GUNICORN, "config.wsgi", "-b", f"{HOST}:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )


def static_css_path(static_root: Path) -> str | None:
    manifest = static_root / "staticfiles.json"
    if not manifest.exists():
        return None
    paths = json.loads(manifest.read_text())["paths"]
    hashed = paths.get("dist/application.css")
    return f"/static/{hashed}" if hashed else None


def measure(
    name: str, path: str, port: int, *, duration: float, concurrency: int, max_requests: int
) -> Result:
    result = Result(name, path)
    lock = threading.Lock()
    issued = 0
    stop_at = time.perf_counter() + duration

    def worker() -> None:
        nonlocal issued
        while time.perf_counter() < stop_at:
            with lock:
                if issued >= max_requests:
                    return
                issued += 1
            started = time.perf_counter()
            try:
                status, _body = get(port, path)
            except OSError:
                status = 0
            took = time.perf_counter() - started
            with lock:
                if status == 200:
                    result.latencies.append(took)
                else:
                    result.errors += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per target (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--max-requests", type=int, default=20000, help="cap per target (default 20000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sc-bench-") as tmp:
        workdir = Path(tmp)
        env = environment(workdir)
        prepare(env)
        print("$ bench/profile_pages.py (uncached renders: queries and ms)", flush=True)
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "profile_pages.py"), "--runs", "10"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        server = start_gunicorn(port, args.workers, env)
        try:
            wait_until_up(port, server)
            results, skipped = [], []
            for name, path in TARGETS:
                path = path or static_css_path(workdir / "static")
                if path is None:
                    skipped.append(f"{name}: no compiled CSS in the manifest (run `make frontend` first)")
                    continue
                status, _ = get(port, path)
                if status != 200:
                    skipped.append(
                        f"{name}: {path} answered {status}, so it was not measured (page not built yet?)"
                    )
                    continue
                for _ in range(20):  # warm up both workers
                    get(port, path)
                print(f"measuring {path} ...", flush=True)
                results.append(
                    measure(
                        name,
                        path,
                        port,
                        duration=args.duration,
                        concurrency=args.concurrency,
                        max_requests=args.max_requests,
                    )
                )
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    print()
    print(
        f"gunicorn {args.workers} sync workers, SQLite, DEBUG off; client: {args.concurrency} threads, "
        f"{args.duration:g} s per target; {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    print()
    print("| Target | Path | Requests | Errors | Requests/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.name} | `{r.path}` | {r.ok} | {r.errors} | {r.ok / r.elapsed:.0f} | "
            f"{r.percentile(50):.1f} | {r.percentile(99):.1f} |"
        )
    for line in skipped:
        print(f"skipped: {line}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
