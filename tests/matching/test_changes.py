"""The change log asks for a rebuild only when what the engine reads changed: creating and
proposing exchanges (drafts and proposals count for neither load nor track record) must not
make every process rebuild its index; an exchange becoming accepted or completed must."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.matching.changes import changes_since, current_version, recent_change_ids
from tests.exchanges.conftest import act, exchange_world, new_exchange  # noqa: F401


def _rebuild_asked_since(version) -> bool:
    absorbed = recent_change_ids(db.session, version)
    return changes_since(db.session, version, absorbed, limit=100).offer_ids is None


def test_creating_and_proposing_ask_for_no_rebuild_but_acceptance_does(
    new_exchange, act  # noqa: F811
):
    start = current_version(db.session)
    exchange = new_exchange()
    proposed = act(exchange["id"], "requester", "propose", exchange["version"])
    assert proposed.status_code == 200, proposed.get_json()
    db.session.rollback()
    assert not _rebuild_asked_since(start)

    before_accept = current_version(db.session)
    accepted = act(exchange["id"], "kenya", "accept", proposed.get_json()["version"])
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    db.session.rollback()
    assert _rebuild_asked_since(before_accept)
