"""A coordinator runs a round over every open need of the demo world, in the pages, and
publishes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.dataload import load_path
from matchmaker.extensions import db
from models import Exchange, Round


@pytest.mark.slow
def test_a_round_on_the_demo_world(app, client, make_user, sign_in):
    load_path(Path(app.config["DATA_DIR"]) / "demo")
    db.session.commit()
    sign_in(make_user(role="coordinator"))
    before = set(db.session.scalars(select(Exchange.id)))
    response = client.post(
        "/rounds/new",
        data={
            "name": "Demo call",
            "min_partners": "1",
            "max_partners": "3",
            "candidates": "50",
            "country_cap": "12",
            "prefer_same_region": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    round_id = int(response.headers["Location"].rsplit("/", 1)[1])
    round_ = db.session.get(Round, round_id)
    assert len(round_.needs) > 100
    assert client.post(f"/rounds/{round_id}/solve", data={"version": "1"}).status_code == 302
    db.session.expire_all()
    round_ = db.session.get(Round, round_id)
    stats = round_.statistics
    assert round_.status == "solved", stats
    assert stats["constraints_ok"] is True and stats["slate_violations"] == []
    assert stats["served_needs"] == stats["needs"] - len(stats["unserved"]) > 100
    assert max(c["load"] for c in stats["country_load"]) <= 12
    assert stats["objective"] >= stats["greedy_objective"] - 1e-9
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Statistics" in page and "Publish: propose the exchanges" in page
    version = str(round_.version)
    assert client.post(f"/rounds/{round_id}/publish", data={"version": version}).status_code == 302
    created = db.session.scalars(select(Exchange).where(Exchange.id.not_in(before))).all()
    assert len(created) == stats["served_needs"]
    assert {e.state for e in created} == {"proposed"}
