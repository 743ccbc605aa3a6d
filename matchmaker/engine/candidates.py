"""The first of the ranker's two stages: a cheap score over every offer, to pick the few that the
full hybrid score is computed for.

Every signal but text is exact here, from per-code tables gathered per offer. The text
signal's lexical half is left out, and its semantic half is first approximated on every offer
(``Sketch``), then computed exactly on the ``POOL * k`` best offers of each list, of which the
``k`` best go on. The offers of the providers likely to be listed go on too, so that each
listed provider shows its best offers.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from matchmaker.engine.buffers import GrowingArray
from matchmaker.engine.catalogue import Catalogue
from matchmaker.engine.shortlist import (
    CAPACITY_DEMOTION,
    RECIPROCITY_BONUS,
    Query,
    listed_providers,
)
from matchmaker.engine.text import TextRelevance

POOL = 4  # offers per list given an exact semantic score, per offer scored in full
LIKELY = 2  # providers per listed place (by the first stage) whose offers are all scored


class Sketch:
    """Offer embeddings projected on their principal axes, for approximate cosines in a few ms.

    A cosine ``q · x`` is approximated by ``q · m + (P q) · (P (x - m))``, with ``m`` the mean
    embedding and ``P`` the first ``dimensions`` principal axes: exact for the part of ``x``
    that the axes span, so four times fewer dimensions read four times less memory (the cost
    of a dot product with every offer) for a small error, which the second stage removes by
    scoring its candidates with the full embeddings. Offers added later are projected on the
    axes fitted first.

    Parameters
    ----------
    dimensions : int, default=128
        Principal axes kept (at most the embedding dimension and the number of offers).

    Attributes
    ----------
    pca_ : PCA
        The fitted projection.
    """

    def __init__(self, dimensions: int = 128) -> None:
        self.dimensions = dimensions

    def fit(self, embeddings: np.ndarray) -> Sketch:
        """Learn the axes on the offers' embeddings and project them."""
        components = min(self.dimensions, *embeddings.shape)
        self.pca_ = PCA(n_components=components, svd_solver="covariance_eigh").fit(embeddings)
        self._axes = self.pca_.components_.astype(np.float32)
        self._mean = self.pca_.mean_.astype(np.float32)
        self._projected = GrowingArray(self._project(embeddings))
        return self

    def add(self, embeddings: np.ndarray) -> None:
        """Project embeddings of new offers, appended as rows after the others."""
        self._projected.append(self._project(embeddings))

    def _project(self, embeddings: np.ndarray) -> np.ndarray:
        return ((embeddings - self._mean) @ self._axes.T).astype(np.float32)

    def scores(self, vector: np.ndarray, floor: float, weight: float) -> np.ndarray:
        """``weight * max(0, (cosine - floor) / (1 - floor))`` of one L2-normalised vector with
        every offer, the cosine approximated: the text signal's semantic half, as float32."""
        scale = weight / (1.0 - floor)
        vector = vector.astype(np.float32)
        out = self._projected.array @ (self._axes @ vector * np.float32(scale))
        out += np.float32((float(vector @ self._mean) - floor) * scale)
        return np.maximum(out, 0.0, out=out)


def top_rows(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The `k` rows (of `rows`) with the highest finite scores, in no particular order."""
    chosen = scores[rows]
    if len(rows) > k:
        best = np.argpartition(chosen, len(rows) - k)[len(rows) - k :]
        rows, chosen = rows[best], chosen[best]
    return rows[np.isfinite(chosen)]


def candidate_rows(
    catalogue: Catalogue,
    sketch: Sketch,
    text: TextRelevance,
    query: Query,
    include_own_country: bool,
    k: int,
    top: int,
    per_country: int,
) -> np.ndarray:
    """The rows (ascending) that the second stage scores in full for the `top` of each list."""
    context, factor = _context(catalogue, query, include_own_country)
    weight = query.weights.get("text", 0.0)
    rough = sketch.scores(query.text.vectors[0], text.embedding_floor, weight)
    rough += context
    rough *= factor
    picked, likely = [], []
    for rows in catalogue.kind_rows:
        pool = top_rows(rough, rows, POOL * k)
        semantic = text.semantic_scores([query.need.text], query.text.vectors, pool)[0]
        closer = (weight * semantic + context[pool]) * factor[pool]
        picked.append(pool[top_rows(closer, np.arange(len(pool)), k)])
        ranked = pool[np.argsort(-closer)]
        places = listed_providers(catalogue, ranked, LIKELY * top, per_country)
        likely.extend(catalogue.provider[ranked[places]].tolist())
    offers = catalogue.providers.offers
    picked.append(np.array([r for p in set(likely) for r in offers[p]], dtype=np.int64))
    return np.unique(np.concatenate(picked))


def _context(
    catalogue: Catalogue, query: Query, include_own_country: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per offer row, as float32: the weighted sum of every signal but text plus reciprocity
    (-inf where the offer may not be listed), and the capacity demotion factor."""
    providers, weights = catalogue.providers, query.weights
    per_code: dict[str, np.ndarray] = {"provider": np.zeros(len(providers.rows))}
    for name, (table, codes) in query.tables.items():
        weighted = weights.get(name, 0.0) * table
        if codes == "country":  # a provider's country is fixed: add it per provider
            codes, weighted = "provider", weighted[providers.country]
        per_code[codes] = per_code.get(codes, 0.0) + weighted
    if query.reciprocity is not None:
        per_code["provider"] += RECIPROCITY_BONUS * query.reciprocity
    if not include_own_country:
        own = catalogue.country_rows.position(query.need.country)
        per_code["provider"][providers.country == own] = -np.inf
    if query.need.requester_id in providers.rows:
        per_code["provider"][providers.rows.row(query.need.requester_id)] = -np.inf
    context = np.zeros(len(catalogue), dtype=np.float32)
    for codes, table in per_code.items():
        context += table.astype(np.float32)[catalogue.codes(codes)]
    context[catalogue.dead_rows] = -np.inf
    demotion = np.where(query.exhausted, CAPACITY_DEMOTION, 1.0).astype(np.float32)
    return context, demotion[catalogue.provider]
