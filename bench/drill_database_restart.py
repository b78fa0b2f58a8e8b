"""Reliability drill: PostgreSQL is restarted while people are sending answers.

    .venv/bin/python bench/drill_database_restart.py [--seconds 12] [--restart-after 4]

RESTARTS THE MACHINE'S POSTGRESQL CLUSTER (``pg_ctlcluster ... restart``): run it from
``make bench`` or by hand, never beside a test run that uses the same server.

Builds a service on its own PostgreSQL database (``sc_drill_restart``), migrated, with the public
record and one open call for evidence (built through the services, on a demonstration complaint),
and serves it with gunicorn (2 sync workers, ``DEBUG`` off, as in production). Four client threads
then answer the call for ``--seconds`` seconds, each answer carrying a unique marker: open the form,
send it with its CSRF token. After ``--restart-after`` seconds the cluster is restarted.

Every answer must end one of two ways: accepted (a redirect to the receipt), or refused with the
service's "unavailable for a moment" page (503) while the database is away, which the client
then sends again, as a person would, once the database is back. Afterwards every accepted marker
must be in the database exactly once, every refused one must have been accepted on its second
try, and no request may have had a 500 or a dropped connection.

Prints one JSON line and exits 1 if anything was lost, stored twice, or answered with an error.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import http.cookies
import json
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from service import PG_BASE, ROOT, free_port, manage, pg_databases, service_env, wait_for

DATABASE = "sc_drill_restart"
HOST = "127.0.0.1"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

OPEN_A_CALL = """
import datetime
from django.utils import timezone
from calls.services import QuestionSpec, open_call
from complaints.models import ComplaintState, SuperComplaint
from deadlines.rules import to_london_date
from operations.demo import build_demo_lifecycle
build_demo_lifecycle()
complaint = SuperComplaint.objects.filter(is_demonstration=True, state=ComplaintState.INVESTIGATING).first()
today = to_london_date(timezone.now())
call = open_call(complaint, title="Drill call", introduction="A drill.", opens_on=today,
                 closes_on=today + datetime.timedelta(days=30), questions=[QuestionSpec("What happened?")])
print(f"/super-complaints/{complaint.reference}/calls-for-evidence/{call.pk}/")
"""


class Client:
    """One person's browser, reduced: a cookie jar and one connection a request."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {
            "Host": f"{HOST}:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{HOST}:{self.port}"}
            )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        finally:
            connection.close()


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    if match is None:
        raise RuntimeError(f"the form has no field {name}")
    return match.group(1)


def answer(client: Client, path: str, marker: str) -> str:
    """Open the form and send it; returns "accepted", "unavailable" or what went wrong."""
    try:
        status, _headers, html = client.request("GET", path)
        if status == 503:
            return "unavailable"
        if status != 200:
            return f"form answered {status}"
        question = re.search(r'name="(answer_\d+)"', html)
        if question is None:
            return "no question on the form"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": _field(html, "csrfmiddlewaretoken"),
                "consent_version": _field(html, "consent_version"),
                "started": _field(html, "started"),
                question.group(1): marker,
                "anonymous": "yes",
                "consent": "on",
                "website": "",
            }
        )
        status, headers, _html = client.request("POST", path, body)
    except OSError as error:  # a dropped connection is a failure too
        return f"connection error: {type(error).__name__}"
    if status == 302 and "/receipt/" in headers.get("Location", ""):
        return "accepted"
    if status == 503:
        return "unavailable"
    return f"answered {status}"


def drill(seconds: float, restart_after: float, *, restart: bool = True) -> dict[str, object]:
    cluster = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    with tempfile.TemporaryDirectory(prefix="drill-restart-") as tmp:
        folder = Path(tmp)
        pg_databases([DATABASE], create=True)
        env = service_env(
            folder,
            f"{PG_BASE}/{DATABASE}",
            DJANGO_DEBUG="0",
            DJANGO_SECURE="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_STATIC_ROOT=str(folder / "static"),
            SITE_URL=f"http://{HOST}",
            CASEWORK_TEAM_EMAIL="drill@example.org",
            AUDIT_HMAC_KEYS="drill:" + secrets.token_urlsafe(40),
            # One client address sends everything, as fast as it can.
            CALL_RESPONSE_RATE_LIMIT_PER_HOUR="100000000",
            CALL_RESPONSE_MIN_SECONDS="0",
            LOG_LEVEL="CRITICAL",
            PYTHONPATH=str(ROOT),
        )
        server = None
        try:
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "load_public_record")
            manage(env, "collectstatic", "--noinput", "-v", "0")
            path = manage(env, "shell", "--no-imports", "-c", OPEN_A_CALL).splitlines()[-1]
            port = free_port()
            server = subprocess.Popen(
                [
                    GUNICORN,
                    "config.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"{HOST}:{port}",
                    "--log-level",
                    "critical",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for(f"http://{HOST}:{port}{path}")

            outcomes: dict[str, str] = {}
            lock = threading.Lock()
            stop = threading.Event()

            def person(n: int) -> None:
                client = Client(port)
                i = 0
                while not stop.is_set():
                    marker = f"drill-{n}-{i}-{secrets.token_hex(4)}"
                    result = answer(client, path, marker)
                    with lock:
                        outcomes[marker] = result
                    i += 1

            threads = [threading.Thread(target=person, args=(n,)) for n in range(4)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(restart_after)
            restart_began = time.monotonic() - started
            if restart:
                subprocess.run(
                    ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart", "-m", "fast"],
                    check=True,
                    capture_output=True,
                )
            restart_took = time.monotonic() - started - restart_began
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

            # Each refused answer, sent again now the database is back.
            retried = {}
            client = Client(port)
            for marker, result in outcomes.items():
                if result == "unavailable":
                    retried[marker] = answer(client, path, marker)

            stored = manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "import json; from calls.models import ResponseAnswer; "
                "print(json.dumps(list(ResponseAnswer.objects.values_list('text', flat=True))))",
            ).splitlines()[-1]
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            pg_databases([DATABASE], create=False)

    counts = collections.Counter(json.loads(stored))
    accepted = [m for m, r in outcomes.items() if r == "accepted" or retried.get(m) == "accepted"]
    unexpected = {m: r for m, r in outcomes.items() if r not in ("accepted", "unavailable")}
    retry_failures = {m: r for m, r in retried.items() if r != "accepted"}
    lost = [m for m in accepted if counts[m] == 0]
    twice = [m for m, n in counts.items() if n > 1]
    return {
        "name": "drill_database_restart",
        "answers_sent": len(outcomes),
        "accepted_first_time": sum(1 for r in outcomes.values() if r == "accepted"),
        "told_unavailable_503": len(retried),
        "accepted_on_retry": sum(1 for r in retried.values() if r == "accepted"),
        "other_outcomes": collections.Counter(unexpected.values())
        | collections.Counter(retry_failures.values()),
        "stored": sum(counts.values()),
        "lost": len(lost),
        "stored_twice": len(twice),
        "restart_seconds": round(restart_took, 1),
        # A restart that no request noticed proves nothing: the drill then fails, to be run again.
        "ok": not unexpected
        and not retry_failures
        and not lost
        and not twice
        and (len(retried) > 0 or not restart),
        "restarted": restart,
        "parameters": {"seconds": seconds, "restart_after": restart_after, "clients": 4, "workers": 2},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--restart-after", type=float, default=4)
    parser.add_argument("--dry-run", action="store_true", help="the same, without restarting PostgreSQL")
    args = parser.parse_args()
    result = drill(args.seconds, args.restart_after, restart=not args.dry_run)
    print(json.dumps(result, default=dict))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
