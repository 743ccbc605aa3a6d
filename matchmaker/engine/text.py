"""The text relevance signal: how well a free-text need matches each offer, across languages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.engine.aggregation import soft_maximum
from matchmaker.engine.embeddings import Encoder, UniversalSentenceEncoder
from matchmaker.engine.language import detect_languages


def _check_texts(texts: Sequence[str], name: str) -> list[str]:
    """Reject a lone string (which would be read as characters) and non-text items."""
    if isinstance(texts, str) or not all(isinstance(text, str) for text in texts):
        raise TypeError(f"{name} must be a list of strings")
    return list(texts)


def _check_embeddings(embeddings: np.ndarray, n_texts: int) -> np.ndarray:
    """Accept stored embeddings of the right shape, L2-normalised as the encoder's are."""
    matrix = np.asarray(embeddings, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != n_texts:
        raise ValueError(f"embeddings of shape {matrix.shape} for {n_texts} texts")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


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
    word_vectorizer_, char_vectorizer_ : TfidfVectorizer
        The lexical models fitted on the offers.
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
        documents = _check_texts(documents, "documents")
        if not documents:
            raise ValueError("documents is empty")
        self.doc_languages_ = detect_languages(documents, languages)
        common = {"sublinear_tf": True, "strip_accents": "unicode", "dtype": np.float32}
        self.word_vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), **common).fit(documents)
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), **common
        ).fit(documents)
        self.doc_word_tfidf_ = self.word_vectorizer_.transform(documents)
        self.doc_char_tfidf_ = self.char_vectorizer_.transform(documents)
        self.encoder_ = self.encoder if self.encoder is not None else UniversalSentenceEncoder()
        self.doc_embeddings_ = (
            self.encoder_.encode(documents)
            if embeddings is None
            else _check_embeddings(embeddings, len(documents))
        )
        return self

    def lexical_scores(self, queries: Sequence[str]) -> np.ndarray:
        """TF-IDF cosine in [0, 1], each query against each offer, in whatever language."""
        queries = _check_texts(queries, "queries")
        word = self.word_vectorizer_.transform(queries) @ self.doc_word_tfidf_.T
        char = self.char_vectorizer_.transform(queries) @ self.doc_char_tfidf_.T
        return np.clip(0.5 * (word.toarray() + char.toarray()), 0.0, 1.0)

    def shared_terms(self, query: str, row: int, limit: int = 5) -> list[str]:
        """Words and phrases a query shares with one offer, most distinctive (highest IDF) first.

        Only same-language evidence shows here; across languages the match is in the meaning.
        """
        shared = set(self.word_vectorizer_.transform([query]).indices) & set(
            self.doc_word_tfidf_[row].indices
        )
        if not shared:
            return []
        if not hasattr(self, "feature_names_"):
            self.feature_names_ = self.word_vectorizer_.get_feature_names_out()
        idf = self.word_vectorizer_.idf_
        terms: list[str] = []
        for column in sorted(shared, key=lambda c: (-idf[c], c)):
            term = str(self.feature_names_[column])
            if len(term) < 4 or any(term in chosen for chosen in terms):
                continue
            terms.append(term)
            if len(terms) == limit:
                break
        return terms

    def semantic_scores(
        self, queries: Sequence[str], embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Rescaled embedding cosine in [0, 1], each query against each offer."""
        queries = _check_texts(queries, "queries")
        vectors = (
            self.encoder_.encode(queries)
            if embeddings is None
            else _check_embeddings(embeddings, len(queries))
        )
        cosine = vectors @ self.doc_embeddings_.T
        floor = self.embedding_floor
        return np.clip((cosine - floor) / (1.0 - floor), 0.0, 1.0)

    def score(
        self,
        queries: Sequence[str],
        languages: Sequence[str | None] | None = None,
        embeddings: np.ndarray | None = None,
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

        Returns
        -------
        ndarray of shape (n_queries, n_documents)
            Scores in [0, 1]; 0 for a blank query.
        """
        queries = _check_texts(queries, "queries")
        n_documents = len(self.doc_languages_)
        if not queries:
            return np.zeros((0, n_documents))
        query_languages = np.array(detect_languages(queries, languages), dtype=object)
        doc_languages = np.array(self.doc_languages_, dtype=object)
        same = (query_languages[:, None] == doc_languages[None, :]) & (
            query_languages[:, None] != None  # noqa: E711 (elementwise on object arrays)
        )
        weight = np.where(same, self.same_language_weight, self.cross_language_weight)
        lexical = self.lexical_scores(queries)
        semantic = self.semantic_scores(queries, embeddings)
        return 1.0 - (1.0 - weight * lexical) * (1.0 - semantic)


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
    queries = _check_texts(queries, "queries")
    texts: list[str] = []
    owners: list[int] = []
    for column, profile in enumerate(profiles):
        for text in dict.fromkeys(t.strip() for t in _check_texts(profile, "a profile")):
            if text:
                texts.append(text)
                owners.append(column)
    if not queries or not texts:
        return np.zeros((len(queries), len(profiles)))
    scores = TextRelevance().fit(texts).score(queries)
    return soft_maximum(scores, np.array(owners), len(profiles))
