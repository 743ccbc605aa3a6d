"""The solve's work, off the request: rank every need, beating and checking for a cancel after
each, then write the slate and its statistics in one transaction, or leave the round as it was.

The page starts it in a thread of the web process (``launch``); the CLI runs it in the
foreground (``run_solve``). Each run has its own app context and database session, and
commits only short transactions: a progress beat, then the final write. Which runner
``launch`` uses is injectable (``app.extensions["rounds.runner"]``): tests run the job in the
foreground, or in a thread they hold, so no test depends on timing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update

from matchmaker.database import writing
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.matching import bridge
from matchmaker.rounds.solving import Details, rank_query, solve_ranked
from models import Round, RoundSolve
from models.base import utcnow

Job = Callable[[], Any]
Runner = Callable[[Job], None]
Progress = Callable[[int, int], None]  # (needs ranked, needs in all)
log = logging.getLogger(__name__)


def in_thread(job: Job) -> None:
    """The web process's runner: the request answers at once, the thread does the work."""
    threading.Thread(target=job, name="round-solve", daemon=True).start()


def in_foreground(job: Job) -> None:
    job()


def launch(solve_id: int) -> None:
    """Run a started solve with the app's runner (call after the start is committed)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    runner: Runner = app.extensions.get("rounds.runner") or (
        in_foreground if app.testing else in_thread
    )
    runner(partial(run_solve, app, solve_id))


def run_solve(app: Flask, solve_id: int, on_progress: Progress | None = None) -> str:
    """Do a started solve to its end and return how it ended (the solve's state)."""
    with app.app_context():
        try:
            return _run(solve_id, on_progress)
        except Exception as error:  # any failure leaves the round as it was, with the reason
            db.session.rollback()
            if isinstance(error, DomainError):
                reason = error.message
            else:
                log.exception("solve %s of a matching round failed", solve_id)
                reason = f"an unexpected error ({type(error).__name__}); see the server log."
            return _end(solve_id, "failed", reason[:1000])
        except KeyboardInterrupt:  # Ctrl-C on the command line: stop as a cancel would
            _end(solve_id, "cancelled")
            raise
        finally:
            db.session.remove()


def _run(solve_id: int, on_progress: Progress | None) -> str:
    solve = db.session.get(RoundSolve, solve_id)
    if solve is None or solve.state != "running":
        return "gone"
    round_ = db.session.get(Round, solve.round_id)
    assert round_ is not None  # the solve's foreign key
    top = round_.candidates
    queries = [(entry.need_id, bridge.need_query(entry.need)) for entry in round_.needs]
    start = time.perf_counter()
    ranked: dict[int, list[list[Any]]] = {}
    details: Details = {}
    for done, (need_id, query) in enumerate(queries, 1):
        ranked[need_id], found = rank_query(need_id, query, top)
        details.update(found)
        state = _beat(solve_id, done)
        if on_progress is not None:
            on_progress(done, len(queries))
        if state != "running":
            return state
    return _finish(solve_id, ranked, details, time.perf_counter() - start)


def _beat(solve_id: int, done: int) -> str:
    """Record progress and a heartbeat in a short transaction; `cancelled` when asked to stop,
    `gone` when another solve took the round over."""
    db.session.rollback()  # end the ranking's read, so this transaction starts as a write
    with writing():
        beat = db.session.execute(
            update(RoundSolve)
            .where(RoundSolve.id == solve_id, RoundSolve.state == "running")
            .values(done=done, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        cancel = db.session.scalar(
            select(RoundSolve.cancel_requested).where(RoundSolve.id == solve_id)
        )
        db.session.commit()
    if beat.rowcount != 1:
        return "gone"
    return _end(solve_id, "cancelled") if cancel else "running"


def _finish(
    solve_id: int, ranked: dict[int, list[list[Any]]], details: Details, seconds: float
) -> str:
    """Write the rankings, slate, statistics and the round's new status in one transaction."""
    db.session.rollback()
    with writing():
        solve = db.session.get(RoundSolve, solve_id, populate_existing=True, with_for_update=True)
        if solve is not None and solve.state == "running" and solve.cancel_requested:
            return _end(solve_id, "cancelled")
        if solve is None or solve.state != "running" or not _owns_round(solve):
            db.session.rollback()
            return "gone"
        round_ = db.session.get(Round, solve.round_id, populate_existing=True)
        solve_ranked(round_, ranked, details, seconds)
        solve.state, solve.finished_at, solve.heartbeat_at = "solved", utcnow(), utcnow()
        db.session.commit()
    return "solved"


def _owns_round(solve: RoundSolve) -> bool:
    """Take the round's next version, if this solve still holds the round (compare-and-set)."""
    claimed = db.session.execute(
        update(Round)
        .where(
            Round.id == solve.round_id,
            Round.version == solve.round_version,
            Round.status == "solving",
        )
        .values(version=solve.round_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _end(solve_id: int, state: str, error: str | None = None) -> str:
    """Cancelled or failed: the round back to its status before the solve, slate untouched."""
    db.session.rollback()
    with writing():
        solve = db.session.get(RoundSolve, solve_id, populate_existing=True, with_for_update=True)
        if solve is None or solve.state != "running":
            db.session.rollback()
            return "gone"
        if _owns_round(solve):
            db.session.execute(
                update(Round)
                .where(Round.id == solve.round_id)
                .values(status=solve.previous_status)
                .execution_options(synchronize_session=False)
            )
        solve.state, solve.finished_at, solve.error = state, utcnow(), error
        db.session.commit()
    return state
