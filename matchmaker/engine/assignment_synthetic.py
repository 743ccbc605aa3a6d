"""Random matching rounds, the same for the same seed, for the CLI, the tests and the benchmark.

A pair's score is ``0.5 * affinity + 0.5 * popularity``: the affinity is a hash of the seed,
the need and the provider, uniform in [0, 1); the popularity of a provider is ``u ** 4`` for a
uniform ``u``, so that a few providers are wanted by everyone. Because the affinity is a hash,
a pair scores the same in a dense round and in a pruned one with the same seed.

A pruned round stands for the engine's top-C lists without scoring every pair: each need
draws a pool of 2C providers, half at random and half in proportion to popularity (so the
famous few sit on many lists), and keeps the C best-scored, excluding its own country. Provider
countries follow Zipf's law over up to 150 countries, so that a few big countries would take
most exchanges without their cap of 10% of what the round can place (2/c with c < 20 countries).
"""

from __future__ import annotations

import numpy as np

from matchmaker.engine.assignment_problem import RoundProblem, top_per_row

MAX_PAIRS = 20_000_000  # about 2 GB for the solver: ask for candidates beyond this
REGIONS = 5
COUNTRY_SHARE = 0.1  # of what a round can place, at most this much per country (2/c if more)
RULE_SHARE = 0.01  # of the needs, about this many declare a conflict, a never-pair, a must-pair
_ROWS = 4096  # needs drawn at a time: bounds the pool's memory


def synthetic_round(
    n_needs: int,
    n_providers: int,
    per_need: int,
    capacity: int,
    candidates: int | None = None,
    seed: int = 0,
) -> RoundProblem:
    """A random round: dense when `candidates` is None, else each need's top `candidates`.

    Parameters
    ----------
    n_needs, n_providers : int
        Sizes, >= 1.
    per_need : int
        Maximum partners per need (the minimum is 1).
    capacity : int
        Exchanges each provider can host, >= 0.
    candidates : int, optional
        Candidates per need, at most ``n_providers``.
    seed : int, default=0
        The same seed gives the same round.

    Returns
    -------
    RoundProblem
        With country caps, regions, and a few conflicts, never-pairs and must-pairs.
    """
    if min(n_needs, n_providers, per_need) < 1 or capacity < 0:
        raise ValueError("needs, providers and partners per need must be >= 1, capacity >= 0")
    if candidates is not None and not 1 <= candidates <= n_providers:
        raise ValueError(
            f"candidates per need must be between 1 and the {n_providers} providers, "
            f"not {candidates}"
        )
    pairs = n_needs * (candidates or n_providers)
    if pairs > MAX_PAIRS:
        raise ValueError(
            f"{n_needs:,} needs x {candidates or n_providers:,} candidates = {pairs:,} pairs, "
            f"more than the {MAX_PAIRS:,} that fit in 2 GB: ask for fewer candidates per need"
        )
    rng = np.random.default_rng(seed)
    n_countries = int(np.clip((n_needs + n_providers) // 20, 2, 150))
    zipf = 1.0 / np.arange(1, n_countries + 1)
    provider_country = rng.choice(n_countries, size=n_providers, p=zipf / zipf.sum())
    need_country = rng.integers(0, n_countries, n_needs)
    region = rng.integers(0, REGIONS, n_countries)
    popularity = rng.random(n_providers) ** 4
    salt = int(rng.integers(0, 2**62))
    if candidates is None:
        need = np.repeat(np.arange(n_needs), n_providers)
        provider = np.tile(np.arange(n_providers), n_needs)
        score = _score(salt, need, provider, popularity)
    else:
        draw = 0.5 / n_providers + 0.5 * popularity / popularity.sum()
        countries = (need_country, provider_country)
        parts = [
            _top_of_pool(rng, salt, rows, draw, popularity, countries, candidates)
            for rows in np.array_split(np.arange(n_needs), -(-n_needs // _ROWS))
        ]
        need, provider, score = (np.concatenate(column) for column in zip(*parts, strict=True))
    demand, supply = n_needs * per_need, n_providers * capacity
    share = max(COUNTRY_SHARE, 2 / n_countries)
    picked = rng.choice(
        len(need), 3 * min(int(RULE_SHARE * n_needs), len(need) // 3), replace=False
    )
    rules = [np.column_stack([need[k], provider[k]]) for k in np.split(picked, 3)]
    return RoundProblem(
        edge_need=need,
        edge_provider=provider,
        edge_score=score,
        need_country=need_country,
        provider_country=provider_country,
        capacity=capacity,
        min_partners=1,
        max_partners=per_need,
        country_cap=max(1, int(np.ceil(share * min(demand, supply)))),
        need_region=region[need_country],
        provider_region=region[provider_country],
        conflicts=rules[0],
        never_pairs=rules[1],
        must_pairs=rules[2],
    )


def _top_of_pool(
    rng: np.random.Generator,
    salt: int,
    rows: np.ndarray,
    draw: np.ndarray,
    popularity: np.ndarray,
    countries: tuple[np.ndarray, np.ndarray],
    candidates: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The best `candidates` of a pool drawn for each need, repeats and own country left out."""
    pool = np.sort(rng.choice(len(draw), size=(len(rows), 2 * candidates), p=draw), axis=1)
    need = np.broadcast_to(rows[:, None], pool.shape)
    score = _score(salt, need, pool, popularity)
    score[:, 1:][pool[:, 1:] == pool[:, :-1]] = -1.0
    need_country, provider_country = countries
    score[need_country[need] == provider_country[pool]] = -1.0
    best = top_per_row(score, candidates)
    pool, score = np.take_along_axis(pool, best, 1), np.take_along_axis(score, best, 1)
    kept = score >= 0
    return np.broadcast_to(rows[:, None], kept.shape)[kept], pool[kept], score[kept]


def _score(salt: int, need: np.ndarray, provider: np.ndarray, popularity: np.ndarray) -> np.ndarray:
    """Half a hashed affinity (splitmix64 of salt, need and provider), half popularity."""
    x = (need.astype(np.uint64) << np.uint64(32)) ^ provider.astype(np.uint64) ^ np.uint64(salt)
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    affinity = (x >> np.uint64(11)).astype(np.float64) / 2.0**53
    return 0.5 * affinity + 0.5 * popularity[provider]
