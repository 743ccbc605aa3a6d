"""The lexical view of texts: TF-IDF over word and character n-grams, fitted on the offers
once and then grown offer by offer."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from matchmaker.engine.analyzers import CharWbNgrams, WordNgrams
from matchmaker.engine.buffers import GrowingRows
from matchmaker.engine.tfidf import FrozenTfidf, smoothed_idf

ANALYZERS = (WordNgrams((1, 2)), CharWbNgrams((3, 5)))  # the word and character models' terms
CHUNK = 20_000  # documents counted at a time when fitting: large enough that their count
# arrays are mapped from the system, so freeing each one, once moved, gives its memory back


def check_texts(texts: Sequence[str], name: str) -> list[str]:
    """Reject a lone string (which would be read as characters) and non-text items."""
    if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
        raise TypeError(f"{name} must be a list of strings")
    return list(texts)


def fit_tfidf(
    analyze: Callable[[str], list[str]], documents: list[str]
) -> tuple[FrozenTfidf, GrowingRows]:
    """A model and the documents' rows exactly as ``TfidfVectorizer(sublinear_tf=True,
    strip_accents="unicode", dtype=np.float32)`` with this analyzer fits and transforms
    them, holding the counts once: each `CHUNK` of documents is counted with columns in
    order of first sight, then, the vocabulary known, each chunk is renumbered in term
    order, weighed and moved into buffers reserved for all the rows."""
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new term gets the next column
    chunks: deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = deque()
    for start in range(0, len(documents), CHUNK):
        columns: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for document in documents[start : start + CHUNK]:
            found = Counter(analyze(document))
            columns.extend(map(vocabulary.__getitem__, found))
            counts.extend(found.values())
            indptr.append(len(columns))
        chunks.append(
            (
                np.array(counts, dtype=np.float32),
                np.array(columns, dtype=np.int32),
                np.array(indptr, dtype=np.int32),
            )
        )
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    first_seen = list(vocabulary)
    del vocabulary
    order = sorted(range(len(first_seen)), key=first_seen.__getitem__)
    column_of = np.empty(len(order), dtype=np.int32)  # term order of each first-seen column
    column_of[order] = np.arange(len(order), dtype=np.int32)
    document_counts = np.zeros(len(order), dtype=np.int64)
    for _, seen, _ in chunks:
        document_counts += np.bincount(seen, minlength=len(order))
    model = FrozenTfidf(
        vocabulary_={first_seen[old]: new for new, old in enumerate(order)},
        idf_=smoothed_idf(document_counts[order], len(documents)),
        analyze=analyze,
        sublinear_tf=True,
        dtype=np.dtype(np.float32),
    )
    del first_seen, order
    expected = (len(documents), sum(len(seen) for _, seen, _ in chunks))
    rows = None
    while chunks:
        data, seen, offsets = chunks.popleft()  # freed once moved into the rows
        matrix = sp.csr_matrix(
            (data, column_of[seen], offsets), shape=(len(offsets) - 1, len(column_of))
        )
        del data, seen, offsets
        model.weigh(matrix)
        if rows is None:
            rows = GrowingRows(matrix, expected=expected)
        else:
            rows.append(matrix)
    assert rows is not None  # a vocabulary implies at least one document
    return model, rows


class LexicalIndex:
    """Word (1-2)-gram and char_wb (3-5)-gram TF-IDF models and the documents' rows.

    Both models use sublinear term frequency and strip accents. ``add`` reads new documents
    with the fitted vocabulary and IDF weights, in time proportional to them: a word that no
    fitted document had counts only from the next ``fit``. The models are fitted as
    scikit-learn's ``TfidfVectorizer`` fits them, number for number, but in a streaming pass
    (``fit_tfidf``), and kept as ``FrozenTfidf``, so that neither fitting nor reading needs
    scikit-learn.

    Attributes
    ----------
    word_tfidf_, char_tfidf_ : FrozenTfidf
        The models fitted on the documents.
    word_rows_, char_rows_ : sparse matrix of shape (n_documents, n_terms)
        The documents' L2-normalised TF-IDF rows, in ``fit`` then ``add`` order.
    """

    def fit(self, documents: list[str]) -> LexicalIndex:
        """Learn both vocabularies on the documents and keep their rows."""
        (self.word_tfidf_, word_rows), (self.char_tfidf_, char_rows) = (
            fit_tfidf(analyze, documents) for analyze in ANALYZERS
        )
        self._rows = (word_rows, char_rows)
        self._terms: np.ndarray | None = None  # the word vocabulary, listed on first use
        self._publish()
        return self

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
