"""`matchmaker assign --round ID`: the stored round solved, with the synthetic report's keys."""

from __future__ import annotations

import json

from matchmaker.extensions import db
from matchmaker.rounds.services import create_round
from models import Round


def test_assign_round_solves_and_stores_the_round(runner, round_world):
    round_ = create_round(round_world["coordinator"], {"name": "CLI round", "max_partners": 2})
    db.session.commit()
    result = runner.invoke(args=["assign", "--round", str(round_.id), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "ranked 4 of 4 needs" in result.stderr  # progress, off the JSON
    assert {"seconds", "objective", "greedy_objective", "constraints_ok"} <= set(report)
    assert report["constraints_ok"] is True and report["needs"] == 4
    db.session.expire_all()
    stored = db.session.get(Round, round_.id)
    assert stored.status == "solved" and len(stored.slate) == report["assigned_pairs"]


def test_assign_round_rejects_an_unknown_id(runner):
    result = runner.invoke(args=["assign", "--round", "999"])
    assert result.exit_code != 0
    assert "No matching round with id 999." in result.output
