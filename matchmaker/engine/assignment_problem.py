"""A matching round as plain arrays: the candidate graph, what each side can take, and the rules.

Needs are numbered ``0..n-1``, providers ``0..p-1`` and countries ``0..c-1``; the app's bridge
keeps the mapping to database rows. The candidate graph holds, for each need, the providers the
engine ranked for it, with their scores (see ``top_candidates`` for the pruning).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

DEFAULT_CANDIDATES = 50
REGION_BONUS = 0.05  # what one same-region partner is worth to a need, in score units
NO_PAIRS = np.empty((0, 2), dtype=np.int64)
_BLOCK_CELLS = 8_000_000  # cells of a dense score matrix pruned at a time: 64 MB of floats

# Why an edge cannot be used, in the order the reasons are reported; 0 means eligible.
ELIGIBLE, OWN_COUNTRY, CONFLICT, NEVER_PAIR, ZERO_SCORE = range(5)
RULE_NAMES = {
    OWN_COUNTRY: "from the requester's own country",
    CONFLICT: "declared conflicts",
    NEVER_PAIR: "never-pairs",
    ZERO_SCORE: "zero scores",
}


def _integers(name: str, values: ArrayLike, size: int | None = None) -> np.ndarray:
    """Whole numbers, checked once here so that the solvers can trust them."""
    array = np.asarray(values)
    if size is not None and array.ndim == 0:
        array = np.full(size, array)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold whole numbers, not {array.dtype}")
    array = array.astype(np.int64, copy=False).reshape(-1)
    if size is not None and len(array) != size:
        raise ValueError(f"{name} has {len(array)} values for {size} rows")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must not be negative")
    return array


def _pairs(name: str, values: ArrayLike, n_needs: int, n_providers: int) -> np.ndarray:
    """(need, provider) rows, each index checked against its side."""
    array = np.asarray(values).reshape(-1, 2) if np.size(values) else NO_PAIRS
    array = _integers(name, array).reshape(-1, 2)
    if array.size and (array[:, 0].max() >= n_needs or array[:, 1].max() >= n_providers):
        raise ValueError(f"{name} name a need or provider that does not exist")
    return array


class RoundProblem:
    """One round: who may be paired with whom, at what score, and under which limits.

    Parameters
    ----------
    edge_need, edge_provider : array of int, shape (E,)
        The candidate graph: need and provider of each candidate pair (each pair once).
    edge_score : array of float, shape (E,)
        The engine's score of each pair, >= 0; pairs scored 0 are never chosen.
    need_country : array of int, shape (n,)
        Country of each need's requester: its providers never come from there.
    provider_country : array of int, shape (p,)
        Country of each provider.
    capacity : int or array of int, shape (p,)
        Exchanges each provider can host in the round.
    min_partners, max_partners : int or array of int, shape (n,), default=1 and 3
        Partners wanted per need: a need with fewer than ``min_partners`` is unserved.
    country_cap : int or array of int, shape (c,), optional
        At most this many exchanges with the providers of one country; None for no cap.
    need_region, provider_region : array of int, optional
        Regions, for the soft preference of one same-region partner per need.
    region_bonus : float, default=REGION_BONUS
        Added once to the objective for each need with at least one same-region partner.
    conflicts, never_pairs, must_pairs : array of int, shape (k, 2), optional
        (need, provider) pairs: declared conflicts and never-pairs are excluded; must-pairs
        are imposed whenever the rules and limits allow.
    """

    edge_need: np.ndarray
    edge_provider: np.ndarray
    edge_score: np.ndarray
    need_country: np.ndarray
    provider_country: np.ndarray
    capacity: np.ndarray
    min_partners: np.ndarray
    max_partners: np.ndarray
    country_cap: np.ndarray | None
    need_region: np.ndarray | None
    provider_region: np.ndarray | None
    region_bonus: float
    conflicts: np.ndarray
    never_pairs: np.ndarray
    must_pairs: np.ndarray

    def __init__(
        self,
        edge_need: ArrayLike,
        edge_provider: ArrayLike,
        edge_score: ArrayLike,
        need_country: ArrayLike,
        provider_country: ArrayLike,
        capacity: ArrayLike,
        min_partners: ArrayLike = 1,
        max_partners: ArrayLike = 3,
        country_cap: ArrayLike | None = None,
        need_region: ArrayLike | None = None,
        provider_region: ArrayLike | None = None,
        region_bonus: float = REGION_BONUS,
        conflicts: ArrayLike = NO_PAIRS,
        never_pairs: ArrayLike = NO_PAIRS,
        must_pairs: ArrayLike = NO_PAIRS,
    ) -> None:
        self.need_country = _integers("need_country", need_country)
        self.provider_country = _integers("provider_country", provider_country)
        n, p = self.n_needs, self.n_providers
        self.edge_need = _integers("edge_need", edge_need)
        self.edge_provider = _integers("edge_provider", edge_provider, len(self.edge_need))
        self.edge_score = np.asarray(edge_score, dtype=np.float64).reshape(-1)
        if len(self.edge_score) != len(self.edge_need):
            raise ValueError("edge_need, edge_provider and edge_score differ in length")
        if len(self.edge_need) and (self.edge_need.max() >= n or self.edge_provider.max() >= p):
            raise ValueError("a candidate pair names a need or provider that does not exist")
        if not np.all(np.isfinite(self.edge_score)) or np.any(self.edge_score < 0):
            raise ValueError("edge_score must be finite and >= 0")
        self.capacity = _integers("capacity", capacity, p)
        self.min_partners = _integers("min_partners", min_partners, n)
        self.max_partners = _integers("max_partners", max_partners, n)
        if np.any(self.min_partners > self.max_partners):
            raise ValueError("min_partners exceeds max_partners for some need")
        self.country_cap = None
        if country_cap is not None:
            used = self._codes_used()
            cap = np.asarray(country_cap)
            self.country_cap = _integers("country_cap", cap, used if cap.ndim == 0 else None)
            if len(self.country_cap) < used:
                raise ValueError("country_cap has no value for some country code")
        if (need_region is None) != (provider_region is None):
            raise ValueError("give both need_region and provider_region, or neither")
        self.need_region = self.provider_region = None
        if need_region is not None and provider_region is not None:
            self.need_region = _integers("need_region", need_region, n)
            self.provider_region = _integers("provider_region", provider_region, p)
        if not (np.isfinite(region_bonus) and region_bonus >= 0):
            raise ValueError("region_bonus must be finite and >= 0")
        self.region_bonus = region_bonus
        self.conflicts = _pairs("conflicts", conflicts, n, p)
        self.never_pairs = _pairs("never_pairs", never_pairs, n, p)
        self.must_pairs = _pairs("must_pairs", must_pairs, n, p)
        keys = np.sort(self.edge_keys)
        repeated = np.flatnonzero(keys[1:] == keys[:-1])
        if len(repeated):
            need, provider = divmod(int(keys[repeated[0]]), p)
            raise ValueError(f"the pair (need {need}, provider {provider}) is a candidate twice")

    @property
    def n_needs(self) -> int:
        return len(self.need_country)

    @property
    def n_providers(self) -> int:
        return len(self.provider_country)

    @property
    def n_countries(self) -> int:
        """Country codes run from 0 to this, excluded; caps may name more countries."""
        return max(self._codes_used(), 0 if self.country_cap is None else len(self.country_cap))

    def _codes_used(self) -> int:
        return 1 + int(
            max(self.need_country.max(initial=-1), self.provider_country.max(initial=-1))
        )

    @property
    def edge_keys(self) -> np.ndarray:
        return pair_keys(self.edge_need, self.edge_provider, self.n_providers)

    def country_limits(self) -> np.ndarray:
        """Each provider country's cap, or a number no round can reach when there is none."""
        if self.country_cap is None:
            return np.full(self.n_countries, int(self.capacity.sum()) + 1, dtype=np.int64)
        return self.country_cap.copy()

    def same_region(self, need: np.ndarray, provider: np.ndarray) -> np.ndarray:
        """Which pairs share a region (none when regions are not given)."""
        if self.need_region is None or self.provider_region is None:
            return np.zeros(len(need), dtype=bool)
        return self.need_region[need] == self.provider_region[provider]

    def edge_rules(self) -> np.ndarray:
        """The first rule each candidate pair breaks (ELIGIBLE when none), as codes."""
        rules = np.full(len(self.edge_need), ELIGIBLE, dtype=np.int8)
        rules[self.edge_score <= 0] = ZERO_SCORE
        keys = self.edge_keys
        for code, pairs in ((NEVER_PAIR, self.never_pairs), (CONFLICT, self.conflicts)):
            if len(pairs):
                rules[member(keys, self.pair_keys(pairs))] = code
        own = self.need_country[self.edge_need] == self.provider_country[self.edge_provider]
        rules[own] = OWN_COUNTRY
        return rules

    def pair_keys(self, pairs: np.ndarray) -> np.ndarray:
        return pair_keys(pairs[:, 0], pairs[:, 1], self.n_providers)


def pair_keys(need: np.ndarray, provider: np.ndarray, n_providers: int) -> np.ndarray:
    """One integer per (need, provider) pair, to compare pair lists with sorted searches."""
    return need.astype(np.int64) * max(n_providers, 1) + provider


def locate(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Position of each key in the table, -1 if absent; sorts only the table, the smaller one."""
    if not len(table) or not len(keys):
        return np.full(len(keys), -1, dtype=np.int64)
    order = np.argsort(table, kind="stable")
    position = np.minimum(np.searchsorted(table[order], keys), len(table) - 1)
    return np.where(table[order[position]] == keys, order[position], -1)


def member(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Which keys are in the table; sorts only the table, the smaller one."""
    if not len(table) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    table = np.sort(table)
    return table[np.minimum(np.searchsorted(table, keys), len(table) - 1)] == keys


def top_per_row(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's `k` highest scores, unordered, shape (rows, min(k, columns))."""
    if k >= scores.shape[1]:
        return np.broadcast_to(np.arange(scores.shape[1]), scores.shape).copy()
    return np.argpartition(scores, scores.shape[1] - k, axis=1)[:, scores.shape[1] - k :]


def top_candidates(
    scores: np.ndarray, k: int = DEFAULT_CANDIDATES, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Prune a dense need-by-provider score matrix to the candidate graph the solver works on.

    Each need keeps its ``k`` best-scored providers among those the rules allow, and only
    positive scores. The solver is exact on this graph; pruning loses optimality only when
    all ``k`` candidates of a need are taken by needs that fit them better, and such a need
    is then reported as unserved for capacity: raise ``k`` for it. Rows are pruned in blocks,
    so the memory used beyond ``scores`` is bounded.

    Parameters
    ----------
    scores : array of float, shape (n, p)
        The engine's score of every need and provider.
    k : int, default=DEFAULT_CANDIDATES
        Candidates kept per need.
    allowed : array of bool, shape (n, p), optional
        False for pairs the rules exclude (own country, conflicts, never-pairs), so that
        they do not take the place of an eligible candidate.

    Returns
    -------
    need, provider : array of int, shape (E,)
        The pairs kept, grouped by need.
    score : array of float, shape (E,)
        Their scores.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    n, p = scores.shape
    step = max(1, _BLOCK_CELLS // max(p, 1))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, n, step):
        block = np.array(scores[start : start + step], dtype=np.float64)
        if allowed is not None:
            block[~allowed[start : start + step]] = 0.0
        columns = top_per_row(block, k)
        kept = np.take_along_axis(block, columns, axis=1)
        rows = np.broadcast_to(np.arange(start, start + len(block))[:, None], columns.shape)
        positive = kept > 0
        parts.append((rows[positive], columns[positive], kept[positive]))
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
    need, provider, score = (np.concatenate(column) for column in zip(*parts, strict=True))
    return need.astype(np.int64), provider.astype(np.int64), score
