"""Rankers of provider countries for the offline evaluation: the engine and its baselines.

Each has ``fit(history)``, which sees only the track record of the exchanges not being
ranked, and ``rank(case)``, which returns countries best first. None returns the requester's
own country: the engine leaves it out, and no documented exchange has it as provider.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from matchmaker.engine.embeddings import Encoder
from matchmaker.engine.ranker import Matcher
from matchmaker.engine.records import PastExchange
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.themes import ThemeTagger

if TYPE_CHECKING:
    from matchmaker.engine.evaluation import Case, Corpus


class MemoEncoder:
    """Embeds each distinct text once: every case's need is ranked by many methods."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, as the wrapped encoder gives it."""
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self.memo))
        if missing:
            self.memo.update(zip(missing, self.encoder.encode(missing), strict=True))
        if not texts:
            return self.encoder.encode(texts)
        return np.stack([self.memo[t] for t in texts])


class OffersText(TextRelevance):
    """The text signal fitted once: the offers are the same whichever case is left out.

    A later fit on the same documents and languages keeps the first one, sparing the seconds
    that the TF-IDF models take to learn at every case's refit of the Matcher.
    """

    def fit(
        self,
        documents: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> OffersText:
        key = (tuple(documents), None if languages is None else tuple(languages))
        if getattr(self, "fitted_on_", None) != key:
            super().fit(documents, languages, embeddings)
            self.fitted_on_ = key
        return self


class EngineRanker:
    """The engine with given weights; a country ranks where its best organisation does.

    Peers and triangular facilitators, which the engine lists apart, are merged by score:
    a documented provider may be either.
    """

    def __init__(
        self,
        corpus: Corpus,
        weights: Mapping[str, float],
        text: TextRelevance,
        tagger: ThemeTagger,
        depth: int,
    ) -> None:
        self.corpus = corpus
        self.weights = dict(weights)
        self.text = text
        self.tagger = tagger
        self.depth = depth

    def fit(self, history: Sequence[PastExchange]) -> EngineRanker:
        corpus = self.corpus
        self.matcher_ = Matcher(
            weights=self.weights,
            per_country=1,  # one organisation per country: the list is a ranking of countries
            text=self.text,
            theme_pillars=corpus.theme_pillars,
            tagger=self.tagger,
        ).fit(
            corpus.offers,
            corpus.providers,
            corpus.countries,
            history,
            embeddings=corpus.embeddings,
        )
        return self

    def rank(self, case: Case) -> list[str]:
        ranking = self.matcher_.rank(case.need, top=self.depth)
        matches = sorted([*ranking.peers, *ranking.facilitators], key=lambda m: -m.score)
        return [match.country for match in matches]


class TfidfAlone:
    """The text signal's TF-IDF view alone (no meaning, no themes, no context)."""

    def __init__(self, corpus: Corpus, text: TextRelevance) -> None:
        self.text = text  # fitted on the corpus's offers
        self.offer_countries = _offer_countries(corpus)

    def fit(self, history: Sequence[PastExchange]) -> TfidfAlone:
        return self

    def rank(self, case: Case) -> list[str]:
        """Countries by the TF-IDF cosine of their best offer."""
        scores = self.text.lexical_scores([case.need.text])[0]
        order = self.offer_countries[np.argsort(-scores, kind="stable")]
        return [country for country in dict.fromkeys(order) if country != case.need.country]


class Popularity:
    """Countries by the past exchanges they provided in; ties by their number of offers."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus

    def fit(self, history: Sequence[PastExchange]) -> Popularity:
        known = self.corpus.organisation_countries
        provided = Counter(
            country
            for past in history
            for country in {known[p] for p in past.provider_ids if p in known}
        )
        offers = Counter(_offer_countries(self.corpus).tolist())
        self.order_ = sorted(offers, key=lambda c: (-provided[c], -offers[c], c))
        return self

    def rank(self, case: Case) -> list[str]:
        return [country for country in self.order_ if country != case.need.country]


class SameRegion(Popularity):
    """Countries of the requester's ILO region first, each part by popularity."""

    def rank(self, case: Case) -> list[str]:
        countries = self.corpus.countries
        info = countries.get(case.need.country)
        region = info.ilo_region if info else None

        def elsewhere(country: str) -> bool:
            other = countries.get(country)
            return other is None or other.ilo_region != region

        return sorted(super().rank(case), key=elsewhere)


class RandomOrder:
    """Countries in a random order of their own per case, the same whatever else is ranked."""

    def __init__(self, corpus: Corpus, seed: int) -> None:
        self.candidates = sorted(corpus.candidates())
        self.seed = seed

    def fit(self, history: Sequence[PastExchange]) -> RandomOrder:
        return self

    def rank(self, case: Case) -> list[str]:
        order = np.random.default_rng((self.seed, case.index)).permutation(len(self.candidates))
        return [self.candidates[i] for i in order if self.candidates[i] != case.need.country]


def _offer_countries(corpus: Corpus) -> np.ndarray:
    """The country of each offer's provider, in offer order."""
    return np.array([corpus.providers[o.provider_id].country for o in corpus.offers], dtype=object)
