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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

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
    tagger : ThemeTagger, optional
        A fitted tagger, to infer the themes of a need that has none.
    candidates : int or None, default=1000
        Offers scored in full per list (peers, facilitators) when the index holds more; None
        scores every offer. At 100,000 offers, 1000 find over 95 % of the providers that
        scoring every offer lists (``benchmarks/ranking.py`` measures it).
    sketch_dimensions : int, default=128
        Principal axes of the embeddings that the first stage compares (see ``Sketch``).
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    per_country: int = 2
    text: TextRelevance | None = None
    theme_pillars: Mapping[str, str] = field(default_factory=dict)
    tagger: object | None = None  # a fitted ThemeTagger, to infer themes of untagged needs
    candidates: int | None = 1000
    sketch_dimensions: int = 128

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
        self._refresh_sketch()
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
        full fit, which a periodic rebuild provides.

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
        self._refresh_sketch()
        return self

    def remove_offers(self, offer_ids: Sequence[int]) -> Matcher:
        """Withdraw offers: they are never ranked again and their capacity is released."""
        self.catalogue_.remove(offer_ids)
        return self

    def _refresh_sketch(self) -> None:
        """Fit the first stage's sketch once the index holds more offers than it would pick."""
        large = self.candidates is not None and len(self.catalogue_) > self.candidates
        if self.sketch_ is None and large:
            self.sketch_ = Sketch(self.sketch_dimensions).fit(self.text_.doc_embeddings_)

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
        rows = self._candidate_rows(query, include_own_country, top)
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

    def _candidate_rows(
        self, query: Query, include_own_country: bool, top: int
    ) -> np.ndarray | None:
        """The first stage's picks (ascending), or None when no list has more offers than it
        would pick."""
        kinds = self.catalogue_.kind_rows
        if self.candidates is None or all(len(rows) <= self.candidates for rows in kinds):
            return None
        self._refresh_sketch()
        return candidate_rows(
            self.catalogue_,
            self.sketch_,  # type: ignore[arg-type]
            self.text_,
            query,
            include_own_country,
            self.candidates,
            top,
            self.per_country,
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
