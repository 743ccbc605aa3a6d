"""The organisations that offer, as arrays by row: what they can still take on, how their past
exchanges went per theme, and what they want to learn in return."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from matchmaker.engine import signals
from matchmaker.engine.buffers import GrowingArray
from matchmaker.engine.index import RowIndex
from matchmaker.engine.records import PastExchange, Provider


class ProviderTable:
    """Providers by row; more can be added, none removed (a provider without offers is inert).

    Parameters
    ----------
    theme_rows : RowIndex
        The taxonomy's theme codes, whose rows are the columns of the per-theme arrays.

    Attributes
    ----------
    records : dict of int to Provider
        Each provider's record by id.
    rows : RowIndex
        Each provider id's row.
    offers : dict of int to list of int
        Each provider row's live offer rows.
    """

    def __init__(self, theme_rows: RowIndex[str]) -> None:
        self.theme_rows = theme_rows
        self.records: dict[int, Provider] = {}
        self.rows: RowIndex[int] = RowIndex([])
        self.offers: dict[int, list[int]] = {}
        width = len(theme_rows)
        self._country = GrowingArray(np.zeros(0, dtype=np.intp))
        self._capacity = GrowingArray(np.zeros(0))
        self._needed = GrowingArray(np.zeros((0, width), dtype=bool))
        self._needed_count = GrowingArray(np.zeros(0))
        # ratings of the providers with past exchanges only: per theme, and over all themes
        self._rated = np.zeros(0, dtype=np.intp)
        self._sums, self._counts = np.zeros((0, width)), np.zeros((0, width))
        self._totals = np.zeros(0), np.zeros(0)

    @property
    def country(self) -> np.ndarray:
        """Per provider row: its country's code."""
        return self._country.array

    @property
    def capacity_left(self) -> np.ndarray:
        """Per provider row: exchanges it can still take this period (negative: overbooked)."""
        return self._capacity.array

    def columns(self, codes: Iterable[str]) -> list[int]:
        """The per-theme columns of the taxonomy's codes among these."""
        return [self.theme_rows.row(code) for code in codes if code in self.theme_rows]

    def add(
        self,
        providers: Iterable[Provider],
        load: Mapping[int, int],
        country_code: Callable[[str], int],
    ) -> None:
        """Index organisations not yet known; `load` is their exchanges this period."""
        new = [p for p in providers if p.id not in self.rows]
        for provider in new:
            self.records[provider.id] = provider
            self.offers[self.rows.add(provider.id)] = []
        self._country.append(np.array([country_code(p.country) for p in new], dtype=np.intp))
        self._capacity.append(-np.array([load.get(p.id, 0) for p in new], dtype=float))
        width = len(self.theme_rows)
        needed = np.zeros((len(new), width), dtype=bool)
        for row, provider in enumerate(new):
            needed[row, self.columns(provider.needed_themes)] = True
        self._needed.append(needed)
        self._needed_count.append(np.array([len(set(p.needed_themes)) for p in new], dtype=float))

    def add_history(self, history: Sequence[PastExchange]) -> None:
        """Count completed exchanges into their providers' ratings per theme (once, at a fit)."""
        width = len(self.theme_rows)
        sums, counts = np.zeros((len(self.rows), width)), np.zeros((len(self.rows), width))
        for past in history:
            value = signals.rating_value(past.rating)
            columns = self.columns(past.themes)
            for provider_id in past.provider_ids:
                if provider_id in self.rows and columns:
                    row = self.rows.row(provider_id)
                    sums[row, columns] += value
                    counts[row, columns] += 1
        self._rated = np.flatnonzero(counts.sum(axis=1))
        self._sums, self._counts = sums[self._rated], counts[self._rated]
        self._totals = self._sums.sum(axis=1), self._counts.sum(axis=1)

    def track_record(self, columns: list[int]) -> np.ndarray:
        """Per provider row: the track record on these theme columns (all themes if none).

        Computed for the providers with past exchanges; the others have the prior's value.
        """
        width = len(self.theme_rows)
        newcomer = signals.track_record(columns, np.zeros((1, width)), np.zeros((1, width)))
        values = np.full(len(self.rows), newcomer[0])
        if columns:
            values[self._rated] = signals.track_record(columns, self._sums, self._counts)
        else:  # every theme: the sums, added up once
            sums, counts = self._totals
            values[self._rated] = signals.track_record([0], sums[:, None], counts[:, None])
        return values

    def reciprocity(self, offered_themes: Sequence[str]) -> np.ndarray:
        """Per provider row: share of the themes it wants to learn that the requester offers.

        Only taxonomy themes are compared; a provider's other wishes still count as wanted.
        """
        columns = sorted(set(self.columns(offered_themes)))
        matched = self._needed.array[:, columns].sum(axis=1)
        return matched / np.maximum(self._needed_count.array, 1)
