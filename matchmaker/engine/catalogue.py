"""The offers as arrays of small integer codes, with their providers and countries, kept current
offer by offer: ranking never walks Python objects and an edit never rebuilds the index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from matchmaker.engine import signals
from matchmaker.engine.buffers import GrowingArray
from matchmaker.engine.index import RowIndex
from matchmaker.engine.providers import ProviderTable
from matchmaker.engine.records import CountryInfo, NeedQuery, Offer, PastExchange, Provider

Table = tuple[np.ndarray, str]  # (value per code, the name of the offers' codes: see `codes`)


class Catalogue:
    """Offers, providers and countries as arrays of codes into tables of distinct values.

    Each attribute of an offer that a signal reads is a code: its provider, its country, its
    set of themes and its set of working languages. A need's signal is then computed once per
    distinct value (a few hundred countries or theme sets, not 100,000 offers) and gathered
    per offer (see ``tables``). Offers come and go one by one: a removed offer's row is marked
    dead and keeps its number until the next full fit, so no other row moves.

    Parameters
    ----------
    providers : mapping of int to Provider
        The organisations that may offer; more can be added to ``providers``.
    countries : mapping of str to CountryInfo
        What is known of each country; a country missing here has neutral facts.
    theme_pillars : mapping of str to str
        The taxonomy: each theme code's pillar. Other theme codes are ignored.
    history : sequence of PastExchange
        Completed exchanges: each provider's ratings per theme, for the track record.
    load : mapping of int to int
        Each provider's exchanges in the current period, subtracted from its capacity.
    """

    def __init__(
        self,
        providers: Mapping[int, Provider],
        countries: Mapping[str, CountryInfo],
        theme_pillars: Mapping[str, str],
        history: Sequence[PastExchange] = (),
        load: Mapping[int, int] | None = None,
    ) -> None:
        self.countries = dict(countries)
        self.theme_rows = RowIndex(sorted(theme_pillars))
        self.pillar_rows = RowIndex(sorted(set(theme_pillars.values())))
        self.theme_pillars = dict(theme_pillars)
        n_themes, n_pillars = len(self.theme_rows), len(self.pillar_rows)
        self.offers: list[Offer | None] = []
        self.offer_rows: RowIndex[int] = RowIndex([])
        self._codes = {  # numpy's own index type, which fancy indexing need not convert
            name: GrowingArray(np.zeros(0, dtype=np.intp))
            for name in ("provider", "country", "theme_set", "language_set")
        }
        self._live = GrowingArray(np.zeros(0, dtype=bool))
        self.dead_rows: list[int] = []
        self._kind_rows = (GrowingArray(np.zeros(0, np.intp)), GrowingArray(np.zeros(0, np.intp)))
        self.country_rows: RowIndex[str] = RowIndex([])
        self._country_facts: list[tuple[str, str, int, bool]] = []
        self.theme_sets: RowIndex[tuple[int, ...]] = RowIndex([])
        self._set_themes = GrowingArray(np.zeros((0, n_themes), dtype=bool))
        self._set_pillars = GrowingArray(np.zeros((0, n_pillars), dtype=bool))
        self.language_rows: RowIndex[str] = RowIndex([])
        self.language_sets: RowIndex[tuple[str, ...]] = RowIndex([])
        self._set_masks = GrowingArray(np.zeros(0, dtype=np.int64))
        self.providers = ProviderTable(self.theme_rows)
        self.providers.add(providers.values(), load or {}, self.country_code)
        self.providers.add_history(history)

    def __len__(self) -> int:
        return len(self.offers)

    def codes(self, name: str) -> np.ndarray:
        """Per offer row: its provider, country, theme_set or language_set code."""
        return self._codes[name].array

    @property
    def provider(self) -> np.ndarray:
        return self.codes("provider")

    @property
    def country(self) -> np.ndarray:
        return self.codes("country")

    @property
    def kind_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows of offers from peer countries, then from the others (dead ones included)."""
        return self._kind_rows[0].array, self._kind_rows[1].array

    @property
    def live(self) -> np.ndarray:
        """Per offer row: False once the offer is removed."""
        return self._live.array

    def live_offer(self, row: int) -> Offer:
        """The offer of a row known to be live, as the rows a ranking returns are."""
        offer = self.offers[row]
        if offer is None:
            raise LookupError(f"offer row {row} was removed")
        return offer

    def add_providers(self, providers: Iterable[Provider]) -> None:
        """Index organisations not yet known, with no exchanges yet this period."""
        self.providers.add(providers, {}, self.country_code)

    def country_code(self, iso3: str) -> int:
        """A country's code, created on first sight (with neutral facts when unknown)."""
        if iso3 not in self.country_rows:
            info = self.countries.get(iso3)
            self._country_facts.append(
                (
                    (info.intermediate_region or info.subregion) if info else "",
                    info.ilo_region if info else "",
                    signals.INCOME_RANK.get(info.income_group or "", -1) if info else -1,
                    info.south_south_peer if info else True,
                )
            )
            facts = list(zip(*self._country_facts, strict=True))
            self.country_subregion = np.array(facts[0], dtype=object)
            self.country_region = np.array(facts[1], dtype=object)
            self.country_income = np.array(facts[2])
            self.country_peer = np.array(facts[3], dtype=bool)
        return self.country_rows.add(iso3)

    def add(self, offers: Sequence[Offer]) -> np.ndarray:
        """Index offers of known providers at new rows, which are returned."""
        ids = [offer.id for offer in offers]
        taken = {i for i in ids if i in self.offer_rows}
        if len(set(ids)) < len(ids):
            taken |= {i for i, n in Counter(ids).items() if n > 1}
        if taken:
            raise ValueError(f"duplicate offer ids: {sorted(taken)[:5]}")
        unknown = {o.provider_id for o in offers} - set(self.providers.records)
        if unknown:
            raise ValueError(f"offers of unknown providers: {sorted(unknown)[:5]}")
        start = len(self.offers)
        codes: dict[str, list[int]] = {name: [] for name in self._codes}
        for offer in offers:
            provider = self.providers.records[offer.provider_id]
            row = self.offer_rows.add(offer.id)
            self.offers.append(offer)
            codes["provider"].append(self.providers.rows.row(provider.id))
            codes["country"].append(self.country_code(provider.country))
            codes["theme_set"].append(self._theme_set(offer.themes))
            codes["language_set"].append(self._language_set(offer, provider))
            self.providers.offers[codes["provider"][-1]].append(row)
            self.providers.capacity_left[codes["provider"][-1]] += max(offer.capacity, 0)
        for name, values in codes.items():
            self._codes[name].append(np.array(values, dtype=np.intp))
        self._live.append(np.ones(len(offers), dtype=bool))
        rows = np.arange(start, len(self.offers))
        peer = self.country_peer[codes["country"]]
        self._kind_rows[0].append(rows[peer])
        self._kind_rows[1].append(rows[~peer])
        return rows

    def remove(self, offer_ids: Iterable[int]) -> np.ndarray:
        """Withdraw offers: their rows stay, dead, and their capacity leaves their provider."""
        ids = list(dict.fromkeys(offer_ids))
        unknown = [i for i in ids if i not in self.offer_rows]
        if unknown:
            raise KeyError(f"offers not indexed: {unknown[:5]}")
        rows = np.array([self.offer_rows.discard(i) for i in ids], dtype=np.int64)
        for row in rows:
            offer, provider = self.offers[row], int(self.provider[row])
            assert offer is not None, "an indexed id names a live row"
            self.providers.capacity_left[provider] -= max(offer.capacity, 0)
            self.providers.offers[provider].remove(int(row))
            self.offers[row] = None
        self.live[rows] = False
        self.dead_rows.extend(rows.tolist())
        return rows

    def _theme_set(self, themes: Sequence[str]) -> int:
        columns = sorted(set(self.providers.columns(themes)))
        code = self.theme_sets.add(tuple(columns))
        if code == len(self._set_themes):
            exact = np.zeros((1, len(self.theme_rows)), dtype=bool)
            pillars = np.zeros((1, len(self.pillar_rows)), dtype=bool)
            for column in columns:
                exact[0, column] = True
                theme = self.theme_rows.ids[column]
                pillars[0, self.pillar_rows.row(self.theme_pillars[theme])] = True
            self._set_themes.append(exact)
            self._set_pillars.append(pillars)
        return code

    def _language_set(self, offer: Offer, provider: Provider) -> int:
        """The languages an exchange on this offer can run in, as a code into bit masks."""
        languages = sorted(
            set(offer.languages)
            | set(provider.working_languages)
            | ({offer.language} if offer.language else set())
        )
        code = self.language_sets.add(tuple(languages))
        if code == len(self._set_masks):
            for language in languages:
                self.language_rows.add(language)
            mask = signals.language_mask(languages, self.language_rows.positions)
            self._set_masks.append(np.array([mask], dtype=np.int64))
        return code

    def tables(self, need: NeedQuery, themes: Sequence[str]) -> dict[str, Table]:
        """The need's context signals, each as values per code and which codes the offers have.

        A signal's value for offer rows ``r`` is ``table[self.codes(name)[r]]``.
        """
        info = self.countries.get(need.country)
        columns = self.providers.columns(themes)
        pillars = [
            self.pillar_rows.row(self.theme_pillars[t]) for t in themes if t in self.theme_rows
        ]
        languages = set(need.languages) | ({need.language} if need.language else set())
        return {
            "themes": (
                signals.themes(columns, pillars, self._set_themes.array, self._set_pillars.array),
                "theme_set",
            ),
            "geography": (
                signals.geography(
                    (info.intermediate_region or info.subregion) if info else "",
                    info.ilo_region if info else "",
                    self.country_subregion,
                    self.country_region,
                ),
                "country",
            ),
            "context": (
                signals.context(info.income_group if info else None, self.country_income),
                "country",
            ),
            "language": (
                signals.language(
                    signals.language_mask(sorted(languages), self.language_rows.positions),
                    self._set_masks.array,
                ),
                "language_set",
            ),
            "track_record": (self.providers.track_record(columns), "provider"),
        }
