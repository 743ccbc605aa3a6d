"""Solving a stored round: rank each need's top-K, choose all pairs exactly, keep the figures.

Operations flush only; the caller commits once, so a slate and its statistics are written
together or not at all (``matchmaker.rounds.runner`` ranks first, then writes once).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import select

from matchmaker.engine.assignment import check_assignment, solve_and_compare
from matchmaker.engine.records import NeedQuery
from matchmaker.extensions import db
from matchmaker.matching import bridge
from matchmaker.matching.service import rank
from matchmaker.rounds.problem import RoundIndex, build_problem
from models import Organisation, Round, RoundNeed, RoundPartner
from models.base import utcnow

Details = dict[tuple[int, int], tuple[int, dict[str, Any]]]  # (need, provider) -> offer, why
_INDEX = re.compile(r"\b(need|provider|country) (\d+)\b")


def rank_query(need_id: int, query: NeedQuery, top: int) -> tuple[list[list[Any]], Details]:
    """The engine's top peers for one need: [organisation, offer, score] rows and explanations."""
    ranking = rank(query, top=top)
    rows = [[m.provider_id, m.offers[0].offer_id, round(m.score, 6)] for m in ranking.peers]
    details = {
        (need_id, m.provider_id): (m.offers[0].offer_id, m.explanation) for m in ranking.peers
    }
    return rows, details


def rank_need(entry: RoundNeed, top: int) -> tuple[list[list[Any]], Details]:
    return rank_query(entry.need_id, bridge.need_query(entry.need), top)


def solve_ranked(
    round_: Round, ranked: dict[int, list[list[Any]]], details: Details, ranking_seconds: float
) -> dict[str, Any]:
    """Store the fresh rankings, solve with locked pairs kept as must-pairs, store the slate;
    the caller has claimed the round's version."""
    for entry in round_.needs:
        entry.candidates = ranked[entry.need_id]
    index = build_problem(round_)
    exact, report = solve_and_compare(index.problem)
    _store_slate(round_, index.pairs(exact.need, exact.provider), exact.score, details)
    report.update(
        ranking_seconds=round(ranking_seconds, 3),
        must_failures=[
            {
                "need_id": index.need_ids[i],
                "organisation_id": index.provider_ids[j],
                "detail": _named(detail, index, round_),
            }
            for (i, j), detail in exact.must_failures.items()
        ],
        unserved=[
            {"need_id": index.need_ids[i], "code": reason.code, "detail": reason.detail}
            for i, reason in sorted(exact.unserved.items())
        ],
    )
    round_.statistics = {**report, **slate_figures(round_, index)}
    round_.status = "solved"
    round_.solved_at = utcnow()
    db.session.flush()
    return round_.statistics


def _store_slate(
    round_: Round, pairs: list[tuple[int, int]], scores: np.ndarray, details: Details
) -> None:
    """Replace the slate by these pairs; rows of pairs chosen again are updated, not re-made."""
    existing = {(p.need_id, p.organisation_id): p for p in round_.slate}
    slate = []
    for pair, score in zip(pairs, scores.tolist(), strict=True):
        row = existing.get(pair) or RoundPartner(
            need_id=pair[0], organisation_id=pair[1], locked=False, explanation={}
        )
        if pair in details:
            row.offer_id, row.explanation = details[pair]
        row.score = max(float(score), 0.0)
        slate.append(row)
    round_.slate = slate
    db.session.flush()


def organisation_names(ids: list[int]) -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )


def slate_figures(round_: Round, index: RoundIndex) -> dict[str, Any]:
    """Score totals, loads, unserved needs and violations of the slate as it stands now."""
    slate = round_.slate
    scores = [p.score for p in slate]
    names = organisation_names(index.provider_ids)
    country_of = dict(zip(index.provider_ids, index.problem.provider_country.tolist(), strict=True))
    load = Counter(p.organisation_id for p in slate)
    country_load = Counter(index.countries[country_of[p.organisation_id]] for p in slate)
    row = {need_id: i for i, need_id in enumerate(index.need_ids)}
    column = {organisation_id: j for j, organisation_id in enumerate(index.provider_ids)}
    violations = check_assignment(
        index.problem,
        np.array([row[p.need_id] for p in slate], dtype=np.int64),
        np.array([column[p.organisation_id] for p in slate], dtype=np.int64),
    )
    partners = Counter(p.need_id for p in slate)
    return {
        "total_score": round(sum(scores), 6),
        "mean_score": round(sum(scores) / len(scores), 6) if scores else None,
        "min_score": round(min(scores), 6) if scores else None,
        "pairs": len(slate),
        "needs_below_minimum": sum(
            1 for need_id in index.need_ids if partners[need_id] < round_.min_partners
        ),
        "provider_load": [
            {
                "organisation_id": o,
                "name": names.get(o, str(o)),
                "load": n,
                "capacity": index.capacity.get(o, 0),
            }
            for o, n in load.most_common()
        ],
        "country_load": [
            {"country": c, "load": n, "cap": index.cap_of_country}
            for c, n in country_load.most_common()
        ],
        "slate_violations": violations,
    }


def _named(detail: str, index: RoundIndex, round_: Round) -> str:
    """The solver's index numbers in a message, as the names a coordinator knows."""
    titles = {entry.need_id: entry.need.title for entry in round_.needs}
    names = organisation_names(index.provider_ids)

    def name(match: re.Match[str]) -> str:
        kind, k = match.group(1), int(match.group(2))
        if kind == "need":
            return f"the need “{titles[index.need_ids[k]]}”"
        if kind == "provider":
            return names.get(index.provider_ids[k], f"provider {k}")
        return f"country {index.countries[k]}"

    return _INDEX.sub(name, detail)
