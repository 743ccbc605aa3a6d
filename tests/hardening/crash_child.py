"""Run one long write operation on a scratch SQLite database and die by SIGKILL midway.

    python -m tests.hardening.crash_child OPERATION DATABASE KILL_POINT

KILL_POINT is `row:N` (after N records were flushed inside the transaction), `commit` (just
before COMMIT reaches the database) or `never` (the parent kills it at a time of its choosing;
the child prints "started" once it is writing). Each operation in OPERATIONS (a CSV import, a
round publish) builds its own input and calls the real service, so a new one is one more entry;
the parent (tests/hardening/test_crash.py) checks all-or-nothing for every entry.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from matchmaker.coordination import csv_import
from matchmaker.extensions import db
from matchmaker.profiles.organisations import name_key
from matchmaker.rounds import services as rounds
from models import Exchange, Need, Offer, Organisation, Round, RoundNeed, RoundPartner, User
from models.base import utcnow
from tests.hardening.scratch import scratch_app

ROWS = 400  # organisations in the CSV file
NEEDS = 300  # needs a round publish serves, one exchange each: more than the kill point row:250
PROVIDERS = 30
PARTNERS = 2  # providers per need in the slate


def csv_rows() -> str:
    lines = ["name,country,constituent_type,working_languages,description"]
    lines += [f"Organisation {n},KEN,workers,en,Imported organisation {n}" for n in range(ROWS)]
    return "\n".join(lines) + "\n"


def prepare_coordinator() -> User:
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


def run_csv_import(coordinator: User, progress: Callable[[], None]) -> None:
    write_row = csv_import._write_row

    def counting(kind: str, row: csv_import.Row) -> None:
        write_row(kind, row)
        progress()

    csv_import._write_row = counting  # type: ignore[assignment]
    csv_import.check_and_import(coordinator, "organisations", csv_rows(), commit=True)
    db.session.commit()


def _organisation(name: str) -> Organisation:
    return Organisation(
        name=name,
        name_key=name_key(name),
        country_code="KEN",
        constituent_type="government",
        working_languages=["en"],
        verification_status="verified",
    )


def prepare_round_publish() -> Round:
    """A solved round with a slate for NEEDS needs, built directly: solving would take longer
    than the publish under test."""
    existing = db.session.scalar(select(Round).where(Round.name == "Crash round"))
    if existing is not None:  # a run before this one was killed
        return existing
    coordinator = prepare_coordinator()
    offers = [
        Offer(
            organisation=_organisation(f"Provider {n}"),
            title=f"Offer {n}",
            description="Training.",
            status="published",
        )
        for n in range(PROVIDERS)
    ]
    requesters = [_organisation(f"Requester {n}") for n in range(NEEDS // 10)]
    needs = [
        Need(
            organisation=requesters[n % len(requesters)],
            title=f"Need {n}",
            description="Training.",
            status="published",
        )
        for n in range(NEEDS)
    ]
    round_ = Round(
        name="Crash round",
        status="solved",
        created_by=coordinator,
        min_partners=1,
        max_partners=PARTNERS,
        solved_at=utcnow(),
    )
    round_.needs = [RoundNeed(need=need, candidates=[]) for need in needs]
    round_.slate = [
        RoundPartner(need=need, organisation=offer.organisation, offer=offer, score=1.0)
        for n, need in enumerate(needs)
        for offer in (offers[(n + k) % PROVIDERS] for k in range(PARTNERS))
    ]
    db.session.add_all([*offers, *needs, round_])
    db.session.commit()
    return round_


def run_round_publish(round_: Round, progress: Callable[[], None]) -> None:
    propose = rounds._propose

    def counting(*args: Any) -> Exchange:
        exchange = propose(*args)
        progress()
        return exchange

    rounds._propose = counting  # type: ignore[assignment]
    rounds.publish(round_.created_by, round_, round_.version)
    db.session.commit()


# name -> (prepare: commits what the operation needs, run: the operation, calling progress()
# after each record it writes)
OPERATIONS: dict[str, tuple[Callable[[], Any], Callable[[Any, Callable[[], None]], None]]] = {
    "csv_import": (prepare_coordinator, run_csv_import),
    "round_publish": (prepare_round_publish, run_round_publish),
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
