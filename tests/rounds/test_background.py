"""Solving in the background: progress, cancel, double clicks, failures and abandoned solves.

No test waits on the clock: the worker runs in a thread the test holds, paused on an Event
after N needs; heartbeats are made old by writing them, not by waiting.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.rounds import runner, solves, solving
from models import Round, RoundSolve
from models.base import utcnow


class Background:
    """The app's round runner replaced by threads this test holds and joins."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.threads: list[threading.Thread] = []
        self.paused, self.released = threading.Event(), threading.Event()

    def __call__(self, job: runner.Job) -> None:
        thread = threading.Thread(target=job, daemon=True)
        self.threads.append(thread)
        thread.start()

    def pause_after(self, needs: int) -> None:
        """The next worker stops before ranking need number `needs` + 1, until `release`."""
        real, calls = runner.rank_query, itertools.count()
        paused = self.paused = threading.Event()
        released = self.released = threading.Event()

        def rank_query(*args: Any) -> Any:
            if next(calls) == needs:
                paused.set()
                released.wait(timeout=60)
            return real(*args)

        self.monkeypatch.setattr(runner, "rank_query", rank_query)

    def wait_paused(self) -> None:
        assert self.paused.wait(timeout=60), "the worker never reached the pause"

    def release(self) -> None:
        """Let every worker run to its end."""
        self.released.set()
        for thread in self.threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), "the worker did not finish"


@pytest.fixture
def background(app, monkeypatch) -> Iterator[Background]:
    held = Background(monkeypatch)
    app.extensions["rounds.runner"] = held
    yield held
    held.release()
    app.extensions.pop("rounds.runner")


def _fresh(round_id: int) -> Round:
    db.session.commit()  # a new snapshot: the worker committed in its own session
    db.session.expire_all()
    return db.session.get(Round, round_id)


def _slate(round_: Round) -> list[tuple[int, int, float]]:
    return [(p.need_id, p.organisation_id, round(p.score, 6)) for p in round_.slate]


def _solve_count() -> int:
    return db.session.scalar(select(func.count(RoundSolve.id)))


def test_progress_shows_while_solving_and_cancel_keeps_the_previous_slate(
    round_world, rounds_page, background
):
    client, post = rounds_page["client"], rounds_page["post"]
    round_id = rounds_page["create"]()
    assert post(round_id, "solve").status_code == 302
    background.release()
    before = _fresh(round_id)
    assert before.status == "solved"
    slate, statistics, version = _slate(before), before.statistics, before.version

    background.pause_after(2)
    assert post(round_id, "solve").status_code == 302
    background.wait_paused()
    progress = client.get(f"/rounds/{round_id}/progress").get_json()
    assert progress["status"] == "solving"
    solve = progress["solve"]
    figures = (solve["state"], solve["done"], solve["total"], solve["percent"])
    assert figures == ("running", 2, 4, 50)
    assert solve["started_by"] == "Coordinator" and solve["abandoned"] is False
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Ranked 2 of 4 needs" in page and f"/rounds/{round_id}/cancel" in page
    assert "Publish: propose the exchanges" not in page  # nothing else changes meanwhile

    # a second click, from the same page or a fresh one, starts nothing
    client.post(f"/rounds/{round_id}/solve", data={"version": str(version)})
    post(round_id, "solve")
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "This round is already being solved" in page
    assert _solve_count() == len(background.threads) == 2
    # and no other change is taken while it runs
    malaysia = round_world["providers"]["malaysia"]
    response = post(round_id, "capacities", organisation_id=str(malaysia.id), capacity="0")
    assert "The round is being solved" in response.get_data(as_text=True)

    assert client.post(f"/rounds/{round_id}/cancel", data={}).status_code == 302
    assert client.get(f"/rounds/{round_id}/progress").get_json()["solve"]["cancel_requested"]
    background.release()

    after = _fresh(round_id)
    assert after.status == "solved" and after.version == version + 2  # claimed, restored
    assert _slate(after) == slate and after.statistics == statistics
    assert after.capacities == []
    assert after.solves[0].state == "cancelled" and after.solves[0].done == 3
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Solve cancelled by Coordinator." in page and "http-equiv" not in page


def test_a_cancelled_first_solve_leaves_a_draft(round_world, rounds_page, background):
    round_id = rounds_page["create"]()
    background.pause_after(1)
    rounds_page["post"](round_id, "solve")
    background.wait_paused()
    rounds_page["client"].post(f"/rounds/{round_id}/cancel", data={})
    background.release()
    round_ = _fresh(round_id)
    assert round_.status == "draft" and round_.slate == [] and round_.statistics == {}
    assert all(entry.candidates == [] for entry in round_.needs)


def test_background_solve_gives_the_slate_of_the_foreground_one(
    round_world, rounds_page, background, runner
):
    in_background = rounds_page["create"]()
    in_foreground = rounds_page["create"]()
    assert rounds_page["post"](in_background, "solve").status_code == 302
    background.release()
    result = runner.invoke(args=["assign", "--round", str(in_foreground), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    a, b = _fresh(in_background), _fresh(in_foreground)
    assert a.status == b.status == "solved"
    assert _slate(a) == _slate(b) and len(_slate(a)) == report["assigned_pairs"] > 0
    assert a.statistics["objective"] == pytest.approx(report["objective"])
    assert [e.candidates for e in a.needs] == [e.candidates for e in b.needs]


def test_a_failing_worker_leaves_the_round_as_it_was_with_the_reason(
    round_world, rounds_page, monkeypatch
):
    round_id = rounds_page["create"]()
    before = rounds_page["solve"](round_id)
    slate, statistics = _slate(before), before.statistics
    candidates = [e.candidates for e in before.needs]

    def broken(*_args: Any) -> None:  # fails after the new slate was flushed
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(solving, "slate_figures", broken)
    kenya_b = round_world["providers"]["kenya_b"]
    rounds_page["post"](round_id, "capacities", organisation_id=str(kenya_b.id), capacity="0")
    rounds_page["post"](round_id, "solve")
    after = _fresh(round_id)
    assert after.status == "draft"  # as before this solve: the capacity change made it a draft
    assert _slate(after) == slate and after.statistics == statistics
    assert [e.candidates for e in after.needs] == candidates
    assert after.solves[0].state == "failed"
    page = rounds_page["client"].get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "The solve failed, the round is as it was before" in page
    assert "unexpected error (RuntimeError)" in page and "disk on fire" not in page


def _age(solve_id: int) -> None:
    """Make a solve's last heartbeat older than the abandon limit, as if its process died."""
    db.session.execute(
        update(RoundSolve)
        .where(RoundSolve.id == solve_id)
        .values(heartbeat_at=utcnow() - solves.ABANDONED_AFTER - timedelta(seconds=1))
    )
    db.session.commit()


def test_an_abandoned_solve_is_shown_and_can_be_given_up(round_world, rounds_page):
    client = rounds_page["client"]
    round_id = rounds_page["create"]()
    round_ = _fresh(round_id)
    dead_id = solves.start(round_world["coordinator"], round_, round_.version).id  # no worker
    db.session.commit()
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "http-equiv" in page and "Solve abandoned" not in page  # alive, for now

    _age(dead_id)
    assert client.get(f"/rounds/{round_id}/progress").get_json()["solve"]["abandoned"] is True
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Solve abandoned" in page and "stopped answering" in page
    assert "http-equiv" not in page and "Solve again" in page
    assert client.post(f"/rounds/{round_id}/cancel", data={}).status_code == 302
    round_ = _fresh(round_id)
    assert round_.status == "draft" and round_.solves[0].state == "cancelled"


def test_an_abandoned_solve_restarted_wins_over_its_late_worker(
    round_world, rounds_page, background
):
    client = rounds_page["client"]
    round_id = rounds_page["create"]()
    background.pause_after(1)
    rounds_page["post"](round_id, "solve")
    background.wait_paused()  # the first worker hangs on its second need
    first = _fresh(round_id).solves[0]
    rounds_page["post"](round_id, "solve")
    assert "already being solved" in client.get(f"/rounds/{round_id}").get_data(as_text=True)

    _age(first.id)
    assert rounds_page["post"](round_id, "solve").status_code == 302  # a new worker
    background.release()  # the first worker wakes up late and must write nothing
    round_ = _fresh(round_id)
    old, new = db.session.get(RoundSolve, first.id), round_.solves[0]
    assert (old.state, old.done) == ("abandoned", 1)
    assert (new.state, new.done) == ("solved", 4) and round_.status == "solved"
    assert round_.version == new.round_version + 1 and round_.statistics["constraints_ok"]


def test_members_get_403_on_progress_and_cancel(client, round_world, rounds_page, sign_in):
    round_id = rounds_page["create"]()
    round_ = _fresh(round_id)
    solves.start(round_world["coordinator"], round_, round_.version)
    db.session.commit()
    client.post("/logout", data={})
    sign_in(round_world["member"])
    assert client.get(f"/rounds/{round_id}/progress").status_code == 403
    assert client.post(f"/rounds/{round_id}/cancel", data={}).status_code == 403
    assert _fresh(round_id).solves[0].cancel_requested is False


def test_cancel_without_a_running_solve_says_so(round_world, rounds_page):
    round_id = rounds_page["create"]()
    client = rounds_page["client"]
    assert client.post(f"/rounds/{round_id}/cancel", data={}).status_code == 302
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "No solve is running on this round" in page
