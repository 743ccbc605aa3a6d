"""The hybrid ranker: text, themes, language, geography, context and track record, combined with
documented weights, then capacity, eligibility, reciprocity and diversity rules.

Peers (providers from countries that are not OECD-DAC members) and triangular facilitators
(DAC members) come back in two separate lists: never silently mixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from matchmaker.engine import signals
from matchmaker.engine.index import RowIndex
from matchmaker.engine.records import (
    CountryInfo,
    Match,
    NeedQuery,
    Offer,
    OfferMatch,
    PastExchange,
    Provider,
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
CAPACITY_DEMOTION = 0.5  # a provider with no capacity left keeps half its score, and a flag
RECIPROCITY_BONUS = 0.05  # at most, when the requester offers what the provider needs


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
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    per_country: int = 2
    text: TextRelevance | None = None
    theme_pillars: Mapping[str, str] = field(default_factory=dict)
    tagger: object | None = None  # a fitted ThemeTagger, to infer themes of untagged needs

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
        unknown = {o.provider_id for o in offers} - set(providers)
        if unknown:
            raise ValueError(f"offers of unknown providers: {sorted(unknown)[:5]}")
        self.offers_ = list(offers)
        self.providers_ = dict(providers)
        self.countries_ = dict(countries)
        self.rows_ = RowIndex([o.id for o in self.offers_])
        self.provider_rows_ = RowIndex(sorted(self.providers_))
        self.theme_rows_ = RowIndex(sorted(self.theme_pillars))
        pillar_names = sorted(set(self.theme_pillars.values()))
        self.pillar_rows_ = RowIndex(pillar_names)  # type: ignore[arg-type]
        self.language_rows_ = RowIndex(
            sorted({code for o in self.offers_ for code in self._offer_languages(o)})
        )  # type: ignore[arg-type]
        self._index_context()
        self._index_history(history, load or {})
        self.text_ = self.text if self.text is not None else TextRelevance()
        self.text_.fit(
            [o.text for o in self.offers_], [o.language for o in self.offers_], embeddings
        )
        return self

    def _offer_languages(self, offer: Offer) -> set[str]:
        provider = self.providers_[offer.provider_id]
        return (
            set(offer.languages)
            | set(provider.working_languages)
            | ({offer.language} if offer.language else set())
        )

    def _index_context(self) -> None:
        n = len(self.offers_)
        self.offer_provider_ = np.array(
            [self.provider_rows_.row(o.provider_id) for o in self.offers_]
        )
        infos = [self.countries_.get(self.providers_[o.provider_id].country) for o in self.offers_]
        self.offer_country_ = np.array(
            [self.providers_[o.provider_id].country for o in self.offers_], dtype=object
        )
        self.offer_region_ = np.array([i.ilo_region if i else "" for i in infos], dtype=object)
        self.offer_subregion_ = np.array(
            [(i.intermediate_region or i.subregion) if i else "" for i in infos], dtype=object
        )
        self.offer_income_ = np.array(
            [signals.INCOME_RANK.get(i.income_group or "", -1) if i else -1 for i in infos]
        )
        self.offer_peer_ = np.array([i.south_south_peer if i else True for i in infos])
        self.offer_languages_ = np.array(
            [
                signals.language_mask(
                    sorted(self._offer_languages(o)), self.language_rows_.positions
                )
                for o in self.offers_
            ],
            dtype=np.int64,
        )
        self.offer_themes_ = np.zeros((n, len(self.theme_rows_)), dtype=bool)
        self.offer_pillars_ = np.zeros((n, len(self.pillar_rows_)), dtype=bool)
        for row, offer in enumerate(self.offers_):
            for code in offer.themes:
                if code in self.theme_rows_:
                    self.offer_themes_[row, self.theme_rows_.row(code)] = True
                    self.offer_pillars_[row, self.pillar_rows_.row(self.theme_pillars[code])] = True

    def _index_history(self, history: Sequence[PastExchange], load: Mapping[int, int]) -> None:
        shape = (len(self.provider_rows_), len(self.theme_rows_))
        self.rating_sums_, self.rating_counts_ = np.zeros(shape), np.zeros(shape)
        for past in history:
            value = signals.rating_value(past.rating)
            columns = [self.theme_rows_.row(t) for t in past.themes if t in self.theme_rows_]
            for provider_id in past.provider_ids:
                if provider_id in self.provider_rows_ and columns:
                    row = self.provider_rows_.row(provider_id)
                    self.rating_sums_[row, columns] += value
                    self.rating_counts_[row, columns] += 1
        capacity = np.zeros(len(self.provider_rows_))
        for offer in self.offers_:
            capacity[self.provider_rows_.row(offer.provider_id)] += max(offer.capacity, 0)
        used = np.array([load.get(pid, 0) for pid in self.provider_rows_.ids])
        self.capacity_left_ = capacity - used

    def rank(self, need: NeedQuery, *, top: int = 10, include_own_country: bool = False) -> Ranking:
        """The best peers and facilitators for a need, each with its explanation."""
        themes, inferred = tuple(need.themes), False
        if not themes and self.tagger is not None:
            themes = tuple(code for code, _score, _phrases in self.tagger.infer(need.text))
            inferred = bool(themes)
        values = self._signal_values(need, themes)
        weights = self._normalised_weights()
        score = sum(weights[name] * values[name] for name in weights)
        if need.offered_themes:
            reciprocity = self._reciprocity(need.offered_themes)
            score = score + RECIPROCITY_BONUS * reciprocity
        else:
            reciprocity = np.zeros(len(self.offers_))
        exhausted = self.capacity_left_[self.offer_provider_] <= 0
        score = np.where(exhausted, score * CAPACITY_DEMOTION, score)
        eligible = np.ones(len(self.offers_), dtype=bool)
        if not include_own_country:
            eligible &= self.offer_country_ != need.country
        if need.requester_id is not None:
            eligible &= self.offer_provider_ != self.provider_rows_.position(need.requester_id)
        context = _Context(need, themes, values, weights, score, reciprocity, exhausted)
        peers = self._select(context, eligible & self.offer_peer_, top, triangular=False)
        facilitators = self._select(context, eligible & ~self.offer_peer_, top, triangular=True)
        return Ranking(peers, facilitators, themes, inferred)

    def _normalised_weights(self) -> dict[str, float]:
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown signal weights: {sorted(unknown)}")
        total = sum(max(w, 0.0) for w in self.weights.values())
        if total <= 0:
            raise ValueError("weights must have a positive sum")
        return {name: max(w, 0.0) / total for name, w in self.weights.items()}

    def _signal_values(self, need: NeedQuery, themes: tuple[str, ...]) -> dict[str, np.ndarray]:
        info = self.countries_.get(need.country)
        columns = [self.theme_rows_.row(t) for t in themes if t in self.theme_rows_]
        pillars = [
            self.pillar_rows_.row(self.theme_pillars[t]) for t in themes if t in self.theme_rows_
        ]
        languages = set(need.languages) | ({need.language} if need.language else set())
        track = signals.track_record(columns, self.rating_sums_, self.rating_counts_)
        return {
            "text": self.text_.score([need.text], [need.language])[0],
            "themes": signals.themes(columns, pillars, self.offer_themes_, self.offer_pillars_),
            "geography": signals.geography(
                (info.intermediate_region or info.subregion) if info else "",
                info.ilo_region if info else "",
                self.offer_subregion_,
                self.offer_region_,
            ),
            "context": signals.context(info.income_group if info else None, self.offer_income_),
            "language": signals.language(
                signals.language_mask(sorted(languages), self.language_rows_.positions),
                self.offer_languages_,
            ),
            "track_record": track[self.offer_provider_],
        }

    def _reciprocity(self, offered_themes: Sequence[str]) -> np.ndarray:
        """Share of each provider's needed themes that the requester offers."""
        offered = set(offered_themes)
        per_provider = np.array(
            [
                len(offered & set(self.providers_[pid].needed_themes))
                / max(len(self.providers_[pid].needed_themes), 1)
                for pid in self.provider_rows_.ids
            ]
        )
        return per_provider[self.offer_provider_]

    def _select(
        self, context: _Context, mask: np.ndarray, top: int, *, triangular: bool
    ) -> list[Match]:
        """Best offer per provider, providers by score, at most `per_country` per country."""
        candidates = np.flatnonzero(mask)
        if candidates.size == 0 or top <= 0:
            return []
        order = candidates[np.argsort(-context.score[candidates], kind="stable")]
        best: dict[int, list[int]] = {}
        per_country: dict[str, int] = {}
        picked: list[int] = []
        for row in order:
            provider_row = int(self.offer_provider_[row])
            if provider_row in best:
                if len(best[provider_row]) < 3:
                    best[provider_row].append(int(row))
                continue
            if len(picked) >= top:
                continue
            country = str(self.offer_country_[row])
            if self.per_country and per_country.get(country, 0) >= self.per_country:
                continue
            per_country[country] = per_country.get(country, 0) + 1
            best[provider_row] = [int(row)]
            picked.append(provider_row)
        return [self._match(context, best[p], triangular) for p in picked]

    def _match(self, context: _Context, rows: list[int], triangular: bool) -> Match:
        row = rows[0]
        offer = self.offers_[row]
        provider = self.providers_[offer.provider_id]
        contributions = {
            name: {
                "value": round(float(context.values[name][row]), 4),
                "weight": round(weight, 4),
                "contribution": round(float(weight * context.values[name][row]), 4),
            }
            for name, weight in context.weights.items()
        }
        flags = []
        if context.exhausted[row]:
            flags.append("no capacity left this period: demoted")
        if contributions["language"]["value"] < 1:
            flags.append("no shared working language: interpretation needed")
        explanation: dict[str, object] = {
            "signals": contributions,
            "matched_themes": [t for t in context.themes if t in offer.themes],
            "matched_phrases": self.text_.shared_terms(context.need.text, row),
            "reciprocity": round(float(context.reciprocity[row]), 4),
            "capacity_left": int(max(self.capacity_left_[self.offer_provider_[row]], 0)),
            "flags": flags,
        }
        return Match(
            provider_id=provider.id,
            name=provider.name,
            country=provider.country,
            score=round(float(context.score[row]), 4),
            offers=tuple(
                OfferMatch(
                    self.offers_[r].id, self.offers_[r].title, round(float(context.score[r]), 4)
                )
                for r in rows
            ),
            triangular=triangular,
            explanation=explanation,
        )


@dataclass(frozen=True)
class _Context:
    need: NeedQuery
    themes: tuple[str, ...]
    values: dict[str, np.ndarray]
    weights: dict[str, float]
    score: np.ndarray
    reciprocity: np.ndarray
    exhausted: np.ndarray
