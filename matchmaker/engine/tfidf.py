"""A TF-IDF model as scikit-learn's ``TfidfVectorizer`` fits it, reduced to its vocabulary and
weights, so that the index fits and reads texts with numpy and SciPy alone (scikit-learn takes
seconds to import)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import scipy.sparse as sp


def normalise_rows(matrix: sp.csr_matrix) -> None:
    """L2-normalise the rows in place exactly as scikit-learn's ``normalize`` does, bit for
    bit: squares in the data's precision, summed in order in double precision, each value
    divided in double precision; empty rows stay empty."""
    data, indptr = matrix.data, matrix.indptr.tolist()
    for start, end in zip(indptr[:-1], indptr[1:], strict=True):
        if end == start:
            continue
        row = data[start:end]
        total = float(np.cumsum(row * row, dtype=np.float64)[-1])  # cumsum adds in order
        if total:
            row[...] = row.astype(np.float64) / math.sqrt(total)


def smoothed_idf(document_counts: np.ndarray, n_documents: int) -> np.ndarray:
    """``log((1 + n) / (1 + df)) + 1`` in single precision, operation for operation as
    scikit-learn's ``TfidfTransformer.fit`` (smooth_idf, float32 counts) computes it."""
    df = document_counts.astype(np.float32)
    df += 1.0
    idf = np.full_like(df, fill_value=n_documents + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf


@dataclass
class FrozenTfidf:
    """What ``TfidfVectorizer.transform`` needs of a fitted vectorizer, for its settings:
    l2 norm, IDF weights, and sublinear term frequency or not.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        The column of each term.
    idf_ : ndarray of shape (n_terms,)
        The terms' inverse document frequencies.
    analyze : callable
        The text's terms, as the vectorizer's analyzer gives them.
    sublinear_tf : bool
        Whether term counts ``c`` weigh ``1 + log(c)``.
    dtype : numpy dtype
        Of the rows read.
    """

    vocabulary_: dict[str, int]
    idf_: np.ndarray
    analyze: Callable[[str], list[str]]
    sublinear_tf: bool
    dtype: np.dtype

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """The texts' TF-IDF rows, equal to the fitted vectorizer's ``transform(texts)``;
        terms out of the vocabulary are ignored."""
        vocabulary = self.vocabulary_
        columns: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for text in texts:
            found = Counter(self.analyze(text))
            columns.extend(map(vocabulary.get, found, repeat(-1, len(found))))
            counts.extend(found.values())
            lengths.append(len(found))
        known = np.array(columns, dtype=np.int64) >= 0
        rows = np.repeat(np.arange(len(texts)), lengths)[known]
        indptr = np.zeros(len(texts) + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
        matrix = sp.csr_matrix(
            (
                np.array(counts, dtype=self.dtype)[known],
                np.array(columns, dtype=np.int32)[known],
                indptr,
            ),
            shape=(len(texts), len(vocabulary)),
        )
        self.weigh(matrix)
        return matrix

    def weigh(self, matrix: sp.csr_matrix) -> None:
        """Turn a matrix of term counts into TF-IDF rows in place, as ``transform`` does."""
        matrix.sort_indices()  # by column within each row, as scikit-learn keeps them
        if self.sublinear_tf:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        matrix.data *= self.idf_[matrix.indices]
        normalise_rows(matrix)

    def feature_names(self) -> np.ndarray:
        """The terms in column order, as ``get_feature_names_out`` lists them."""
        terms = np.empty(len(self.vocabulary_), dtype=object)
        for term, column in self.vocabulary_.items():
            terms[column] = term
        return terms
