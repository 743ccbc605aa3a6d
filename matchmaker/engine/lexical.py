"""The lexical view of texts: TF-IDF over word and character n-grams, fitted on the offers
once and then grown offer by offer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from matchmaker.engine.buffers import GrowingRows
from matchmaker.engine.tfidf import FrozenTfidf

if TYPE_CHECKING:  # imported where used: scikit-learn takes seconds to import
    from sklearn.feature_extraction.text import TfidfVectorizer


def check_texts(texts: Sequence[str], name: str) -> list[str]:
    """Reject a lone string (which would be read as characters) and non-text items."""
    if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
        raise TypeError(f"{name} must be a list of strings")
    return list(texts)


def make_vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The word and character models, unfitted; scikit-learn is imported only to fit."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    common = {"sublinear_tf": True, "strip_accents": "unicode", "dtype": np.float32}
    return (
        TfidfVectorizer(ngram_range=(1, 2), **common),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common),
    )


class LexicalIndex:
    """Word (1-2)-gram and char_wb (3-5)-gram TF-IDF models and the documents' rows.

    Both models use sublinear term frequency and strip accents. ``add`` reads new documents
    with the fitted vocabulary and IDF weights, in time proportional to them: a word that no
    fitted document had counts only from the next ``fit``. scikit-learn fits the models, which
    are then kept frozen (``FrozenTfidf``), so that a saved index reads without it.

    Attributes
    ----------
    word_tfidf_, char_tfidf_ : FrozenTfidf
        The models fitted on the documents.
    word_rows_, char_rows_ : sparse matrix of shape (n_documents, n_terms)
        The documents' L2-normalised TF-IDF rows, in ``fit`` then ``add`` order.
    """

    def fit(self, documents: list[str]) -> LexicalIndex:
        """Learn both vocabularies on the documents and keep their rows."""
        vectorizers = make_vectorizers()
        self._rows = tuple(self._fitted_rows(vectorizer, documents) for vectorizer in vectorizers)
        self.word_tfidf_, self.char_tfidf_ = (FrozenTfidf.of(v) for v in vectorizers)
        self._terms: np.ndarray | None = None  # the word vocabulary, listed on first use
        self._publish()
        return self

    @staticmethod
    def _fitted_rows(vectorizer: TfidfVectorizer, documents: list[str]) -> GrowingRows:
        """Fit a model and keep its rows (the model's own matrix is freed at once)."""
        matrix = vectorizer.fit_transform(documents)
        matrix.sort_indices()  # as transform sorts them, so that sums run in one order
        return GrowingRows(matrix)

    def add(self, documents: list[str]) -> None:
        """Append the documents' rows, read with the fitted vocabulary."""
        for rows, matrix in zip(self._rows, self.read(documents), strict=True):
            rows.append(matrix)
        self._publish()

    def _publish(self) -> None:
        self.word_rows_, self.char_rows_ = (rows.matrix for rows in self._rows)

    def read(self, texts: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The texts' word and character TF-IDF rows."""
        return (
            self.word_tfidf_.transform(texts),
            self.char_tfidf_.transform(texts),
        )

    def scores(
        self, queries: tuple[sp.csr_matrix, sp.csr_matrix], rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Mean of the word and character cosines of queries (as `read` gives them) with each
        document (or those `rows`), clipped to [0, 1]."""
        word_docs, char_docs = self.word_rows_, self.char_rows_
        if rows is not None:
            word_docs, char_docs = word_docs[rows], char_docs[rows]
        word, char = queries
        # documents times dense queries: the documents are never transposed, and each cosine
        # adds up the same terms in the same order as sparse queries times documents would
        word = word_docs @ word.toarray().T
        char = char_docs @ char.toarray().T
        return np.clip(0.5 * (word + char), 0.0, 1.0).T

    def shared_terms(
        self, query: sp.csr_matrix, rows: Sequence[int], limit: int = 5
    ) -> list[list[str]]:
        """For each document row: the word n-grams it shares with the query (one word row, as
        `read` gives it), highest IDF first, skipping those under 4 characters or inside one
        already chosen."""
        if self._terms is None:
            self._terms = self.word_tfidf_.feature_names()
        names = self._terms
        wanted = np.zeros(len(names), dtype=bool)
        wanted[query.indices] = True
        indices, indptr, idf = (
            self.word_rows_.indices,
            self.word_rows_.indptr,
            self.word_tfidf_.idf_,
        )
        found = []
        for row in rows:
            columns = indices[indptr[row] : indptr[row + 1]]
            shared = columns[wanted[columns]]
            found.append(_distinctive(names, shared[np.lexsort((shared, -idf[shared]))], limit))
        return found


def _distinctive(names: np.ndarray, columns: np.ndarray, limit: int) -> list[str]:
    """The first terms, in this order, of 4 characters or more and in no term before."""
    terms: list[str] = []
    for column in columns.tolist():
        term = str(names[column])
        if len(term) < 4 or any(term in chosen for chosen in terms):
            continue
        terms.append(term)
        if len(terms) == limit:
            break
    return terms
