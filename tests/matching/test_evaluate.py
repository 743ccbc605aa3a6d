"""`matchmaker evaluate` on the demo world: the engine must beat every baseline at finding the
providers of the documented past exchanges, each left out of the track record in turn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchmaker.dataload import load_path
from matchmaker.extensions import db
from matchmaker.matching.evaluate import documented_exchanges


@pytest.mark.slow
def test_engine_beats_every_baseline_on_the_demo_world(app, runner):
    load_path(Path(app.config["DATA_DIR"]) / "demo")
    db.session.commit()
    history, cases, _countries = documented_exchanges()
    assert len(history) == len(cases) == 47
    zambia = next(c for c in cases if c.need.country == "ZMB")
    assert zambia.relevant == {"KEN", "ZAF"} and history[zambia.index].requester_country == "ZMB"

    result = runner.invoke(args=["evaluate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["cases"], report["unreachable"]) == (44, 3)
    methods = report["methods"]
    baselines = [name for name in methods if name != "engine"]
    assert len(baselines) == 4
    for mode in ("themes given", "themes inferred"):
        engine = methods["engine"][mode]
        for name in baselines:
            for metric in ("mrr", "recall@5"):
                assert engine[metric] > methods[name][mode][metric], (mode, name, metric)
    assert set(report["ablation"]) == {
        "text",
        "themes",
        "geography",
        "track_record",
        "context",
        "language",
    }


def test_evaluate_needs_offers_and_a_findable_history(runner, make_organisation, make_offer):
    result = runner.invoke(args=["evaluate"])
    assert result.exit_code != 0 and "no published offers" in result.output
    make_offer(make_organisation("Social Security Organisation", "MYS"), title="Injury scheme")
    result = runner.invoke(args=["evaluate", "--json"])
    assert result.exit_code != 0 and "No documented past exchange" in result.output
