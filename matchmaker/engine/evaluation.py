"""Offline evaluation: would a ranker have suggested the providers of documented past exchanges?

Each past exchange becomes a case: its topic posed again as a need of its requester, its
providers' countries the right answers. Every ranker is fitted on the rest of the history
(leave-one-out), so no case is ranked with its own exchange in the track record. The case's
providers keep their offers: they are the candidates to find. The weights evaluated are the
engine's defaults, chosen a priori; nothing here tunes them on the cases it reports.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from matchmaker.engine import country_rankers as rankers
from matchmaker.engine.embeddings import Encoder
from matchmaker.engine.ranker import DEFAULT_WEIGHTS
from matchmaker.engine.records import CountryInfo, NeedQuery, Offer, PastExchange, Provider
from matchmaker.engine.themes import ThemeTagger

METRICS = ("recall@5", "mrr", "ndcg@10")
DEPTH = 10  # every ranking is cut here, so that all methods are judged on the same list
MODES = ("themes given", "themes inferred")


def distinct(ranked: Sequence[str]) -> list[str]:
    """Each country once, at its best position: several organisations may share a country."""
    return list(dict.fromkeys(ranked))


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant countries among the first `k` distinct countries ranked.

    Parameters
    ----------
    ranked : sequence of str
        Country codes, best first; repeats count at their first position.
    relevant : collection of str
        The right answers; must not be empty.
    k : int
        How many distinct countries are read.

    Returns
    -------
    float
        In [0, 1].
    """
    if not relevant:
        raise ValueError("no relevant country")
    return len(set(distinct(ranked)[:k]) & set(relevant)) / len(set(relevant))


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str]) -> float:
    """One over the position of the first relevant country among distinct countries.

    Parameters
    ----------
    ranked : sequence of str
        Country codes, best first; repeats count at their first position.
    relevant : collection of str
        The right answers.

    Returns
    -------
    float
        1/position of the first hit, 0 when no relevant country is ranked.
    """
    for position, country in enumerate(distinct(ranked), start=1):
        if country in relevant:
            return 1.0 / position
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Normalised discounted cumulative gain of binary relevance over distinct countries.

    Parameters
    ----------
    ranked : sequence of str
        Country codes, best first; repeats count at their first position.
    relevant : collection of str
        The right answers; must not be empty.
    k : int
        How many distinct countries are read.

    Returns
    -------
    float
        ``sum(1 / log2(position + 1))`` over the relevant countries in the first `k`, divided
        by the same sum for a perfect ranking; in [0, 1].
    """
    if not relevant:
        raise ValueError("no relevant country")
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = np.array([country in relevant for country in distinct(ranked)[:k]], dtype=float)
    ideal = discounts[: min(len(set(relevant)), k)].sum()
    return float(gains @ discounts[: gains.size] / ideal)


@dataclass(frozen=True)
class Case:
    """A documented past exchange posed again as a need of its requester."""

    need: NeedQuery
    relevant: frozenset[str]  # the countries of its providers
    index: int  # its position in the history: left out of the track record while it is ranked


@dataclass(frozen=True)
class Corpus:
    """What stays the same from case to case: the offers to rank and what is known about them."""

    offers: Sequence[Offer]
    providers: Mapping[int, Provider]
    countries: Mapping[str, CountryInfo]
    embeddings: np.ndarray  # the offers' stored embeddings, so no fit encodes them again
    theme_pillars: Mapping[str, str]
    organisation_countries: Mapping[int, str] = field(default_factory=dict)  # of past providers

    def candidates(self) -> set[str]:
        """Countries with at least one offer: the only ones any method can suggest."""
        return {self.providers[offer.provider_id].country for offer in self.offers}

    def findable(self, case: Case) -> bool:
        """Whether any of the case's provider countries could be suggested at all."""
        return bool(case.relevant & (self.candidates() - {case.need.country}))


class Ranker(Protocol):
    """A method under evaluation: fitted on a track record, it ranks countries for a case."""

    def fit(self, history: Sequence[PastExchange]) -> Ranker: ...

    def rank(self, case: Case) -> list[str]: ...


def leave_one_out(
    ranker: Ranker, cases: Sequence[Case], history: Sequence[PastExchange], depth: int = DEPTH
) -> np.ndarray:
    """Score each case with the ranker fitted on the history without that case's exchange.

    Parameters
    ----------
    ranker : Ranker
        Refitted for each case; consecutive cases of the same exchange share one fit.
    cases : sequence of Case
        Each with a non-empty ``relevant`` set and an ``index`` into `history`.
    history : sequence of PastExchange
        Every documented exchange, the cases' own included.
    depth : int, default=DEPTH
        Rankings are cut to this many distinct countries before scoring.

    Returns
    -------
    ndarray of shape (len(cases), len(METRICS))
        Recall@5, reciprocal rank and NDCG@10 of each case.
    """
    rows = []
    fitted_without = None
    for case in cases:
        if not 0 <= case.index < len(history):
            raise ValueError(f"case index {case.index} outside a history of {len(history)}")
        if case.index != fitted_without:
            ranker.fit([past for i, past in enumerate(history) if i != case.index])
            fitted_without = case.index
        ranked = distinct(ranker.rank(case))[:depth]
        rows.append(
            (
                recall_at_k(ranked, case.relevant, 5),
                reciprocal_rank(ranked, case.relevant),
                ndcg_at_k(ranked, case.relevant, 10),
            )
        )
    return np.array(rows, dtype=float).reshape(len(cases), len(METRICS))


Scores = dict[str, dict[str, float]]  # mode -> metric -> mean over the cases


@dataclass(frozen=True)
class Report:
    """Mean metrics per method and mode (themes given or inferred), and the ablation."""

    cases: int  # ranked: with at least one provider country among the offers
    unreachable: int  # left out: no method could find any of their providers' countries
    depth: int
    draws: int  # of the random baseline, averaged
    methods: dict[str, Scores]
    ablation: dict[str, dict[str, Scores]]  # signal at 0 -> "without" or "delta" -> scores


def evaluate(
    corpus: Corpus,
    history: Sequence[PastExchange],
    cases: Sequence[Case],
    *,
    tagger: ThemeTagger,
    encoder: Encoder,
    draws: int = 20,
    depth: int = DEPTH,
) -> Report:
    """Leave-one-out metrics of the engine, its baselines and its ablations.

    Parameters
    ----------
    corpus : Corpus
        The offers every method ranks.
    history : sequence of PastExchange
        The documented exchanges; each case's ``index`` points into it.
    cases : sequence of Case
        Cases without any relevant country among the corpus's are counted, not ranked.
    tagger : ThemeTagger
        Fitted; infers the themes of a need when they are hidden.
    encoder : Encoder
        Embeds the needs (each once, however often it is ranked).
    draws : int, default=20
        Random orders averaged for the random baseline.
    depth : int, default=DEPTH
        Rankings are cut to this many distinct countries.

    Returns
    -------
    Report
        The engine first, then the baselines, each for needs with their themes given and
        with their themes hidden (inferred by the tagger).
    """
    ranked = [case for case in cases if corpus.findable(case)]
    if not ranked:
        raise ValueError("no case has a provider country among the offers")
    variants = [v for c in ranked for v in (c, replace(c, need=replace(c.need, themes=())))]
    text = rankers.OffersText(rankers.MemoEncoder(encoder))
    text.fit(
        [o.text for o in corpus.offers],
        [o.language for o in corpus.offers],
        corpus.embeddings,
    )

    def scores(rows: np.ndarray) -> Scores:
        """Means per mode: the variants alternate themes given, themes hidden."""
        return {
            mode: {
                m: round(float(v), 4)
                for m, v in zip(METRICS, rows[i :: len(MODES)].mean(0), strict=True)
            }
            for i, mode in enumerate(MODES)
        }

    def engine(weights: Mapping[str, float]) -> Scores:
        ranker = rankers.EngineRanker(corpus, weights, text, tagger, depth)
        return scores(leave_one_out(ranker, variants, history, depth))

    methods = {
        "engine": engine(DEFAULT_WEIGHTS),
        **{
            name: scores(leave_one_out(ranker, variants, history, depth))
            for name, ranker in (
                ("TF-IDF alone", rankers.TfidfAlone(corpus, text)),
                ("same region", rankers.SameRegion(corpus)),
                ("popularity", rankers.Popularity(corpus)),
            )
        },
        f"random ({draws} draws)": scores(
            np.mean(
                [
                    leave_one_out(rankers.RandomOrder(corpus, seed), variants, history, depth)
                    for seed in range(draws)
                ],
                axis=0,
            )
        ),
    }
    ablation = {}
    for signal in DEFAULT_WEIGHTS:
        without = engine({**DEFAULT_WEIGHTS, signal: 0.0})
        delta = {
            mode: {m: round(without[mode][m] - methods["engine"][mode][m], 4) for m in METRICS}
            for mode in MODES
        }
        ablation[signal] = {"without": without, "delta": delta}
    return Report(len(ranked), len(cases) - len(ranked), depth, draws, methods, ablation)
