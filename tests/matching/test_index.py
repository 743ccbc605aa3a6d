"""The ranking index's lifecycle: edits absorbed in place, other processes catching up from the
change log, rebuilds in the background while the old index serves, the persisted index."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from matchmaker import create_app
from matchmaker.engine.records import NeedQuery
from matchmaker.extensions import db
from matchmaker.matching import index
from matchmaker.matching.service import holder, rank
from tests.conftest import _config

NEED = "Cooperative insurance for smallholder fishers against storms"


@pytest.fixture
def offers(make_organisation, make_offer):
    """Three peers with unrelated offers; the fishers' insurance is nobody's yet."""
    made = []
    for name, country, title, description in (
        ("Skills Authority", "KEN", "Apprenticeships", "Dual apprenticeships with employers."),
        ("Labour Inspectorate", "ZAF", "Inspection", "Risk-based labour inspection visits."),
        ("Employment Service", "BRA", "Job matching", "Public employment service counsellors."),
    ):
        made.append(
            make_offer(
                make_organisation(name, country), title=title, description=description,
                languages=["en"],
            )
        )
    db.session.commit()
    return made


def peers(top: int = 3):
    """As a request ranks: with the index as it is, never waiting for a rebuild."""
    return rank(NeedQuery(NEED, "IND", "en"), top=top).peers


def top_offer() -> int:
    return peers()[0].offers[0].offer_id


def another(offers, offer_id: int):
    """An offer other than the one now ranked first."""
    return next(offer for offer in offers if offer.id != offer_id)


def test_an_edited_offer_ranks_at_once_without_a_rebuild(offers):
    target = another(offers, top_offer())
    before = holder().current().matcher
    target.title = "Storm insurance for fishers"
    target.description = "Cooperative insurance for smallholder fishers against storms."
    db.session.commit()
    assert top_offer() == target.id
    assert holder().current().matcher is before  # applied in place, not refitted


def test_a_withdrawn_offer_leaves_the_ranking(offers):
    offers[0].description = NEED
    db.session.commit()
    assert top_offer() == offers[0].id
    offers[0].status = "closed"  # withdrawn
    db.session.commit()
    ranked = peers(5)
    assert offers[0].id not in [o.offer_id for m in ranked for o in m.offers]


def test_a_second_app_on_the_same_database_sees_the_change(app, offers, database_url, tmp_path):
    other = create_app(_config(database_url, tmp_path))
    with other.app_context():
        target = another(offers, top_offer())  # its own index, built now
    target.description = NEED
    db.session.commit()  # through the first app
    with other.app_context():
        assert top_offer() == target.id
        db.session.remove()
        db.engines[None].dispose()


def test_a_rebuild_in_progress_does_not_block_ranking(offers, monkeypatch):
    top_offer()  # the first index
    started, release = threading.Event(), threading.Event()
    real_build = index.build

    def slow_build(encoder):
        started.set()
        release.wait()
        return real_build(encoder)

    monkeypatch.setattr(index, "build", slow_build)
    offers[0].organisation.name = "Renamed Skills Authority"  # wider than offers: a rebuild
    offers[0].description = NEED
    db.session.commit()
    ranked = peers(5)  # served while the rebuild waits
    assert started.wait(30) and not release.is_set()
    names = [m.name for m in ranked]
    assert "Skills Authority" in names and "Renamed Skills Authority" not in names
    release.set()
    holder().join_rebuild()
    renamed = peers()[0]
    assert (renamed.name, renamed.offers[0].offer_id) == ("Renamed Skills Authority", offers[0].id)


def test_the_persisted_index_is_loaded_only_at_its_version(app, offers, monkeypatch, tmp_path):
    top_offer()  # builds, and saves to the instance folder

    def no_build(_encoder):
        raise AssertionError("loaded, not built")

    monkeypatch.setattr(index, "build", no_build)
    fresh = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    with fresh.app_context():
        target = another(offers, top_offer())  # from the file
        db.session.remove()
    monkeypatch.undo()
    target.description = NEED
    db.session.commit()
    again = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path))
    with again.app_context():
        assert top_offer() == target.id  # the file is older: built afresh
        db.session.remove()


LOAD_WITHOUT_SCIKIT_LEARN = """
import pickle, sys
from matchmaker.engine.records import NeedQuery
with open(sys.argv[1], "rb") as file:
    pickle.load(file)
    matcher = pickle.load(file)
need = NeedQuery(sys.argv[2], "IND")  # no themes: the tagger infers them
ranking = matcher.rank(need, embedding=matcher.text_.doc_embeddings_[0])
assert ranking.peers and ranking.peers[0].explanation["signals"]["text"]["value"] > 0
assert "sklearn" not in sys.modules, "loading or ranking imported scikit-learn"
"""


def test_a_saved_index_loads_and_ranks_without_importing_scikit_learn(offers):
    top_offer()  # builds, and saves to the instance folder
    subprocess.run(  # noqa: S603 (our own code)
        [sys.executable, "-c", LOAD_WITHOUT_SCIKIT_LEARN, str(holder().path), NEED],
        check=True,
        timeout=120,
    )


def test_a_ranking_is_remembered_until_the_index_changes(offers, monkeypatch):
    live = holder().current()
    calls = []
    original = live.matcher.rank
    monkeypatch.setattr(live.matcher, "rank", lambda *a, **k: calls.append(1) or original(*a, **k))
    first, again = peers(), peers()
    assert again == first and len(calls) == 1  # the second ask reuses the first ranking
    target = another(offers, top_offer())
    target.title = "Storm insurance for fishers"
    target.description = "Cooperative insurance for smallholder fishers against storms."
    db.session.commit()
    assert top_offer() == target.id  # ranked afresh: the edit shows at once
    assert len(calls) == 2
