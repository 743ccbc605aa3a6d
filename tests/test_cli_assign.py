"""`matchmaker assign`: a synthetic round solved and compared with greedy, or a clear error."""

from __future__ import annotations

import json

import pytest


def test_synthetic_round_prints_the_comparison(runner):
    result = runner.invoke(
        args=["assign", "--synthetic", "60", "40", "--per-need", "3", "--capacity", "2"]
        + ["--candidates", "10", "--seed", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["constraints_ok"] is True
    assert report["needs"] == 60 and report["providers"] == 40
    assert report["candidate_pairs"] <= 60 * 10
    assert report["objective"] >= report["greedy_objective"] or (
        report["served_needs"] > report["greedy_served_needs"]
    )
    assert report["gain"] == pytest.approx(report["objective"] - report["greedy_objective"])
    for key in ("seconds", "total_seconds", "served_needs", "assigned_pairs", "unserved_reasons"):
        assert key in report


def test_dense_synthetic_round_in_plain_text(runner):
    result = runner.invoke(
        args=["assign", "--synthetic", "20", "15", "--per-need", "1"] + ["--capacity", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "candidate_pairs: 300" in result.output
    assert "constraints_ok: True" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "3", "--synthetic", "5", "5"], "either --round or --synthetic"),
        ([], "Give --round ID or --synthetic NEEDS PROVIDERS"),
        (["--synthetic", "5", "5"], "needs --per-need M and --capacity K"),
        (
            ["--synthetic", "5", "5", "--per-need", "2", "--capacity", "1", "--candidates", "9"],
            "between 1 and the 5 providers, not 9",
        ),
        (["--synthetic", "0", "5", "--per-need", "2", "--capacity", "1"], "0 is not in the range"),
        (["--synthetic", "5", "5", "--per-need", "0", "--capacity", "1"], "--per-need"),
        (["--synthetic", "5", "5", "--per-need", "1", "--capacity", "-1"], "--capacity"),
        (
            ["--synthetic", "50000", "50000", "--per-need", "3", "--capacity", "3"],
            "ask for fewer candidates",
        ),
    ],
)
def test_bad_requests_get_a_message_not_a_traceback(runner, args, message):
    result = runner.invoke(args=["assign", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
