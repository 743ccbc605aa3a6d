"""Rounds in the app: every rule holds in a solved round, edits, unserved needs, publishing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from matchmaker.extensions import db
from models import Exchange, ExchangeEvent, Round


def _pairs(round_: Round) -> list[tuple[int, int]]:
    return [(p.need_id, p.organisation_id) for p in round_.slate]


def test_every_rule_holds_in_a_solved_round(round_world, rounds_page):
    providers, needs = round_world["providers"], round_world["needs"]
    round_id = rounds_page["create"](country_cap="2")
    post = rounds_page["post"]
    rules = [
        (needs[0], providers["south_africa"], "conflict"),
        (needs[1], providers["malaysia"], "never"),
        (needs[2], providers["kenya_b"], "must"),
    ]
    for need, organisation, kind in rules:
        response = post(
            round_id, "rules", need_id=str(need.id), organisation_id=str(organisation.id), kind=kind
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    response = post(
        round_id, "capacities", organisation_id=str(providers["malaysia"].id), capacity="1"
    )
    assert response.status_code == 302
    round_ = rounds_page["solve"](round_id)

    pairs = _pairs(round_)
    country = {o.id: o.country_code for o in providers.values()}
    requester = {n.id: n.organisation.country_code for n in needs}
    capacity = {o.id: round_world["capacity"][k] for k, o in providers.items()}
    capacity[providers["malaysia"].id] = 1
    assert pairs, "the round chose no pair"
    assert all(load <= capacity[o] for o, load in Counter(o for _n, o in pairs).items())
    assert max(Counter(country[o] for _n, o in pairs).values()) <= 2
    assert all(country[o] != requester[n] for n, o in pairs)
    assert all(load <= 2 for load in Counter(n for n, _o in pairs).values())
    assert (needs[0].id, providers["south_africa"].id) not in pairs
    assert (needs[1].id, providers["malaysia"].id) not in pairs
    assert (needs[2].id, providers["kenya_b"].id) in pairs
    assert providers["zambia"].id not in {o for n, o in pairs if requester[n] == "ZMB"}
    stats = round_.statistics
    assert stats["constraints_ok"] is True and stats["slate_violations"] == []
    assert stats["objective"] >= stats["greedy_objective"] - 1e-9
    assert stats["pairs"] == len(pairs)
    assert stats["total_score"] > 0 and 0 < stats["min_score"] <= stats["mean_score"]


def test_locked_pairs_survive_solving_again_and_swaps_respect_the_rules(round_world, rounds_page):
    providers = round_world["providers"]
    round_id = rounds_page["create"]()
    round_ = rounds_page["solve"](round_id)
    weakest = min(round_.slate, key=lambda p: p.score)
    kept = (weakest.need_id, weakest.organisation_id)
    assert rounds_page["post"](round_id, f"pairs/{weakest.id}/lock", locked="1").status_code == 302
    never = next(o for o in providers.values() if o.id != kept[1] and o.country_code != "ZMB")
    response = rounds_page["post"](
        round_id, "rules", need_id=str(kept[0]), organisation_id=str(never.id), kind="never"
    )
    assert response.status_code == 302
    round_ = rounds_page["solve"](round_id)
    locked = [p for p in round_.slate if p.locked]
    assert [(p.need_id, p.organisation_id) for p in locked] == [kept]
    assert (kept[0], never.id) not in _pairs(round_)
    assert round_.statistics["constraints_ok"] is True

    # a swap to a candidate that is full is refused, with the rule it would break
    full = providers["kenya_a"]  # capacity 1
    with_full = {p.need_id for p in round_.slate if p.organisation_id == full.id}
    if not with_full:  # fill it first with a pair of another need, if the solver left it idle
        other = next(p for p in round_.slate if p.need_id != kept[0])
        response = rounds_page["post"](
            round_id, f"pairs/{other.id}/swap", organisation_id=str(full.id)
        )
        assert response.status_code == 302
        with_full = {other.need_id}
        db.session.expire_all()
        round_ = db.session.get(Round, round_id)
    pair = next(p for p in round_.slate if p.need_id not in with_full and not p.locked)
    response = rounds_page["post"](round_id, f"pairs/{pair.id}/swap", organisation_id=str(full.id))
    assert response.status_code == 302
    page = rounds_page["client"].get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "would break the round" in page and "providers above capacity" in page
    db.session.expire_all()
    assert db.session.get(Round, round_id).statistics["slate_violations"] == []


def test_unserved_needs_are_reported_with_their_reasons(round_world, rounds_page):
    providers = round_world["providers"]
    round_id = rounds_page["create"](max_partners="1")
    for key, organisation in providers.items():
        capacity = "1" if key == "malaysia" else "0"
        response = rounds_page["post"](
            round_id, "capacities", organisation_id=str(organisation.id), capacity=capacity
        )
        assert response.status_code == 302
    round_ = rounds_page["solve"](round_id)
    assert len(round_.slate) == 1 and round_.slate[0].organisation_id == providers["malaysia"].id
    unserved = round_.statistics["unserved"]
    assert len(unserved) == 3 and {u["code"] for u in unserved} == {"capacity"}
    assert all("are full" in u["detail"] for u in unserved)
    page = rounds_page["client"].get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Unserved needs" in page and "are full" in page


def test_publish_proposes_one_exchange_per_served_need_once(round_world, rounds_page):
    round_id = rounds_page["create"]()
    round_ = rounds_page["solve"](round_id)
    served = {p.need_id for p in round_.slate}
    assert rounds_page["post"](round_id, "publish").status_code == 302
    exchanges = db.session.scalars(select(Exchange)).all()
    assert {e.need_id for e in exchanges} == served
    assert {e.state for e in exchanges} == {"proposed"}
    slate = {(p.need_id, p.organisation_id) for p in db.session.get(Round, round_id).slate}
    assert {(e.need_id, p.organisation_id) for e in exchanges for p in e.providers} == slate
    for exchange in exchanges:
        assert [(ev.action, ev.to_state) for ev in exchange.events] == [
            ("create", "draft"),
            ("propose", "proposed"),
        ]
    events = db.session.scalar(select(func.count(ExchangeEvent.id)))
    response = rounds_page["post"](round_id, "publish")
    assert response.status_code == 302
    page = rounds_page["client"].get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "already published: nothing new was created" in page
    assert db.session.scalar(select(func.count(Exchange.id))) == len(exchanges)
    assert db.session.scalar(select(func.count(ExchangeEvent.id))) == events
    assert db.session.get(Round, round_id).status == "published"
    # a published round cannot be edited or solved again
    assert rounds_page["post"](round_id, "solve").status_code == 302
    assert db.session.scalar(select(func.count(Exchange.id))) == len(exchanges)


def test_publishing_needs_a_solved_round(round_world, rounds_page):
    round_id = rounds_page["create"]()
    rounds_page["post"](round_id, "publish")
    page = rounds_page["client"].get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Solve the round (again) before publishing it." in page
    assert db.session.scalar(select(func.count(Exchange.id))) == 0


def test_members_get_403_on_every_round_page(client, round_world, sign_in, rounds_page):
    round_id = rounds_page["create"]()
    client.post("/logout", data={})
    sign_in(round_world["member"])
    for path in ("/rounds", "/rounds/new", f"/rounds/{round_id}", f"/rounds/{round_id}/edit"):
        assert client.get(path).status_code == 403, path
    for action in ("solve", "publish", "rules", "capacities", "pairs/1/lock", "pairs/1/swap"):
        assert client.post(f"/rounds/{round_id}/{action}", data={"version": "1"}).status_code == 403
    assert db.session.get(Round, round_id).status == "draft"


def test_bad_settings_re_render_the_form_with_errors(client, round_world, rounds_page):
    response = client.post(
        "/rounds/new",
        data={"name": "", "min_partners": "3", "max_partners": "2", "candidates": "many"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid integer value" in page  # candidates, refused by the form
    response = client.post(
        "/rounds/new",
        data={"name": "", "min_partners": "3", "max_partners": "2", "candidates": "500"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Must be at least the minimum number of partners." in page
    assert "Must be between 1 and 200." in page
    response = client.post("/rounds/new", data={"name": "Nobody", "country": "BRA"})
    assert "No open published need matches these filters" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Round.id))) == 0


def test_stale_pages_are_refused(round_world, rounds_page):
    round_id = rounds_page["create"]()
    client = rounds_page["client"]
    client.post(f"/rounds/{round_id}/solve", data={"version": "99"})
    page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "The round changed meanwhile" in page
    assert db.session.get(Round, round_id).status == "draft"
