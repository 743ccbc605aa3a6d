"""The hybrid ranker: text, themes, language, geography, context and track record, combined with
documented weights, then capacity, eligibility, reciprocity and diversity rules.

Peers (providers from countries that are not OECD-DAC members) and triangular facilitators
(DAC members) come back in two separate lists: never silently mixed.

Ranking runs in two stages once a list could hold more offers than ``Matcher.candidates``:
the first picks that many offers per list by a cheap score of every offer (see
``matchmaker.engine.candidates``), the second scores them in full, with the other offers of
the providers it lists. With fewer offers, every offer is scored in full, in one stage.
The index grows and shrinks offer by offer (``add_offers``, ``remove_offers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np
from threadpoolctl import ThreadpoolController

from matchmaker.engine.candidates import Sketch, candidate_rows
from matchmaker.engine.catalogue import Catalogue
from matchmaker.engine.records import CountryInfo, Match, NeedQuery, Offer, PastExchange, Provider
from matchmaker.engine.shortlist import (
    CAPACITY_DEMOTION,
    RECIPROCITY_BONUS,
    Query,
    Scored,
    match,
    select,
)
from matchmaker.engine.text import TextRelevance

DEFAULT_WEIGHTS: Mapping[str, float] = {
    "text": 0.45,
    "themes": 0.20,
    "geography": 0.10,
    "track_record": 0.10,
    "context": 0.08,
    "language": 0.07,
}


class Tagger(Protocol):
    """What a matcher asks of a theme tagger: ``ThemeTagger`` is one, a test may pass another."""

    def infer(self, text: str) -> list[tuple[str, float, list[str]]]: ...


@cache
def _blas() -> ThreadpoolController:
    """The process's BLAS libraries, found once (a scan of the loaded libraries)."""
    return ThreadpoolController()


@dataclass(frozen=True)
class Ranking:
    peers: list[Match]
    facilitators: list[Match]
    themes: tuple[str, ...]  # the need's themes, given or inferred
    inferred_themes: bool = False


@dataclass
class Matcher:
    """Rank providers for a need.

    Parameters
    ----------
    weights : mapping of signal name to weight
        Combined linearly after normalisation to sum 1; see DEFAULT_WEIGHTS.
    per_country : int
        Diversity: at most this many organisations of one country in a list (0: no cap).
    text : TextRelevance, optional
        The text signal (with its encoder); a default one is made in ``fit``.
    theme_pillars : mapping of str to str
        The taxonomy: each theme code's pillar.
    tagger : Tagger, optional
        A fitted tagger (a ``ThemeTagger``), to infer the themes of a need that has none.
    candidates : int or None, default=250
        Offers scored in full per list (peers, facilitators) when a list could hold more;
        None scores every offer. On the synthetic 100,000 offers of ``benchmarks/ranking.py``,
        250 list 98 % of the providers that scoring every offer lists, 500 over 99 %.
    sketch_dimensions : int, default=32
        Principal axes of the embeddings that the first stage reads for every offer (see
        ``Sketch``).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    per_country: int = 2
    text: TextRelevance | None = None
    theme_pillars: Mapping[str, str] = field(default_factory=dict)
    tagger: Tagger | None = None
    candidates: int | None = 250
    sketch_dimensions: int = 32

    def fit(
        self,
        offers: Sequence[Offer],
        providers: Mapping[int, Provider],
        countries: Mapping[str, CountryInfo],
        history: Sequence[PastExchange] = (),
        load: Mapping[int, int] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> Matcher:
        """Index the offers; `load` is each provider's exchanges in the current period."""
        if not offers:
            raise ValueError("no offers to rank")
        self.catalogue_ = Catalogue(providers, countries, self.theme_pillars, history, load)
        self.catalogue_.add(offers)
        self.text_ = self.text if self.text is not None else TextRelevance()
        self.text_.fit([o.text for o in offers], [o.language for o in offers], embeddings)
        self.sketch_: Sketch | None = None
        if self._two_stages():
            self._sketch()  # now, rather than at the first need
        return self

    def add_offers(
        self,
        offers: Sequence[Offer],
        embeddings: np.ndarray | None = None,
        providers: Mapping[int, Provider] | None = None,
    ) -> Matcher:
        """Index new offers in place, in time proportional to them rather than to the index.

        An edited offer is removed, then added again. The text is read with the vocabulary and
        IDF weights of the last ``fit``: words that no indexed offer had count from the next
        full fit, which a periodic rebuild provides. The text signal (``text``) grows with
        the index. Updates must not run while another thread ranks with this matcher.

        Parameters
        ----------
        offers : sequence of Offer
            Offers whose ids are not indexed (any more).
        embeddings : ndarray of shape (len(offers), dim), optional
            Their stored embeddings; encoded now when not given.
        providers : mapping of int to Provider, optional
            Records of organisations new to the index; known ones keep theirs until a fit.
        """
        offers = list(offers)
        if not offers:
            return self
        vectors = self.text_.embed([o.text for o in offers], embeddings)
        if providers:
            self.catalogue_.add_providers(providers.values())
        self.catalogue_.add(offers)
        self.text_.add([o.text for o in offers], [o.language for o in offers], vectors)
        if self.sketch_ is not None:
            self.sketch_.add(vectors)
        elif self._two_stages():
            self._sketch()
        return self

    def indexed(self, offer_ids: Iterable[int]) -> list[int]:
        """Those of the offers that the index holds (and that were not removed since)."""
        return [i for i in offer_ids if i in self.catalogue_.offer_rows]

    def remove_offers(self, offer_ids: Sequence[int]) -> Matcher:
        """Withdraw offers: they are never ranked again and their capacity is released."""
        self.catalogue_.remove(offer_ids)
        return self

    def _two_stages(self) -> bool:
        """Whether a list could hold more offers than the first stage would pick."""
        kinds = self.catalogue_.kind_rows
        return self.candidates is not None and any(len(r) > self.candidates for r in kinds)

    def _sketch(self) -> Sketch:
        """The first stage's sketch, fitted once, then grown by ``add_offers``."""
        if self.sketch_ is None:
            self.sketch_ = Sketch(self.sketch_dimensions).fit(self.text_.doc_embeddings_)
        return self.sketch_

    def rank(
        self,
        need: NeedQuery,
        *,
        top: int = 10,
        include_own_country: bool = False,
        embedding: np.ndarray | None = None,
    ) -> Ranking:
        """The best peers and facilitators for a need, each with its explanation.

        `embedding` is the need's stored embedding, which spares encoding its text.
        """
        # one BLAS thread: these products are small, and on 2 busy cores a second thread
        # made them several times slower
        with _blas().limit(limits=1, user_api="blas"):
            return self._rank(need, top, include_own_country, embedding)

    def _rank(
        self, need: NeedQuery, top: int, include_own_country: bool, embedding: np.ndarray | None
    ) -> Ranking:
        themes, inferred = tuple(need.themes), False
        if not themes and self.tagger is not None:
            themes = tuple(code for code, _score, _phrases in self.tagger.infer(need.text))
            inferred = bool(themes)
        catalogue, providers = self.catalogue_, self.catalogue_.providers
        query = Query(
            need,
            themes,
            self._normalised_weights(),
            catalogue.tables(need, themes),
            providers.reciprocity(need.offered_themes) if need.offered_themes else None,
            providers.capacity_left <= 0,
            self.text_.read(
                [need.text], [need.language], None if embedding is None else np.array([embedding])
            ),
        )
        rows = self._candidate_rows(query, include_own_country)
        if rows is None:  # one stage: every offer, the text signal computed for all at once
            scored = self._score(query, np.flatnonzero(catalogue.live), whole=True)
        else:
            scored = self._score(query, rows)
        picks = self._select(scored, need, top, include_own_country)
        offers = [r for pick in picks for p in pick for r in providers.offers[p]]
        missing = np.setdiff1d(offers, scored.rows, assume_unique=True)
        if missing.size:  # offers of listed providers that the first stage passed over
            scored = scored.merge(self._score(query, missing))
            picks = self._select(scored, need, top, include_own_country)
        best = [int(scored.rows[positions[0]]) for pick in picks for positions in pick.values()]
        terms = self.text_.lexical_.shared_terms(query.text.tfidf[0], best)
        explained = dict(zip(best, terms, strict=True))
        peers, facilitators = (
            [match(catalogue, query, scored, rows, explained, triangular) for rows in pick.values()]
            for pick, triangular in zip(picks, (False, True), strict=True)
        )
        return Ranking(peers, facilitators, themes, inferred)

    def _select(
        self, scored: Scored, need: NeedQuery, top: int, include_own_country: bool
    ) -> list[dict[int, list[int]]]:
        """The peers' and the facilitators' best offers, by provider, among the scored rows."""
        catalogue, rows = self.catalogue_, scored.rows
        country = catalogue.country[rows]
        eligible = catalogue.live[rows]
        if not include_own_country:
            eligible &= country != catalogue.country_rows.position(need.country)
        if need.requester_id is not None:
            requester = catalogue.providers.rows.position(need.requester_id)
            eligible &= catalogue.provider[rows] != requester
        peer = catalogue.country_peer[country]
        return [
            select(catalogue, scored, mask, top, self.per_country)
            for mask in (eligible & peer, eligible & ~peer)
        ]

    def _normalised_weights(self) -> dict[str, float]:
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown signal weights: {sorted(unknown)}")
        total = sum(max(w, 0.0) for w in self.weights.values())
        if total <= 0:
            raise ValueError("weights must have a positive sum")
        return {name: max(w, 0.0) / total for name, w in self.weights.items()}

    def _candidate_rows(self, query: Query, include_own_country: bool) -> np.ndarray | None:
        """The first stage's picks (ascending), or None when it has nothing to leave out."""
        k = self.candidates
        if k is None or not self._two_stages():
            return None
        return candidate_rows(
            self.catalogue_, self._sketch(), self.text_, query, include_own_country, k
        )

    def _score(self, query: Query, rows: np.ndarray, *, whole: bool = False) -> Scored:
        """The full hybrid score of these rows (ascending); `whole` computes the text signal of
        every offer, then picks the rows, as a small index affords."""
        catalogue = self.catalogue_
        text = self.text_.score_read(query.text, None if whole else rows)[0]
        values = {"text": text[rows] if whole else text}
        for name, (table, codes) in query.tables.items():
            values[name] = table[catalogue.codes(codes)[rows]]
        score = sum(weight * values[name] for name, weight in query.weights.items())
        providers = catalogue.provider[rows]
        reciprocity = np.zeros(len(rows))
        if query.reciprocity is not None:
            reciprocity = query.reciprocity[providers]
            score = score + RECIPROCITY_BONUS * reciprocity
        exhausted = query.exhausted[providers]
        score = np.where(exhausted, score * CAPACITY_DEMOTION, score)
        return Scored(rows, values, score, reciprocity, exhausted)
