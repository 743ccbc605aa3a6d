"""Turning scores of single texts into scores of the organisations that wrote them."""

from __future__ import annotations

import numpy as np

from matchmaker.engine.lexical import check_texts
from matchmaker.engine.text import TextRelevance


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


def text_scores(queries: list[str], profiles: list[list[str]]) -> np.ndarray:
    """Relevance of free-text needs to organisations, each described by several expertise texts.

    The text signal is fitted on all the profiles' texts (so the TF-IDF vocabulary is theirs),
    each query is scored against each text, and each organisation gets the soft maximum of its
    texts' scores (see ``soft_maximum``): its best match, plus a small bonus when several of its
    texts match. Blank texts and exact repeats within a profile are ignored.

    Parameters
    ----------
    queries : list of str
        Free-text needs, in English, French, Spanish, Portuguese or Arabic.
    profiles : list of list of str
        One list of expertise texts per organisation, in any of those languages.

    Returns
    -------
    ndarray of shape (len(queries), len(profiles))
        Scores in [0, 1]; 0 for a profile without text.
    """
    queries = check_texts(queries, "queries")
    texts: list[str] = []
    owners: list[int] = []
    for column, profile in enumerate(profiles):
        for text in dict.fromkeys(t.strip() for t in check_texts(profile, "a profile")):
            if text:
                texts.append(text)
                owners.append(column)
    if not queries or not texts:
        return np.zeros((len(queries), len(profiles)))
    scores = TextRelevance().fit(texts).score(queries)
    return soft_maximum(scores, np.array(owners), len(profiles))
