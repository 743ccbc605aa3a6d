"""Two app processes sharing Redis share the sign-in lockout count (scale-out)."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from matchmaker.auth.views import LOGIN_LIMIT
from matchmaker.config import PROJECT_ROOT
from tests.conftest import CSRF_INPUT
from tests.hardening.scratch import make_sqlite_database

REDIS = "redis://127.0.0.1:6379"
ATTEMPTS = int(re.match(r"\d+", LOGIN_LIMIT).group())


def _redis():
    redis = pytest.importorskip("redis", reason="the redis client is not installed")
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server at {REDIS} ({error}): start one to test scale-out")
    return client


def _free_port() -> int:
    from tests.exchanges.test_notifications import free_port

    return free_port()


def _start(database: Path, storage: str, prefix: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.hardening.serve_child", str(database), str(port), storage,
         prefix],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "serving"
    return process, f"http://127.0.0.1:{port}"


def _failed_sign_in(opener, base: str) -> int:
    page = opener.open(f"{base}/login", timeout=30).read().decode()  # noqa: S310 (loopback)
    token = CSRF_INPUT.search(page).group(1)
    form = urllib.parse.urlencode(
        {"email": "someone@example.org", "password": "wrong password", "csrf_token": token}
    ).encode()
    try:
        return opener.open(f"{base}/login", data=form, timeout=30).status  # noqa: S310
    except urllib.error.HTTPError as error:
        return error.code


def _statuses(database: Path, storage: str, prefix: str) -> list[int]:
    """ATTEMPTS failed sign-ins split between two instances, then one more on each."""
    instances = [_start(database, storage, prefix) for _ in range(2)]
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    try:
        statuses = [
            _failed_sign_in(opener, instances[n % 2][1]) for n in range(ATTEMPTS)
        ]
        statuses += [_failed_sign_in(opener, base) for _, base in instances]
    finally:
        for process, _ in instances:
            process.terminate()
            process.wait(timeout=30)
    return statuses


def test_two_instances_sharing_redis_share_the_sign_in_lockout(app, tmp_path):
    redis = _redis()
    prefix = f"matchmaker-test-{uuid.uuid4().hex}"
    database = tmp_path / "shared.db"
    make_sqlite_database(database)
    try:
        shared = _statuses(database, REDIS, prefix)
    finally:
        keys = list(redis.scan_iter(f"*{prefix}*"))
        if keys:
            redis.delete(*keys)
    assert shared == [200] * ATTEMPTS + [429, 429]
    # Control: with a store per process, each instance counts only half the attempts.
    assert _statuses(database, "memory://", prefix) == [200] * (ATTEMPTS + 2)
