"""Browser tests: the real app (gunicorn via `matchmaker run`) on a scratch SQLite database with
the demo world, driven by Debian's Chromium through Playwright. Never a downloaded browser."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from matchmaker.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
PASSWORD = "e2e-correct-horse-battery"
COORDINATOR = "coordinator@e2e.example"
# A demo organisation that ranks high for a Spanish need on child labour (data/demo/americas.yaml).
PROVIDER = ("Ministerio del Trabajo", "ECU")
PROVIDER_MEMBER = "provider@e2e.example"
MATCHMAKER = str(Path(sys.executable).with_name("matchmaker"))


def _skip_reason() -> str | None:
    if os.environ.get("TEST_DATABASE_URL"):
        return ("browser tests run on SQLite only (a scratch database of their own), "
                "not with TEST_DATABASE_URL: make test runs them in its SQLite pass")
    if not CHROMIUM.exists():
        return f"browser tests skipped: {CHROMIUM} is missing (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests skipped: the playwright package is missing (make install)"
    return None


@pytest.fixture(autouse=True)
def _fresh_reads() -> Iterator[None]:
    """Override the suite's per-test database: these tests talk to a server over HTTP."""
    yield


@dataclass(frozen=True)
class LiveServer:
    url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(env: dict[str, str], *args: str, password: str | None = None) -> str:
    done = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [MATCHMAKER, *args], env=env, cwd=PROJECT_ROOT, input=password and password + "\n",
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, f"matchmaker {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 (local)
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer within 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`matchmaker init --demo`, known accounts, then `matchmaker run` on a free port."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "MATCHMAKER_DATABASE_URL": f"sqlite:///{root / 'matchmaker.db'}",
        "MATCHMAKER_INSTANCE_PATH": str(root / "instance"),
        "MATCHMAKER_LOG_LEVEL": "WARNING",
    }
    _cli(env, "init", "--demo")
    _cli(env, "users", "create", "--email", COORDINATOR, "--role", "coordinator",
         "--name", "Cora Coordinator", "--password-stdin", password=PASSWORD)
    _cli(env, "users", "create", "--email", PROVIDER_MEMBER, "--name", "Paula Proveedora",
         "--organisation", PROVIDER[0], "--country", PROVIDER[1], "--password-stdin",
         password=PASSWORD)
    port = _free_port()
    log = root / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [MATCHMAKER, "run", "--port", str(port)], env=env, cwd=PROJECT_ROOT,
            stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield LiveServer(url, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Any]:
    """One headless Chromium per module: the machine's, never a downloaded one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """A page in a fresh context (its own cookies: one person), English interface."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": height}
        )
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browse_as(new_page: Callable[..., Any]) -> Callable[..., Any]:
    """A page signed in through the sign-in form as this person."""

    def make(email: str, width: int = 1280) -> Any:
        page = new_page(width)
        page.goto("/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard")
        return page

    return make
