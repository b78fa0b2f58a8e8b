"""Benchmark 1, publication day: the public pages and API under wrk while the register changes.

    .venv/bin/python bench/publication_day.py [--database postgresql] [--duration 30]
        [--connections 50] [--workers 5] [--reports 2] [--max-requests 300000]

Builds a service of its own (a new PostgreSQL database ``sc_bench_pubday``, dropped afterwards,
or ``--database sqlite`` for a file in a temporary folder): the public record, and a register
built through the services by ``bench/national.py`` (``--complaints`` complaints, ``--reports`` of
them with a published report of 30 recommendations to 47 addressees and a submitted response to
two-thirds of the obligations). Then, as deployed: gunicorn (``--workers`` sync workers; 5 is
gunicorn's "2 x cores + 1" for two cores), ``DEBUG`` off, the page cache in Redis (``CACHE_URL``,
database ``--redis-db``, emptied first), so every process shares it and the task worker
(``manage.py db_worker``, running) renders purged pages again before a visitor asks.

Three measurements, each bounded by ``--duration`` seconds and ``--max-requests`` requests, at
``--connections`` connections from wrk (Debian's package) on the loopback address:

1. ``quiet``: the mix below, nothing changing;
2. ``changing``: the same mix while a separate process (this script with ``--changer``) makes,
   every second, one public change (it publishes one submitted response to a published report,
   through ``recommendations.responding.publish_response``) and ten private ones (five internal
   notes on complaints, five autosaves of a body's draft complaint);
3. ``static``: the compiled CSS file from the same server, the changer still running.

The mix, taken in turn by every connection: the home page, the register, the complaint page, the
report page and the recommendation matrix of each published report, the API list of
super-complaints and of recommendations. Requests ask for gzip, as browsers do.

Prints one JSON line per measurement (requests/s, p50/p95/p99 ms, errors: any answer but 200 and
any socket error), one for the changer (changes made, seconds behind), and a last line with the
ratio of the changing mix's rate to the static file's and the goals (ratio >= 0.7, p99 < 100 ms,
0 errors). Exits 1 on an error. Not part of the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import HOST, environment, get, start_gunicorn, static_css_path, wait_until_up
from service import PG_BASE, PYTHON, ROOT, free_port, manage, pg_databases

DATABASE = f"sc_bench_pubday_{os.getpid()}"
CHANGER_READY = "changer ready"

# The wrk script: every connection takes the paths in turn; each thread stops after its share of
# the request cap; ``done`` prints the summary as one JSON object.
WRK_SCRIPT = """
local paths = {%(paths)s}
local cap = %(cap)d
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
init = function(args)
  n = 0
  bad = 0
  hit = 0
  stale = 0
  miss = 0
  turn = math.random(#paths)
end
request = function()
  turn = turn %% #paths + 1
  return wrk.format("GET", paths[turn], {["Accept-Encoding"] = "gzip"})
end
response = function(status, headers, body)
  n = n + 1
  if status ~= 200 then bad = bad + 1 end
  local outcome = headers["X-Public-Cache"]
  if outcome == "hit" then hit = hit + 1
  elseif outcome == "stale" then stale = stale + 1
  elseif outcome == "miss" then miss = miss + 1 end
  if n >= cap then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local not_200, hits, stales, misses = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    not_200 = not_200 + thread:get("bad")
    hits = hits + thread:get("hit")
    stales = stales + thread:get("stale")
    misses = misses + thread:get("miss")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "not_200": %%d, "socket_errors": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"hit": %%d, "stale": %%d, "miss": %%d}\\n',
    summary.requests, summary.duration, not_200, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    hits, stales, misses))
end
"""


def wrk(
    port: int, paths: list[str], *, connections: int, threads: int, duration: float, max_requests: int
) -> dict[str, Any]:
    """One bounded wrk run over ``paths``; its summary with the rate and milliseconds added."""
    quoted = ", ".join(json.dumps(path) for path in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted, "cap": max(1, max_requests // threads)})
    try:
        result = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration:g}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://{HOST}:{port}{paths[0]}",
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        )
    finally:
        os.unlink(script.name)
    summary = json.loads(next(line for line in result.stdout.splitlines() if line.startswith("{")))
    seconds = summary["duration_us"] / 1e6
    return {
        "requests": summary["requests"],
        "requests_per_second": round(summary["requests"] / seconds, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 1),
        "p95_ms": round(summary["p95_us"] / 1000, 1),
        "p99_ms": round(summary["p99_us"] / 1000, 1),
        "max_ms": round(summary["max_us"] / 1000, 1),
        "errors": summary["not_200"] + summary["socket_errors"],
        "seconds": round(seconds, 1),
        # How the page cache answered (X-Public-Cache); a static file has none of these.
        "cache": {outcome: summary[outcome] for outcome in ("hit", "stale", "miss")},
    }


def drain(port: int, static: str, seconds: float = 60) -> None:
    """Wait until the server has answered what the last run left queued (sync workers go on with
    requests already accepted after wrk has gone): until a static file comes back within 50 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        get(port, static)
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def mix(env: dict[str, str]) -> list[str]:
    """The paths of the mix, read from the built register."""
    code = (
        "import json\n"
        "from django.urls import reverse\n"
        "from reports.selectors import published_reports\n"
        "refs = list(published_reports().filter(complaint__is_demonstration=True)"
        ".order_by('pk').values_list('complaint__reference', flat=True))\n"
        "paths = [reverse('public:home'), reverse('public:register')]\n"
        "for r in refs:\n"
        "    paths += [reverse(n, args=[r]) for n in ('public:complaint', 'public:report', 'public:recommendations')]\n"
        "paths += [reverse('api:list_super_complaints'), reverse('api:list_recommendations')]\n"
        "print(json.dumps(paths))\n"
    )
    return list(json.loads(manage(env, "shell", "--no-imports", "-c", code).splitlines()[-1]))


def changer(seconds: float, private_per_second: int) -> int:
    """The separate process: each second one public change and ``private_per_second`` private ones,
    through the services; prints what it did as one JSON line."""
    import django

    django.setup()
    from audit.context import SYSTEM, acting_as
    from complaints import drafts
    from complaints.models import ComplaintState, SuperComplaint
    from complaints.services.casefile import add_internal_note
    from organisations.models import Organisation, OrganisationKind
    from recommendations.models import Response, ResponseState
    from recommendations.responding import publish_response

    with acting_as(SYSTEM):
        body = Organisation.objects.filter(kind=OrganisationKind.DESIGNATED_BODY).order_by("pk").first()
        draft = drafts.create_draft(body, None, demonstration=True)
        investigated = list(
            SuperComplaint.objects.filter(is_demonstration=True, state=ComplaintState.INVESTIGATING)[:20]
        )
        waiting = iter(
            Response.objects.filter(
                state=ResponseState.SUBMITTED, obligation__recommendation__report__published_at__isnull=False
            )
            .order_by("?")
            .values_list("pk", flat=True)
        )
        print(CHANGER_READY, flush=True)
        public = private = behind = 0
        started = time.monotonic()
        tick = 0
        while time.monotonic() - started < seconds:
            pk = next(waiting, None)
            if pk is not None:
                publish_response(Response.objects.get(pk=pk))
                public += 1
            for n in range(private_per_second):
                if n % 2:
                    draft = drafts.update_about(
                        draft,
                        title=f"Draft being written {tick}.{n}",
                        subject="A body's draft, saved as it is typed.",
                        harm_explanation="Not yet written.",
                        expected_version=None,
                    )
                else:
                    add_internal_note(investigated[(tick + n) % len(investigated)], text=f"Note {tick}.{n}")
                private += 1
            tick += 1
            pause = started + tick - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                behind += 1
    print(
        json.dumps(
            {
                "name": "publication_day_changer",
                "seconds": round(time.monotonic() - started, 1),
                "public_changes": public,
                "private_changes": private,
                "seconds_that_ran_late": behind,
            }
        ),
        flush=True,
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per measurement (30)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (5)")
    parser.add_argument("--max-requests", type=int, default=300_000, help="cap per measurement")
    parser.add_argument("--complaints", type=int, default=10)
    parser.add_argument("--reports", type=int, default=2)
    parser.add_argument("--private-per-second", type=int, default=10)
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--changer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--hold", type=int, default=0, help="build, serve for this many seconds, measure nothing"
    )
    args = parser.parse_args()
    # Stopped from outside (``--hold`` is ended so), it still stops its servers and drops its database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.changer:
        return changer(args.duration, args.private_per_second)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench-deps` (Debian's wrk package).")

    with tempfile.TemporaryDirectory(prefix="sc-pubday-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        env = environment(workdir)
        if args.database == "postgresql":
            pg_databases([DATABASE], create=True)
            env["DATABASE_URL"] = f"{PG_BASE}/{DATABASE}"
        env.update(
            CACHE_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
            PUBLIC_CACHE_WARM="1",
            # The warmer's requests carry the address visitors use, port included (the page key).
            SITE_URL=f"http://{HOST}:{port}",
        )
        processes: list[subprocess.Popen[Any]] = []
        try:
            for command in (
                ["migrate", "--noinput", "-v", "0"],
                ["load_public_record"],
                ["collectstatic", "--noinput", "-v", "0"],
            ):
                manage(env, *command)
            built = subprocess.run(
                [
                    PYTHON,
                    "bench/national.py",
                    "--complaints",
                    str(args.complaints),
                    "--reports",
                    str(args.reports),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            register = json.loads(built.stdout.strip().splitlines()[-1])
            # The build queued work for the task worker: a warming for each of its transactions
            # (hundreds of renders of pages nobody has asked for yet), the evidence documents'
            # passages to embed with the language model, its e-mails. Dropped, so the worker starts
            # idle, as after a quiet night, and the first pass of the mix stores every page.
            manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from django.core.cache import cache; cache.clear()\n"
                "from django_tasks_db.models import DBTaskResult\n"
                "DBTaskResult.objects.all().delete()",
            )
            paths = mix(env)
            static = static_css_path(workdir / "static")
            if static is None:
                raise SystemExit("No compiled CSS in the static files manifest: run `make frontend` first.")

            processes.append(
                subprocess.Popen(
                    [PYTHON, "manage.py", "db_worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
                )
            )
            server = start_gunicorn(port, args.workers, env)
            processes.append(server)
            wait_until_up(port, server)
            load = {
                "connections": args.connections,
                "threads": args.threads,
                "duration": args.duration,
                "max_requests": args.max_requests,
            }
            if args.hold:
                print(
                    json.dumps({"holding": args.hold, "address": env["SITE_URL"], "paths": paths}), flush=True
                )
                time.sleep(args.hold)
                return 0
            # Every path once, so the quiet run starts from a cache holding the pages.
            wrk(port, paths, connections=1, threads=1, duration=5, max_requests=len(paths) * 2)
            for path in paths:  # each alone, briefly: where the mix's time goes
                alone = wrk(port, [path], **{**load, "duration": min(args.duration, 3)})
                print(json.dumps({"name": "publication_day_quiet_path", "path": path, **alone}), flush=True)
                drain(port, static)
            quiet = wrk(port, paths, **load)
            print(json.dumps({"name": "publication_day_quiet", **quiet, "paths": len(paths)}), flush=True)
            drain(port, static)
            static_quiet = wrk(port, [static], **load)
            print(json.dumps({"name": "publication_day_static_file_quiet", **static_quiet}), flush=True)

            changes = subprocess.Popen(
                [PYTHON, "bench/publication_day.py", "--changer", "--duration", str(args.duration * 2 + 10)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            processes.append(changes)
            assert changes.stdout is not None
            while (line := changes.stdout.readline()) and line.strip() != CHANGER_READY:
                pass
            changing = wrk(port, paths, **load)
            print(json.dumps({"name": "publication_day_changing", **changing}), flush=True)
            drain(port, static)
            static_run = wrk(port, [static], **load)
            print(json.dumps({"name": "publication_day_static_file", **static_run}), flush=True)
            changer_said = changes.communicate(timeout=args.duration * 2 + 120)[0]
            print(changer_said.strip().splitlines()[-1], flush=True)
        finally:
            for process in reversed(processes):
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            if args.database == "postgresql":
                pg_databases([DATABASE], create=False)

    ratio = changing["requests_per_second"] / max(static_run["requests_per_second"], 0.1)
    errors = quiet["errors"] + static_quiet["errors"] + changing["errors"] + static_run["errors"]
    print(
        json.dumps(
            {
                "name": "publication_day",
                "ratio_to_static": round(ratio, 2),
                "quiet_ratio_to_static": round(
                    quiet["requests_per_second"] / max(static_quiet["requests_per_second"], 0.1), 2
                ),
                "p99_ms": changing["p99_ms"],
                "errors": errors,
                "goals": {"ratio": ">= 0.7", "p99_ms": "< 100", "errors": 0},
                "met": ratio >= 0.7 and changing["p99_ms"] < 100 and errors == 0,
                "parameters": {
                    **load,
                    "database": args.database,
                    "gunicorn_sync_workers": args.workers,
                    "private_changes_per_second": args.private_per_second,
                    "public_changes_per_second": 1,
                    "register": register,
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "date": time.strftime("%Y-%m-%d"),
                },
            }
        )
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
