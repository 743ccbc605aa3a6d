"""The text relevance signal: how well a free-text need matches each offer, across languages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matchmaker.engine.buffers import GrowingArray
from matchmaker.engine.embeddings import Encoder, UniversalSentenceEncoder
from matchmaker.engine.index import RowIndex
from matchmaker.engine.language import detect_languages
from matchmaker.engine.lexical import LexicalIndex, check_texts


def _embedding_matrix(embeddings: np.ndarray, n_texts: int) -> np.ndarray:
    """Stored embeddings as float32, refused unless one row per text."""
    matrix = np.asarray(embeddings, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != n_texts:
        raise ValueError(f"embeddings of shape {matrix.shape} for {n_texts} texts")
    return matrix


def _normalised(matrix: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rows L2-normalised as the encoder's are (into `out` if given); zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.divide(matrix, norms, out=out)


class TextRelevance:
    """Score needs against offers by words within a language and by meaning across languages.

    Two views of each text are combined. The lexical view is TF-IDF cosine similarity, the
    mean of a word (1-2)-gram and a char_wb (3-5)-gram model fitted on the offers, with
    sublinear term frequency; it is sharp on shared jargon and names but blind across
    languages. The semantic view is the cosine of multilingual sentence embeddings, rescaled
    so that the similarity of unrelated texts maps to 0:
    ``semantic = clip((cos - embedding_floor) / (1 - embedding_floor), 0, 1)``.

    The fusion is a noisy-OR in which lexical evidence counts with a weight that depends on
    whether query and offer share a language: ``1 - (1 - w * lexical) * (1 - semantic)``,
    with ``w = same_language_weight`` or ``cross_language_weight``. Lexical evidence can only
    raise a score, so a cross-language match keeps its semantic score instead of being halved
    as in a weighted mean. Across languages, character n-grams still catch cognates
    (formation, formación, formação) but also function words that French, Spanish and
    Portuguese share, hence the lower weight. Languages are given or detected; a pair with an
    unknown language counts as cross-language. ``benchmarks/text_signal.py`` measures the
    choice.

    Documents can be appended with ``add`` in time proportional to their own size: they are
    read with the fitted vocabulary and IDF weights, so words first seen in them count only
    from the next ``fit``, which a periodic full rebuild of the index provides. ``score``
    can score a subset of the documents (``rows``), as the ranker's second stage does.

    Parameters
    ----------
    encoder : Encoder, optional
        The embedding backend; by default the multilingual Universal Sentence Encoder.
    embedding_floor : float, default=0.2
        Cosine at or below which two embeddings count as unrelated: unrelated world-of-work
        texts have a median cosine of 0.13-0.19 under the default encoder, right pairs 0.4-0.6.
    same_language_weight : float, default=1.0
        Weight of the lexical view when query and offer are in the same language.
    cross_language_weight : float, default=0.5
        Weight of the lexical view otherwise, including when a language is unknown.

    Attributes
    ----------
    lexical_ : LexicalIndex
        The lexical models fitted on the offers, with the offers' TF-IDF rows.
    encoder_ : Encoder
        The encoder used for queries.
    doc_embeddings_ : ndarray of shape (n_documents, dim)
        The offers' L2-normalised embeddings, computed once in ``fit`` or given to it.
    doc_languages_ : list of str or None
        The offers' language codes, given or detected.
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        *,
        embedding_floor: float = 0.2,
        same_language_weight: float = 1.0,
        cross_language_weight: float = 0.5,
    ) -> None:
        self.encoder = encoder
        self.embedding_floor = embedding_floor
        self.same_language_weight = same_language_weight
        self.cross_language_weight = cross_language_weight

    def fit(
        self,
        documents: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> TextRelevance:
        """Learn the offers' vocabulary and embed them once, so that scoring only embeds queries.

        Parameters
        ----------
        documents : list of str
            The offer texts; at least one must contain words.
        languages : list of str or None, optional
            A language code per document; None (or a None item) means detect it.
        embeddings : ndarray of shape (n_documents, dim), optional
            Embeddings stored earlier by the same encoder; they spare the encoding.

        Returns
        -------
        TextRelevance
            The fitted estimator.
        """
        documents = check_texts(documents, "documents")
        if not documents:
            raise ValueError("documents is empty")
        self.encoder_ = self.encoder if self.encoder is not None else UniversalSentenceEncoder()
        if embeddings is None:
            self._embeddings = GrowingArray(self.encoder_.encode(documents))
            self.lexical_ = LexicalIndex().fit(documents)
        else:  # checked first, copied after the TF-IDF fit and its transient memory
            matrix = _embedding_matrix(embeddings, len(documents))
            self.lexical_ = LexicalIndex().fit(documents)
            self._embeddings = GrowingArray(np.zeros((0, matrix.shape[1]), dtype=np.float32))
            _normalised(matrix, out=self._embeddings.extend(len(documents)))
        self._language_rows: RowIndex[str] = RowIndex([])
        self._doc_language_codes = GrowingArray(np.zeros(0, dtype=np.int32))
        self.doc_languages_: list[str | None] = []
        self._append_languages(detect_languages(documents, languages))
        self.doc_embeddings_ = self._embeddings.array
        return self

    def add(
        self,
        documents: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> TextRelevance:
        """Append documents, read with the fitted vocabulary, as rows after the existing ones.

        Parameters
        ----------
        documents : list of str
            The new offer texts.
        languages : list of str or None, optional
            A language code per document; None (or a None item) means detect it.
        embeddings : ndarray of shape (n_documents, dim), optional
            Their stored embeddings; they spare the encoding.

        Returns
        -------
        TextRelevance
            The estimator, with ``len(documents)`` more rows.
        """
        documents = check_texts(documents, "documents")
        if not documents:
            return self
        vectors = self.embed(documents, embeddings)  # checked before anything changes
        self._embeddings.append(vectors)
        self.lexical_.add(documents)
        self._append_languages(detect_languages(documents, languages))
        self.doc_embeddings_ = self._embeddings.array
        return self

    def _append_languages(self, languages: list[str | None]) -> None:
        self.doc_languages_.extend(languages)
        codes = [-1 if code is None else self._language_rows.add(code) for code in languages]
        self._doc_language_codes.append(np.array(codes, dtype=np.int32))

    def embed(self, queries: Sequence[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """The queries' L2-normalised embeddings: the stored ones when given, else encoded."""
        queries = check_texts(queries, "queries")
        if embeddings is None:
            return self.encoder_.encode(queries)
        matrix = _embedding_matrix(embeddings, len(queries))
        if matrix.shape[1] != self.doc_embeddings_.shape[1]:
            raise ValueError(f"embeddings of {matrix.shape[1]} dimensions, not the offers' ones")
        return _normalised(matrix)

    def read(
        self,
        queries: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> Queries:
        """Queries analysed and embedded once, to score against several sets of offers."""
        queries = check_texts(queries, "queries")
        codes = [
            -2 if code is None else self._language_rows.position(code)
            for code in detect_languages(queries, languages)
        ]  # -1 marks an unknown document language; an unknown query language matches none
        return Queries(
            np.array(codes, dtype=np.int32),
            self.lexical_.read(queries),
            self.embed(queries, embeddings),
        )

    def lexical_scores(self, queries: Sequence[str], rows: np.ndarray | None = None) -> np.ndarray:
        """TF-IDF cosine in [0, 1], each query against each offer (or those `rows`)."""
        return self.lexical_.scores(self.lexical_.read(check_texts(queries, "queries")), rows)

    def shared_terms(self, query: str, row: int, limit: int = 5) -> list[str]:
        """Words and phrases a query shares with one offer, most distinctive (highest IDF) first.

        Only same-language evidence shows here; across languages the match is in the meaning.
        """
        words, _ = self.lexical_.read([query])
        return self.lexical_.shared_terms(words, [row], limit)[0]

    def semantic_scores(
        self,
        queries: Sequence[str],
        embeddings: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> np.ndarray:
        """Rescaled embedding cosine in [0, 1], each query against each offer (or those `rows`)."""
        return self._semantic(self.embed(queries, embeddings), rows)

    def _semantic(self, vectors: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        documents = self.doc_embeddings_ if rows is None else self.doc_embeddings_[rows]
        floor = self.embedding_floor
        return np.clip((vectors @ documents.T - floor) / (1.0 - floor), 0.0, 1.0)

    def score(
        self,
        queries: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> np.ndarray:
        """Relevance of each query to each offer, comparable across queries and offers.

        Parameters
        ----------
        queries : list of str
            Free-text needs.
        languages : list of str or None, optional
            A language code per query; None (or a None item) means detect it.
        embeddings : ndarray of shape (n_queries, dim), optional
            The queries' stored embeddings.
        rows : ndarray of int, optional
            Score only these documents (rows of ``fit`` and ``add`` order), in this order.

        Returns
        -------
        ndarray of shape (n_queries, n_documents) or (n_queries, len(rows))
            Scores in [0, 1]; 0 for a blank query.
        """
        queries = check_texts(queries, "queries")
        if not queries:
            return np.zeros((0, len(self.doc_languages_) if rows is None else len(rows)))
        return self.score_read(self.read(queries, languages, embeddings), rows)

    def score_read(self, queries: Queries, rows: np.ndarray | None = None) -> np.ndarray:
        """``score`` for queries already read."""
        doc_codes = self._doc_language_codes.array
        if rows is not None:
            doc_codes = doc_codes[rows]
        codes = queries.language_codes[:, None]
        same = (codes == doc_codes[None, :]) & (codes >= 0)
        weight = np.where(same, self.same_language_weight, self.cross_language_weight)
        lexical = self.lexical_.scores(queries.tfidf, rows)
        semantic = self._semantic(queries.vectors, rows)
        return 1.0 - (1.0 - weight * lexical) * (1.0 - semantic)


@dataclass(frozen=True)
class Queries:
    """Queries as the text signal reads them: language, TF-IDF rows and embedding."""

    language_codes: np.ndarray
    tfidf: tuple[sp.csr_matrix, sp.csr_matrix]  # word and character rows
    vectors: np.ndarray
