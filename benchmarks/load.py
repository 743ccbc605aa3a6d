"""Load test: gunicorn + PostgreSQL + the demo world, 32 concurrent users, against bare Flask.

Run: ``.venv/bin/python benchmarks/load.py [--duration 30] [--users 32] [--workers 2]
[--threads 16] [--skip-init] [--page-cache-seconds N]``. Needs ``wrk`` (Debian package
``wrk``) and a PostgreSQL server; it creates the database ``loadtest`` (``--database-url``) and
fills it with ``matchmaker init --demo``. Everything stays on 127.0.0.1 and every run is
bounded in time.

Two scenarios, each ``--duration`` seconds:

1. the mixed load on Matchmaker, served by ``matchmaker run`` (the product's own gunicorn
   settings), after every page and need was asked for a few times per worker: three wrk
   processes at once, the users split between browsing (directory and need pages,
   anonymous), matching (``GET /api/v1/needs/{id}/matches`` with a coordinator's token) and
   proposing (``POST /api/v1/exchanges`` with a member's token);
2. a bare Flask "hello" endpoint under gunicorn with the same bind, workers, threads and
   worker class, all users on it: the reference throughput of this machine's Python web stack.

Prints per kind: requests, throughput, p50/p95/p99 latency and errors (non-2xx/3xx answers and
socket errors), the targets, the ratio of Matchmaker's throughput to the bare endpoint's, and
the load average (other processes share the CPU). ``--page-cache-seconds 0`` measures the pages
without the page cache.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/loadtest"
TARGETS = {"browsing": 100.0, "matching": 50.0}  # p95 in ms
MIN_RATIO = 0.40

hello_app = Flask(__name__)


@hello_app.get("/hello")
def hello() -> str:
    return "Hello"


# Each wrk thread cycles through its request list; done() prints one JSON line of figures.
LUA = """
local requests = {}
local n = 0
init = function(args)
  local file = io.open("%(requests)s")
  for line in file:lines() do
    local item = load("return " .. line)()
    table.insert(requests, wrk.format(item.method, item.path, item.headers, item.body))
  end
  file:close()
  n = math.random(#requests)
end
request = function()
  n = n %% #requests + 1
  return requests[n]
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""


@dataclass
class Result:
    kind: str
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _write_requests(path: Path, items: list[dict[str, object]]) -> None:
    lines = []
    for item in items:
        headers = item.get("headers") or {}
        pairs = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        body = item.get("body")
        method, target = _lua_string(str(item["method"])), _lua_string(str(item["path"]))
        payload = _lua_string(str(body)) if body is not None else "nil"
        lines.append(
            f"{{method = {method}, path = {target}, headers = {{{pairs}}}, body = {payload}}}"
        )
    path.write_text("\n".join(lines) + "\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(database_url: str, page_cache_seconds: int | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "MATCHMAKER_DATABASE_URL": database_url,
        "MATCHMAKER_LOG_LEVEL": "WARNING",
        "MATCHMAKER_INSTANCE_PATH": str(Path(tempfile.gettempdir()) / "matchmaker-loadtest"),
    }
    if page_cache_seconds is not None:
        env["MATCHMAKER_PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
    return env


def _prepare_database(database_url: str, skip_init: bool) -> None:
    from sqlalchemy import create_engine, make_url, text

    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
            skip_init = False
    admin.dispose()
    if not skip_init:
        subprocess.run(  # noqa: S603 (our own command)
            [str(Path(sys.executable).with_name("matchmaker")), "init", "--demo"],
            env=_environment(database_url),
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )


def _scenario_requests(database_url: str) -> dict[str, list[dict[str, object]]]:
    """Tokens for a coordinator and a requester member, and the request lists of each kind."""
    os.environ.update(_environment(database_url))
    from sqlalchemy import select

    from matchmaker import create_app
    from matchmaker.auth.services import create_user, issue_api_token
    from matchmaker.extensions import db
    from models import Need, Organisation, User

    app = create_app()
    with app.app_context():
        verified = Organisation.verification_status == "verified"
        needs = db.session.scalars(
            select(Need).join(Need.organisation).where(Need.status == "published", verified)
        ).all()
        requester = needs[0].organisation
        accounts = {}
        for role, organisation in (("coordinator", None), ("member", requester)):
            email = f"load-{role}@matchmaker.example"
            user = db.session.scalar(select(User).where(User.email == email)) or create_user(
                email=email,
                password=os.urandom(16).hex(),
                display_name=f"Load test {role}",
                role=role,
                organisation=organisation,
            )
            accounts[role] = {"Authorization": f"Bearer {issue_api_token(user, 'load', 1)}"}
        providers = db.session.scalars(
            select(Organisation.id).where(verified, Organisation.id != requester.id).limit(20)
        ).all()
        own_needs = [need.id for need in needs if need.organisation_id == requester.id]
        db.session.commit()
        need_ids = [need.id for need in needs]
    browsing: list[dict[str, object]] = [
        {"method": "GET", "path": path}
        for path in ("/directory?kind=needs", "/directory?kind=offers", "/directory?q=skills")
    ]
    browsing += [{"method": "GET", "path": f"/needs/{need_id}"} for need_id in need_ids[:60]]
    matching = [
        {
            "method": "GET",
            "path": f"/api/v1/needs/{need_id}/matches",
            "headers": accounts["coordinator"],
        }
        for need_id in need_ids[:60]
    ]
    proposing = [
        {
            "method": "POST",
            "path": "/api/v1/exchanges",
            "headers": {**accounts["member"], "Content-Type": "application/json"},
            "body": json.dumps(
                {
                    "need_id": own_needs[n % len(own_needs)],
                    "provider_organisation_ids": [provider],
                    "modality": "study_visit",
                    "objectives": "Learn from a peer how they run this programme.",
                }
            ),
        }
        for n, provider in enumerate(providers)
    ]
    return {"browsing": browsing, "matching": matching, "proposing": proposing}


def _serve(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(  # noqa: S603 (our own commands)
        command, env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'benchmarks'}"}, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5):  # noqa: S310
                return process
        except OSError as error:
            if getattr(error, "code", None) == 404:  # the bare app has no /readyz: it is up
                return process
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"{' '.join(command)} did not start")


def _matchmaker(port: int, args: argparse.Namespace) -> list[str]:
    """The product's own server (``matchmaker run``: gunicorn with the app's settings)."""
    return [
        str(Path(sys.executable).with_name("matchmaker")), "run", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
    ]


def _bare(port: int, args: argparse.Namespace) -> list[str]:
    """The bare endpoint under gunicorn with the same bind, workers, threads and worker class."""
    return [
        str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--worker-class", "gthread", "--log-level", "warning", "--chdir", str(ROOT),
        "load:hello_app",
    ]


def _warm(port: int, items: list[dict[str, object]], workers: int) -> None:
    """Load the engine's index and render each page in every worker before measuring (GETs
    only, three rounds per worker: connections spread over the workers)."""
    for item in items * 3 * workers:
        if item["method"] != "GET":
            continue
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"http://127.0.0.1:{port}{item['path']}", headers=item.get("headers") or {}
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=120).read()  # noqa: S310


def _wrk(kind: str, port: int, connections: int, duration: int, items, work: Path):
    requests_file = work / f"{kind}.requests"
    _write_requests(requests_file, items)
    script = work / f"{kind}.lua"
    script.write_text(LUA % {"requests": requests_file})
    return kind, subprocess.Popen(  # noqa: S603 (wrk from the system)
        [
            shutil.which("wrk") or "wrk", "--threads", "1", "--connections", str(connections),
            "--duration", f"{duration}s", "--timeout", "10s", "--script", str(script),
            f"http://127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def _collect(runs) -> list[Result]:
    results = []
    for kind, process in runs:
        output, _ = process.communicate(timeout=600)
        figures = json.loads(output.strip().splitlines()[-1])
        results.append(Result(kind=kind, **figures))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--duration", type=int, default=30, help="seconds per scenario")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--skip-init", action="store_true", help="reuse a loaded database")
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=None,
        help="MATCHMAKER_PAGE_CACHE_SECONDS for the app (default: the app's; 0: no page cache)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    _prepare_database(args.database_url, args.skip_init)
    scenarios = _scenario_requests(args.database_url)
    env = _environment(args.database_url, args.page_cache_seconds)
    split = {"browsing": args.users // 2, "matching": args.users * 3 // 8}
    split["proposing"] = args.users - sum(split.values())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = _free_port()
        server = _serve(_matchmaker(port, args), port, env)
        try:
            _warm(port, scenarios["browsing"] + scenarios["matching"], args.workers)
            mixed = _collect(
                [
                    _wrk(kind, port, split[kind], args.duration, scenarios[kind], work)
                    for kind in ("browsing", "matching", "proposing")
                ]
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        port = _free_port()
        server = _serve(_bare(port, args), port, env)
        try:
            hello_items = [{"method": "GET", "path": "/hello"}]
            bare = _collect(
                [_wrk("bare flask", port, args.users, args.duration, hello_items, work)]
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(mixed, bare[0], args)


def _report(mixed: list[Result], bare: Result, args: argparse.Namespace) -> None:
    total = Result(
        "matchmaker (all)",
        sum(r.requests for r in mixed),
        max(r.seconds for r in mixed),
        float("nan"),
        float("nan"),
        float("nan"),
        sum(r.errors for r in mixed),
    )
    cache = "default" if args.page_cache_seconds is None else f"{args.page_cache_seconds} s"
    print(
        f"\n{args.users} users, {args.duration} s per scenario, gunicorn {args.workers} "
        f"worker(s) x {args.threads} threads, PostgreSQL, demo world, page cache {cache}"
    )
    print(f"{'kind':<18}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}  target")
    for result in [*mixed, total, bare]:
        target = TARGETS.get(result.kind)
        verdict = ""
        if target is not None:
            verdict = f"p95 <= {target:.0f} ms: {'ok' if result.p95 <= target else 'MISSED'}"
        print(
            f"{result.kind:<18}{result.requests:>9}{result.throughput:>9.1f}{result.p50:>9.1f}"
            f"{result.p95:>9.1f}{result.p99:>9.1f}{result.errors:>8}  {verdict}"
        )
    ratio = total.throughput / bare.throughput if bare.throughput else 0.0
    print(
        f"throughput ratio to bare Flask: {ratio:.0%} (target >= {MIN_RATIO:.0%}: "
        f"{'ok' if ratio >= MIN_RATIO else 'MISSED'}); errors: {total.errors} "
        f"(target 0: {'ok' if total.errors == 0 else 'MISSED'})"
    )
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
