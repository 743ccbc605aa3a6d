"""From scored offers to the lists a person reads: one entry per provider with its best offers,
a cap per country for diversity, and the signals that explain each score."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from matchmaker.engine.catalogue import Catalogue, Table
from matchmaker.engine.records import Match, NeedQuery, OfferMatch
from matchmaker.engine.text import Queries

CAPACITY_DEMOTION = 0.5  # a provider with no capacity left keeps half its score, and a flag
RECIPROCITY_BONUS = 0.05  # at most, when the requester offers what the provider needs


@dataclass(frozen=True)
class Query:
    """What one need brings to scoring, computed once for both stages."""

    need: NeedQuery
    themes: tuple[str, ...]
    weights: dict[str, float]
    tables: dict[str, Table]
    reciprocity: np.ndarray | None  # per provider
    exhausted: np.ndarray  # per provider
    text: Queries  # the need's text, read once


@dataclass(frozen=True)
class Scored:
    """Offer rows (ascending) with their signal values and full scores."""

    rows: np.ndarray
    values: dict[str, np.ndarray]
    score: np.ndarray
    reciprocity: np.ndarray
    exhausted: np.ndarray

    def merge(self, other: Scored) -> Scored:
        """Both sets of rows, ascending again, so that ties keep ranking by row."""
        order = np.argsort(np.concatenate([self.rows, other.rows]), kind="stable")
        return Scored(
            np.concatenate([self.rows, other.rows])[order],
            {k: np.concatenate([v, other.values[k]])[order] for k, v in self.values.items()},
            np.concatenate([self.score, other.score])[order],
            np.concatenate([self.reciprocity, other.reciprocity])[order],
            np.concatenate([self.exhausted, other.exhausted])[order],
        )


def _listed_providers(
    catalogue: Catalogue, rows: np.ndarray, top: int, per_country: int
) -> np.ndarray:
    """The first `top` providers of offer rows ranked best first, at most `per_country` of a
    country (0: any number), each at the position of its best offer, in rank order."""
    providers = catalogue.provider[rows]
    _, firsts = np.unique(providers, return_index=True)  # each provider at its best offer
    firsts.sort()
    if not per_country:
        return firsts[:top]
    kept: list[int] = []
    listed: dict[int, int] = {}  # per country
    for position, country in zip(
        firsts.tolist(), catalogue.country[rows[firsts]].tolist(), strict=True
    ):
        if listed.get(country, 0) < per_country:
            listed[country] = listed.get(country, 0) + 1
            kept.append(position)
            if len(kept) == top:
                break
    return np.array(kept, dtype=np.intp)


def select(
    catalogue: Catalogue, scored: Scored, mask: np.ndarray, top: int, per_country: int
) -> dict[int, list[int]]:
    """Best offers (positions in `scored`, at most 3) of the `top` best providers, at most
    `per_country` of a country (0: any number); `mask` says which scored rows may be listed."""
    candidates = np.flatnonzero(mask)
    if candidates.size == 0 or top <= 0:
        return {}
    order = candidates[np.argsort(-scored.score[candidates], kind="stable")]
    providers = catalogue.provider[scored.rows[order]]
    best: dict[int, list[int]] = {
        provider: []
        for provider in providers[
            _listed_providers(catalogue, scored.rows[order], top, per_country)
        ].tolist()
    }
    kept = np.isin(providers, list(best))
    for position, provider in zip(order[kept].tolist(), providers[kept].tolist(), strict=True):
        if len(best[provider]) < 3:
            best[provider].append(position)
    return best


def match(
    catalogue: Catalogue,
    query: Query,
    scored: Scored,
    positions: list[int],
    terms: Mapping[int, list[str]],
    triangular: bool,
) -> Match:
    """One listed provider: its best offers and the signals that explain its score."""
    at = positions[0]
    offers = [catalogue.live_offer(int(scored.rows[p])) for p in positions]
    offer = offers[0]
    provider = catalogue.providers.records[offer.provider_id]
    contributions = {
        name: {
            "value": round(float(scored.values[name][at]), 4),
            "weight": round(weight, 4),
            "contribution": round(float(weight * scored.values[name][at]), 4),
        }
        for name, weight in query.weights.items()
    }
    flags = []
    if scored.exhausted[at]:
        flags.append("no capacity left this period: demoted")
    if contributions["language"]["value"] < 1:
        flags.append("no shared working language: interpretation needed")
    capacity = catalogue.providers.capacity_left[catalogue.providers.rows.row(provider.id)]
    explanation: dict[str, object] = {
        "signals": contributions,
        "matched_themes": [t for t in query.themes if t in offer.themes],
        "matched_phrases": terms[int(scored.rows[at])],
        "reciprocity": round(float(scored.reciprocity[at]), 4),
        "capacity_left": int(max(capacity, 0)),
        "flags": flags,
    }
    return Match(
        provider_id=provider.id,
        name=provider.name,
        country=provider.country,
        score=round(float(scored.score[at]), 4),
        offers=tuple(
            OfferMatch(o.id, o.title, round(float(scored.score[p]), 4))
            for o, p in zip(offers, positions, strict=True)
        ),
        triangular=triangular,
        explanation=explanation,
    )
