"""Context signals, vectorised over every offer at once; each value lies in [0, 1].

Documented scales (the README's engine section repeats them):
- geography: same intermediate region or sub-region 1.0, same ILO region 0.6, elsewhere 0.25
  (peer learning is often regional, but cross-regional learning is real);
- development context: 1 - |income rank difference| / 3, 0.5 when either is unclassified;
- language: 1.0 with a shared working language, else 0.3 (interpretation needed);
- theme overlap: per need theme, 1 if the offer has it, 0.3 if only its pillar, averaged;
- track record: Bayesian mean of the provider's related past exchanges (rating 1-5 mapped to
  0-1; a documented exchange without evaluation counts as 0.7), prior 0.5 of weight 2, so a
  newcomer is neutral rather than punished.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

INCOME_RANK = {"low": 0, "lower_middle": 1, "upper_middle": 2, "high": 3}
SAME_SUBREGION, SAME_REGION, ELSEWHERE = 1.0, 0.6, 0.25
INTERPRETATION = 0.3
PILLAR_ONLY = 0.3
UNRATED_EXCHANGE = 0.7
TRACK_PRIOR, TRACK_PRIOR_WEIGHT = 0.5, 2.0


def geography(
    need_subregion: str, need_region: str, subregions: np.ndarray, regions: np.ndarray
) -> np.ndarray:
    """Closeness of each offer's country to the requester's."""
    return np.where(
        subregions == need_subregion,
        SAME_SUBREGION,
        np.where(regions == need_region, SAME_REGION, ELSEWHERE),
    )


def context(need_income: str | None, income_ranks: np.ndarray) -> np.ndarray:
    """Similar development context, by World Bank income group; -1 marks unclassified."""
    if need_income not in INCOME_RANK:
        return np.full(income_ranks.shape, 0.5)
    distance = np.abs(income_ranks - INCOME_RANK[need_income]) / 3.0
    return np.where(income_ranks < 0, 0.5, 1.0 - distance)


def language(need_mask: int, offer_masks: np.ndarray) -> np.ndarray:
    """Shared working language (bit masks over a language list), else interpretation needed."""
    if need_mask == 0:
        return np.ones(offer_masks.shape)
    return np.where((offer_masks & need_mask) != 0, 1.0, INTERPRETATION)


def themes(
    need_columns: Sequence[int],
    need_pillars: Sequence[int],
    offer_themes: np.ndarray,
    offer_pillars: np.ndarray,
) -> np.ndarray:
    """Share of the need's themes each offer covers, pillar-only coverage counting 0.3."""
    if not need_columns:
        return np.zeros(offer_themes.shape[0])
    exact = offer_themes[:, need_columns].astype(np.float32)
    pillar = offer_pillars[:, need_pillars].astype(np.float32) * PILLAR_ONLY
    return np.maximum(exact, pillar).mean(axis=1)


def track_record(
    need_columns: Sequence[int], rating_sums: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Per provider: Bayesian mean of related past exchanges; all exchanges when no theme."""
    if need_columns:
        sums, n = rating_sums[:, need_columns].sum(axis=1), counts[:, need_columns].sum(axis=1)
    else:
        sums, n = rating_sums.sum(axis=1), counts.sum(axis=1)
    return (sums + TRACK_PRIOR * TRACK_PRIOR_WEIGHT) / (n + TRACK_PRIOR_WEIGHT)


def rating_value(rating: float | None) -> float:
    """A 1-5 usefulness rating on the 0-1 scale; an unevaluated completion counts as 0.7."""
    return UNRATED_EXCHANGE if rating is None else (min(max(rating, 1.0), 5.0) - 1.0) / 4.0


def language_mask(codes: Sequence[str], index: Mapping[str, int]) -> int:
    """A bit mask of the languages known to the index (others are ignored)."""
    mask = 0
    for code in codes:
        if code in index:
            mask |= 1 << index[code]
    return mask
