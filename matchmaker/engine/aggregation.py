"""Turning scores of single texts into scores of the organisations that wrote them."""

from __future__ import annotations

import numpy as np


def soft_maximum(
    scores: np.ndarray, groups: np.ndarray, n_groups: int, temperature: float = 0.05
) -> np.ndarray:
    """Score each group of columns by its best column, plus a bounded bonus for close seconds.

    The log-sum-exp ``max + t * log(sum(exp((s - max) / t)))`` equals the maximum for a single
    text, so an organisation's unrelated expertise never dilutes a strong match (as an average
    would), while a second text as good as the best adds ``t * log 2`` (one ``3 * t`` below it,
    almost nothing): an organisation covering two facets of a need outranks one that covers only
    one. The bonus is at most ``t * log(n)`` for n texts; the result is clipped to [0, 1].

    Parameters
    ----------
    scores : ndarray of shape (n_rows, n_columns)
        Scores in [0, 1], one column per text.
    groups : ndarray of shape (n_columns,)
        The group (0 <= group < n_groups) of each column.
    n_groups : int
        The number of groups; a group without columns scores 0.
    temperature : float, default=0.05
        How far below the best a text may be and still add to the score; 0 is a hard maximum.

    Returns
    -------
    ndarray of shape (n_rows, n_groups)
        Group scores in [0, 1].
    """
    scores = np.asarray(scores, dtype=np.float64)
    groups = np.asarray(groups)
    result = np.zeros((scores.shape[0], n_groups))
    if scores.shape[1] == 0 or scores.shape[0] == 0:
        return result
    order = np.argsort(groups, kind="stable")
    present, starts = np.unique(groups[order], return_index=True)
    ordered = scores[:, order]
    best = np.maximum.reduceat(ordered, starts, axis=1)
    if temperature > 0:
        spread = np.repeat(best, np.diff(np.append(starts, len(order))), axis=1)
        bonus = np.add.reduceat(np.exp((ordered - spread) / temperature), starts, axis=1)
        best = best + temperature * np.log(bonus)
    result[:, present] = np.clip(best, 0.0, 1.0)
    return result
