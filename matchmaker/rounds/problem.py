"""A stored round as the engine's plain `RoundProblem`, and the way back from indices to rows.

The candidate graph is what the last ranking stored on each of the round's needs, so that a
round can be checked, edited and re-solved without ranking again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from matchmaker.engine.assignment import RoundProblem
from matchmaker.engine.assignment_problem import REGION_BONUS
from matchmaker.extensions import db
from matchmaker.matching import bridge
from models import Country, Offer, Organisation, Round


@dataclass(frozen=True)
class RoundIndex:
    """The problem, and which need, organisation and country each index stands for."""

    problem: RoundProblem
    need_ids: list[int]
    provider_ids: list[int]
    countries: list[str]
    capacity: dict[int, int]  # organisation id -> exchanges it can take in the round
    cap_of_country: int | None

    def pairs(self, need: np.ndarray, provider: np.ndarray) -> list[tuple[int, int]]:
        """(need id, organisation id) of index pairs."""
        return [
            (self.need_ids[i], self.provider_ids[j])
            for i, j in zip(need.tolist(), provider.tolist(), strict=True)
        ]


def default_capacities(organisation_ids: set[int]) -> dict[int, int]:
    """Capacity left this year: published offers' yearly capacity minus exchanges committed."""
    if not organisation_ids:
        return {}
    totals = dict(
        db.session.execute(
            select(Offer.organisation_id, func.sum(Offer.capacity_per_year))
            .where(Offer.status == "published", Offer.organisation_id.in_(organisation_ids))
            .group_by(Offer.organisation_id)
        ).all()
    )
    load = bridge.provider_load()
    return {i: max(0, int(totals.get(i) or 0) - load.get(i, 0)) for i in organisation_ids}


def build_problem(round_: Round) -> RoundIndex:
    """The round's candidate graph, capacities, caps, regions and pair rules, as arrays."""
    entries = round_.needs
    need_ids = [entry.need_id for entry in entries]
    in_round = set(need_ids)
    rules = [rule for rule in round_.rules if rule.need_id in in_round]
    locked = [pair for pair in round_.slate if pair.locked and pair.need_id in in_round]
    provider_ids = sorted(
        {int(c[0]) for entry in entries for c in entry.candidates}
        | {rule.organisation_id for rule in rules}
        | {pair.organisation_id for pair in locked}
    )
    position = {organisation_id: j for j, organisation_id in enumerate(provider_ids)}
    provider_country = dict(
        db.session.execute(
            select(Organisation.id, Organisation.country_code).where(
                Organisation.id.in_(provider_ids)
            )
        ).all()
    )
    need_country = [entry.need.organisation.country_code for entry in entries]
    countries = sorted(set(need_country) | set(provider_country.values()))
    code = {iso3: c for c, iso3 in enumerate(countries)}
    capacity = default_capacities(set(provider_ids))
    capacity.update({o.organisation_id: o.capacity for o in round_.capacities})
    edges = np.array(
        [(i, position[int(c[0])], c[2]) for i, e in enumerate(entries) for c in e.candidates],
        dtype=np.float64,
    ).reshape(-1, 3)
    kinds = {"conflict": [], "never": [], "must": []}
    row = {need_id: i for i, need_id in enumerate(need_ids)}
    for rule in rules:
        kinds[rule.kind].append((row[rule.need_id], position[rule.organisation_id]))
    kinds["must"] += [(row[p.need_id], position[p.organisation_id]) for p in locked]
    regions: dict[str, object] = {}
    if round_.prefer_same_region:
        region_of = dict(db.session.execute(select(Country.iso3, Country.ilo_region)).all())
        names = sorted({region_of[iso3] for iso3 in countries})
        region_code = {name: r for r, name in enumerate(names)}
        regions = {
            "need_region": [region_code[region_of[iso3]] for iso3 in need_country],
            "provider_region": [region_code[region_of[provider_country[j]]] for j in provider_ids],
        }
    problem = RoundProblem(
        edge_need=edges[:, 0].astype(np.int64),
        edge_provider=edges[:, 1].astype(np.int64),
        edge_score=edges[:, 2],
        need_country=np.array([code[iso3] for iso3 in need_country], dtype=np.int64),
        provider_country=np.array(
            [code[provider_country[j]] for j in provider_ids], dtype=np.int64
        ),
        capacity=np.array([capacity[j] for j in provider_ids], dtype=np.int64),
        min_partners=round_.min_partners,
        max_partners=round_.max_partners,
        country_cap=round_.country_cap,
        region_bonus=REGION_BONUS if round_.prefer_same_region else 0.0,
        conflicts=np.array(kinds["conflict"], dtype=np.int64).reshape(-1, 2),
        never_pairs=np.array(kinds["never"], dtype=np.int64).reshape(-1, 2),
        must_pairs=np.array(kinds["must"], dtype=np.int64).reshape(-1, 2),
        **regions,  # type: ignore[arg-type]
    )
    return RoundIndex(problem, need_ids, provider_ids, countries, capacity, round_.country_cap)
