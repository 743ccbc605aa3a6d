"""Run one long write operation on a scratch SQLite database and die by SIGKILL midway.

    python -m tests.hardening.crash_child OPERATION DATABASE KILL_POINT

KILL_POINT is `row:N` (after N records were flushed inside the transaction), `commit` (just
before COMMIT reaches the database) or `never` (the parent kills it at a time of its choosing;
the child prints "started" once it is writing). Each operation is a function in OPERATIONS that
builds its own input and calls the real service, so a new one (a round publish) is one more
entry; the parent (tests/hardening/test_crash.py) checks all-or-nothing for every entry.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event

from matchmaker.extensions import db
from tests.hardening.scratch import scratch_app

ROWS = 400  # organisations in the CSV file


def csv_rows() -> str:
    lines = ["name,country,constituent_type,working_languages,description"]
    lines += [f"Organisation {n},KEN,workers,en,Imported organisation {n}" for n in range(ROWS)]
    return "\n".join(lines) + "\n"


def prepare_csv_import() -> object:
    from sqlalchemy import select

    from models import User

    existing = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    if existing is not None:  # a run before this one was killed
        return existing
    coordinator = User(
        email="coordinator@example.org",
        password_hash="x",
        display_name="Coordinator",
        role="coordinator",
        session_token="t",
    )
    db.session.add(coordinator)
    db.session.commit()
    return coordinator


def run_csv_import(coordinator: object, progress: Callable[[], None]) -> None:
    from matchmaker.coordination import csv_import

    write_row = csv_import._write_row

    def counting(kind: str, row: csv_import.Row) -> None:
        write_row(kind, row)
        progress()

    csv_import._write_row = counting  # type: ignore[assignment]
    csv_import.check_and_import(coordinator, "organisations", csv_rows(), commit=True)
    db.session.commit()


# name -> (prepare: commits what the operation needs, run: the operation, calling progress()
# after each record it writes)
OPERATIONS: dict[str, tuple[Callable[[], object], Callable[[object, Callable[[], None]], None]]] = {
    "csv_import": (prepare_csv_import, run_csv_import),
}


def main(operation: str, database: str, kill_point: str) -> None:
    app = scratch_app(Path(database))
    rows = 0

    def kill_at_row() -> None:
        nonlocal rows
        rows += 1
        if rows == 1:
            print("started", flush=True)
        if kill_point.startswith("row:") and rows >= int(kill_point.removeprefix("row:")):
            db.session.flush()
            os.kill(os.getpid(), signal.SIGKILL)

    prepare, run = OPERATIONS[operation]
    with app.app_context():
        subject = prepare()
        if kill_point == "commit":
            event.listen(db.engine, "commit", lambda _conn: os.kill(os.getpid(), signal.SIGKILL))
        run(subject, kill_at_row)
    print("finished", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
