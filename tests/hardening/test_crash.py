"""`kill -9` in the middle of a long write leaves the database consistent: all or nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from matchmaker.config import PROJECT_ROOT
from tests.hardening.crash_child import NEEDS, OPERATIONS, ROWS
from tests.hardening.scratch import make_sqlite_database


class Writes(NamedTuple):
    table: str  # the table the operation fills
    complete: int  # rows a complete run adds to it
    finished: str | None = None  # SQL: true once the operation's other writes say it is done


WRITES = {
    "csv_import": Writes("organisations", ROWS),
    # a published round has all its exchanges, a round still solved none
    "round_publish": Writes("exchanges", NEEDS, "SELECT status = 'published' FROM rounds"),
}


def _child(operation: str, database: Path, kill_point: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.hardening.crash_child", operation, str(database), kill_point],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _consistent_count(database: Path, writes: Writes) -> int:
    """The rows in the operation's table, once the file and the other writes agree with them."""
    with sqlite3.connect(database) as connection:  # opening it recovers the WAL, as the app would
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        count = connection.execute(f"SELECT count(*) FROM {writes.table}").fetchone()[0]  # noqa: S608
        if writes.finished is not None:
            finished = connection.execute(writes.finished).fetchone()[0]
            assert bool(finished) == (count == writes.complete), f"{count} rows, done={finished}"
        return count


def test_every_operation_has_its_expected_writes():
    assert set(WRITES) == set(OPERATIONS)


@pytest.fixture
def database(app, tmp_path: Path) -> Path:
    path = tmp_path / "crash.db"
    make_sqlite_database(path)
    return path


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("kill_point", ["row:1", "row:250", "commit"])
def test_sigkill_inside_the_transaction_writes_nothing(database, operation, kill_point):
    child = _child(operation, database, kill_point)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, stderr
    assert _consistent_count(database, WRITES[operation]) == 0


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_sigkill_at_any_moment_leaves_nothing_or_everything(database, operation):
    """Killed from outside at growing delays after it starts writing; the last run finishes."""
    writes = WRITES[operation]
    outcomes = []
    for delay in (0.0, 0.05, 0.2, None):
        child = _child(operation, database, "never")
        assert child.stdout.readline().strip() == "started"
        if delay is not None:
            time.sleep(delay)
            child.kill()
        child.communicate(timeout=120)
        count = _consistent_count(database, writes)
        assert count in (0, writes.complete), f"half-written: {count} of {writes.complete} rows"
        outcomes.append(count)
        if count:
            break  # written: a second run would refuse (CSV) or skip (round) the same work
    # the run not killed (or killed too late) wrote everything
    assert outcomes[-1] == writes.complete
