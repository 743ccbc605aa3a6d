"""The first of the ranker's two stages: a cheap score over every offer, to pick the few that the
full hybrid score is computed for.

Every signal but text is exact here, from per-code tables gathered per offer. The text
signal's lexical half is left out, and its semantic half is approximated from the offers'
principal components (``Sketch``): a few on every offer, then more on the ``POOL * k`` best
offers of each list, of which the ``k`` best go on.
"""

from __future__ import annotations

import numpy as np

from matchmaker.engine.buffers import GrowingArray
from matchmaker.engine.catalogue import Catalogue
from matchmaker.engine.shortlist import CAPACITY_DEMOTION, RECIPROCITY_BONUS, Query
from matchmaker.engine.text import TextRelevance

POOL = 4  # offers per list scored on the finer sketch, per offer that goes on
SAMPLE = 20_000  # offers the principal axes are learnt on, at most
CHUNK = 10_000  # offers projected at a time, which bounds the memory of a fit


class Sketch:
    """Offer embeddings on their principal axes, for approximate cosines in a few ms.

    A cosine ``q · x`` is approximated by ``q · m + (P q) · (P (x - m))``, with ``m`` the mean
    embedding and ``P`` the first principal axes: exact for the part of ``x`` that the axes
    span. Reading ``coarse`` axes of every offer reads 16 times less memory than 512-dimension
    embeddings (the cost of a product with every offer); the next axes, up to ``fine``,
    refine the cosines of a few offers, and the second stage scores its candidates with the
    full embeddings. Offers added later are projected on the axes fitted first.

    Parameters
    ----------
    coarse : int, default=32
        Axes read for every offer.
    fine : int, default=128
        Axes read for the offers that the coarse cosines put ahead (at most the embedding
        dimension and the number of offers).

    Attributes
    ----------
    components_ : ndarray of shape (n_axes, dim)
        The principal axes, as float32 (scikit-learn's PCA fits them; only the arrays are kept,
        so that a saved index loads without importing scikit-learn).
    mean_ : ndarray of shape (dim,)
        The mean embedding of the sample they were fitted on, as float32.
    """

    def __init__(self, coarse: int = 32, fine: int = 128) -> None:
        self.coarse = coarse
        self.fine = fine

    def fit(self, embeddings: np.ndarray) -> Sketch:
        """Learn the axes on (an even sample of) the offers' embeddings and project them all."""
        from sklearn.decomposition import PCA  # only to fit: slow to import

        sample = embeddings[:: max(len(embeddings) // SAMPLE, 1)]
        components = min(max(self.fine, self.coarse), *sample.shape)
        pca = PCA(n_components=components, svd_solver="covariance_eigh").fit(sample)
        self.components_ = pca.components_.astype(np.float32)
        self.mean_ = pca.mean_.astype(np.float32)
        coarse, fine = self._project(embeddings[:CHUNK])
        self._projected = GrowingArray(coarse), GrowingArray(fine)
        for start in range(CHUNK, len(embeddings), CHUNK):
            self.add(embeddings[start : start + CHUNK])
        return self

    def add(self, embeddings: np.ndarray) -> None:
        """Project embeddings of new offers, appended as rows after the others."""
        for rows, projected in zip(self._projected, self._project(embeddings), strict=True):
            rows.append(projected)

    def _project(self, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        projected = ((embeddings - self.mean_) @ self.components_.T).astype(np.float32)
        return np.ascontiguousarray(projected[:, : self.coarse]), projected[:, self.coarse :]

    def scores(
        self, vector: np.ndarray, floor: float, weight: float, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """``weight * max(0, (cosine - floor) / (1 - floor))`` of one L2-normalised vector with
        every offer on the coarse axes, or with those `rows` on the fine ones: the text
        signal's semantic half, approximated, as float32."""
        scale = weight / (1.0 - floor)
        vector = vector.astype(np.float32)
        query = self.components_ @ vector * np.float32(scale)
        coarse, fine = (projected.array for projected in self._projected)
        if rows is None:
            out = coarse @ query[: self.coarse]
        else:
            out = coarse[rows] @ query[: self.coarse] + fine[rows] @ query[self.coarse :]
        out += np.float32((float(vector @ self.mean_) - floor) * scale)
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
) -> np.ndarray:
    """The rows (ascending) that the second stage scores in full: `k` per list at most."""
    context = _context(catalogue, query, include_own_country)
    vector, floor = query.text.vectors[0], text.embedding_floor
    weight = query.weights.get("text", 0.0)
    rough = sketch.scores(vector, floor, weight)
    rough += context  # the capacity demotion waits for the pool: it only lowers scores
    demotion = np.where(query.exhausted, CAPACITY_DEMOTION, 1.0)
    picked = []
    for rows in catalogue.kind_rows:
        pool = top_rows(rough, rows, POOL * k)
        closer = sketch.scores(vector, floor, weight, pool) + context[pool]
        closer *= demotion[catalogue.provider[pool]]
        picked.append(pool[top_rows(closer, np.arange(len(pool)), k)])
    return np.sort(np.concatenate(picked))


def _context(catalogue: Catalogue, query: Query, include_own_country: bool) -> np.ndarray:
    """Per offer row, as float32: the weighted sum of every signal but text, plus reciprocity;
    -inf where the offer may not be listed."""
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
    requester = query.need.requester_id
    if requester is not None and requester in providers.rows:
        per_code["provider"][providers.rows.row(requester)] = -np.inf
    context = per_code.pop("provider").astype(np.float32)[catalogue.provider]
    for codes, table in per_code.items():
        context += table.astype(np.float32)[catalogue.codes(codes)]
    context[catalogue.dead_rows] = -np.inf
    return context
