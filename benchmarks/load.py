"""Load test: gunicorn + PostgreSQL + the demo world, 32 concurrent users, against bare Flask.

Run: ``.venv/bin/python benchmarks/load.py [--duration 15] [--rounds 3] [--warmup 10]
[--users 32] [--workers N] [--threads N] [--skip-init] [--page-cache-seconds N]``. Needs
``wrk`` (Debian package ``wrk``) and a PostgreSQL server; it creates the database ``loadtest``
(``--database-url``) and fills it with ``matchmaker init --demo``. Everything stays on
127.0.0.1 and every run is bounded in time.

Two servers run side by side, one measured at a time:

1. Matchmaker, served by ``matchmaker run`` (the product's own gunicorn settings; its workers
   and threads unless given), under a mixed load: three wrk processes at once, the users
   split between browsing (directory and need pages, anonymous), matching
   (``GET /api/v1/needs/{id}/matches`` with a coordinator's token) and proposing
   (``POST /api/v1/exchanges`` with a member's token);
2. a bare Flask "hello" endpoint under gunicorn with the same bind, workers, threads and
   worker class, all users on it: the reference throughput of this machine's Python web stack.

First ``--warmup`` seconds of both loads, not measured (every worker loads its index and fills
its caches); then ``--rounds`` rounds of ``--duration`` seconds on each, in turn. This machine's
speed drifts by a factor of two or more within a minute (its host is shared), so the ratio is
taken over rounds that alternate every few seconds: Matchmaker's requests in all rounds over
bare Flask's (and the median and quartiles of the rounds' ratios). Prints each round's
throughputs, ratio and the CPU time the hypervisor took; then per kind the median over rounds
of throughput, p50/p95/p99 latency, the errors (non-2xx/3xx answers and socket errors) and the
worst round's p95; the targets; and the load average. ``--page-cache-seconds 0`` measures the
pages without the page cache.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import socket
import statistics
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
    steal: float = 0.0  # share of the machine's CPU time stolen by the hypervisor meanwhile

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
    parser.add_argument("--duration", type=int, default=3, help="seconds per measured phase")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of (Matchmaker, bare)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of unmeasured load")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default: matchmaker run's")
    parser.add_argument("--threads", type=int, default=None, help="default: matchmaker run's")
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
    from matchmaker.server import DEFAULT_THREADS, DEFAULT_WORKERS

    args.workers = args.workers or DEFAULT_WORKERS
    args.threads = args.threads or DEFAULT_THREADS
    _prepare_database(args.database_url, args.skip_init)
    scenarios = _scenario_requests(args.database_url)
    env = _environment(args.database_url, args.page_cache_seconds)
    split = {"browsing": args.users // 2, "matching": args.users * 3 // 8}
    split["proposing"] = args.users - sum(split.values())
    hello = [{"method": "GET", "path": "/hello"}]
    rounds: list[tuple[list[Result], Result]] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as servers:
        work = Path(tmp)
        app_port, bare_port = _free_port(), _free_port()
        servers.enter_context(_running(_matchmaker(app_port, args), app_port, env))
        servers.enter_context(_running(_bare(bare_port, args), bare_port, env))

        def mixed(seconds: int) -> list[Result]:
            with _stolen() as steal:
                results = _collect(
                    [
                        _wrk(kind, app_port, split[kind], seconds, scenarios[kind], work)
                        for kind in ("browsing", "matching", "proposing")
                    ]
                )
            return [dataclasses.replace(r, steal=steal[0]) for r in results]

        def bare(seconds: int) -> Result:
            with _stolen() as steal:
                result = _collect([_wrk("bare flask", bare_port, args.users, seconds, hello, work)])
            return dataclasses.replace(result[0], steal=steal[0])

        _warm(app_port, scenarios["browsing"] + scenarios["matching"], args.workers)
        if args.warmup:  # every worker loads its index and fills its caches
            mixed(args.warmup)
            bare(args.warmup)
        for _round in range(args.rounds):
            rounds.append((mixed(args.duration), bare(args.duration)))
    _report(rounds, args)


def _cpu_ticks() -> tuple[int, int]:
    """(all, stolen) CPU ticks since boot: time the hypervisor gave to other machines."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[7]


@contextlib.contextmanager
def _stolen():
    """The share of CPU time stolen by the hypervisor while the block ran, in [0]."""
    share = [0.0]
    before = _cpu_ticks()
    yield share
    after = _cpu_ticks()
    elapsed = after[0] - before[0]
    share[0] = (after[1] - before[1]) / elapsed if elapsed else 0.0


@contextlib.contextmanager
def _running(command: list[str], port: int, env: dict[str, str]):
    server = _serve(command, port, env)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _total(results: list[Result]) -> Result:
    nan = float("nan")
    return Result(
        "matchmaker (all)",
        sum(r.requests for r in results),
        max(r.seconds for r in results),
        nan,
        nan,
        nan,
        sum(r.errors for r in results),
        results[0].steal,
    )


def _report(rounds: list[tuple[list[Result], Result]], args: argparse.Namespace) -> None:
    """Each round's ratio, then per kind the median over the rounds of each figure, and the
    worst round's p95: the machine's speed drifts between rounds more than within one."""
    cache = "default" if args.page_cache_seconds is None else f"{args.page_cache_seconds} s"
    print(
        f"\n{args.users} users; {args.rounds} rounds of {args.duration} s on Matchmaker, then "
        f"{args.duration} s on bare Flask, after {args.warmup} s of warm-up; gunicorn "
        f"{args.workers} worker(s) x {args.threads} threads, PostgreSQL, demo world, page "
        f"cache {cache}"
    )
    ratios = []
    for number, (app, bare) in enumerate(rounds, 1):
        total = _total(app)
        ratios.append(total.throughput / bare.throughput if bare.throughput else 0.0)
        print(
            f"round {number:>2}: Matchmaker {total.throughput:>5.0f} req/s, bare Flask "
            f"{bare.throughput:>5.0f} req/s, ratio {ratios[-1]:>4.0%}; CPU time stolen by the "
            f"hypervisor {app[0].steal:.0%}, {bare.steal:.0%}"
        )
    series = [[app[k] for app, _bare in rounds] for k in range(len(rounds[0][0]))]
    series += [[_total(app) for app, _bare in rounds], [bare for _app, bare in rounds]]
    print(
        f"{'median of rounds':<18}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}{'worst p95':>10}  target"
    )
    for results in series:
        kind = results[0].kind
        p95 = statistics.median(r.p95 for r in results)
        target = TARGETS.get(kind)
        verdict = ""
        if target is not None:
            verdict = f"p95 <= {target:.0f} ms: {'ok' if p95 <= target else 'MISSED'}"
        print(
            f"{kind:<18}{statistics.median(r.requests for r in results):>9.0f}"
            f"{statistics.median(r.throughput for r in results):>9.1f}"
            f"{statistics.median(r.p50 for r in results):>9.1f}{p95:>9.1f}"
            f"{statistics.median(r.p99 for r in results):>9.1f}"
            f"{sum(r.errors for r in results):>8}{max(r.p95 for r in results):>10.1f}  {verdict}"
        )
    ratio = sum(_total(app).requests for app, _bare in rounds) / max(
        1, sum(bare.requests for _app, bare in rounds)
    )
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    errors = sum(_total(app).errors for app, _bare in rounds)
    print(
        f"throughput ratio to bare Flask, all rounds' requests: {ratio:.0%} (target >= "
        f"{MIN_RATIO:.0%}: {'ok' if ratio >= MIN_RATIO else 'MISSED'}); per round: median "
        f"{quartiles[1]:.0%}, quartiles {quartiles[0]:.0%} to {quartiles[2]:.0%}; errors in all "
        f"rounds: {errors} (target 0: {'ok' if errors == 0 else 'MISSED'})"
    )
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
