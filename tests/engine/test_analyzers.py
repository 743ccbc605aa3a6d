"""The frozen TF-IDF models read texts exactly as the scikit-learn models they were fitted as."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.engine import lexical
from matchmaker.engine.analyzers import WORD_PATTERN, CharWbNgrams, WordNgrams
from matchmaker.engine.buffers import GrowingRows
from matchmaker.engine.lexical import ANALYZERS, fit_tfidf
from matchmaker.engine.ranker import Matcher
from matchmaker.engine.records import NeedQuery
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.tfidf import FrozenTfidf
from tests.engine.test_ranker import COUNTRIES, NEED, OFFERS, PILLARS, PROVIDERS, BagOfWordsEncoder


def analyzer_for(vectorizer: TfidfVectorizer) -> WordNgrams | CharWbNgrams:
    """The plain analyzer equal to a scikit-learn vectorizer's, which must use only the
    settings reproduced here (anything else raises ``ValueError``)."""
    params = vectorizer.get_params()
    supported = {
        "input": "content",
        "lowercase": True,
        "strip_accents": "unicode",
        "preprocessor": None,
        "tokenizer": None,
        "stop_words": None,
    }
    if params["analyzer"] == "word":
        supported["token_pattern"] = WORD_PATTERN
    different = sorted(name for name, value in supported.items() if params[name] != value)
    if different or params["analyzer"] not in ("word", "char_wb"):
        raise ValueError(f"no plain analyzer for these settings: {different or params['analyzer']}")
    kind = WordNgrams if params["analyzer"] == "word" else CharWbNgrams
    return kind(tuple(params["ngram_range"]))


SAMPLE = [
    "Employment promotion, skills and enterprise development (2024-2027)",
    "Sécurité sociale : l'extension de la couverture aux travailleurs indépendants",
    "Formación profesional dual — ¿aprendices en la economía informal?",
    "Inspeção do trabalho e saúde e segurança no trabalho; nº 155/1981",
    "الحماية الاجتماعية والعمل اللائق للعمال المهاجرين",
    "ÉCOLE   Œuvre\tnaïve\n\ncafé déjà-vu ﬁnance ² ½ Straße İstanbul",
    "a I x 42 7 _ __init__ e-mail O'Brien",
    "",
    "   ",
]


def make_vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The scikit-learn models the lexical index reproduces (word, then character), unfitted."""
    common = {"sublinear_tf": True, "strip_accents": "unicode", "dtype": np.float32}
    return (
        TfidfVectorizer(ngram_range=(1, 2), **common),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common),
    )


def freeze(vectorizer: TfidfVectorizer) -> FrozenTfidf:
    """What the lexical index keeps of a fitted vectorizer (l2 norm, IDF weights), taken from
    scikit-learn's own fit, to compare the two readings of the same model."""
    return FrozenTfidf(
        vocabulary_=dict(vectorizer.vocabulary_),
        idf_=np.asarray(vectorizer.idf_),
        analyze=analyzer_for(vectorizer),
        sublinear_tf=vectorizer.sublinear_tf,
        dtype=np.dtype(vectorizer.dtype),
    )


@pytest.fixture(scope="module")
def fitted() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Both of the lexical index's models, fitted on the sample."""
    vectorizers = make_vectorizers()
    for vectorizer in vectorizers:
        vectorizer.fit(SAMPLE)
    return vectorizers


@pytest.mark.parametrize("text", SAMPLE)
def test_the_analyzers_give_scikit_learns_terms(fitted, text: str) -> None:
    for vectorizer in fitted:
        assert analyzer_for(vectorizer)(text) == vectorizer.build_analyzer()(text)


@pytest.mark.parametrize(
    ("analyzer", "ngram_range"),
    [("word", (1, 1)), ("word", (2, 3)), ("char_wb", (1, 2)), ("char_wb", (2, 6))],
)
def test_other_ngram_ranges_give_scikit_learns_terms_too(analyzer: str, ngram_range) -> None:
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, strip_accents="unicode"
    )
    plain = analyzer_for(vectorizer)
    assert isinstance(plain, WordNgrams if analyzer == "word" else CharWbNgrams)
    for text in SAMPLE:
        assert plain(text) == vectorizer.build_analyzer()(text)


@pytest.mark.parametrize(
    "settings",
    [
        {"lowercase": False},
        {"strip_accents": "ascii"},
        {"strip_accents": None},
        {"stop_words": "english"},
        {"token_pattern": r"\w+"},
        {"analyzer": "char"},
    ],
)
def test_settings_the_analyzers_do_not_reproduce_are_refused(settings: dict) -> None:
    vectorizer = TfidfVectorizer(**{"strip_accents": "unicode", **settings})
    with pytest.raises(ValueError, match="no plain analyzer"):
        analyzer_for(vectorizer)


def test_the_frozen_model_reads_as_the_fitted_one(fitted) -> None:
    texts = [
        *SAMPLE,
        "Entirely unseen vocabulary: zygomorphic quetzalcoatl",
        "skills skills skills and enterprise, enterprise development",
        "développement des compétences et de l'entreprise",
    ]
    for vectorizer in fitted:
        frozen = freeze(vectorizer)
        ours, theirs = frozen.transform(texts), vectorizer.transform(texts)
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=0)
        assert list(frozen.feature_names()) == list(vectorizer.get_feature_names_out())


def test_the_streaming_fit_gives_scikit_learns_model_and_rows(monkeypatch) -> None:
    monkeypatch.setattr(lexical, "CHUNK", 4)  # several chunks, the last one short
    documents = [*SAMPLE, SAMPLE[1], "", SAMPLE[0], "Straße straße STRASSE", SAMPLE[4], "x"]
    for analyze, vectorizer in zip(ANALYZERS, make_vectorizers(), strict=True):
        assert analyze == analyzer_for(vectorizer)
        theirs = vectorizer.fit_transform(documents)
        theirs.sort_indices()
        model, rows = fit_tfidf(analyze, documents)
        ours = rows.matrix
        assert model.vocabulary_ == vectorizer.vocabulary_
        assert list(model.vocabulary_) == sorted(model.vocabulary_)
        assert model.idf_.dtype == vectorizer.idf_.dtype == np.float32
        assert model.idf_.tobytes() == vectorizer.idf_.tobytes()
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        for ours_part, theirs_part in zip(
            (ours.indptr, ours.indices, ours.data),
            (theirs.indptr, theirs.indices, theirs.data),
            strict=True,
        ):
            assert ours_part.tobytes() == theirs_part.astype(ours_part.dtype).tobytes()


def test_a_fit_on_texts_without_terms_is_refused_as_scikit_learn_refuses_it() -> None:
    for analyze, vectorizer in zip(ANALYZERS, make_vectorizers(), strict=True):
        for fit in (partial(fit_tfidf, analyze), vectorizer.fit):
            with pytest.raises(ValueError, match="empty vocabulary"):
                fit(["", " \t "])


def test_a_small_world_ranks_as_with_scikit_learns_own_models(monkeypatch) -> None:
    needs = [
        NEED,
        NeedQuery("Accident insurance: cotisations des employeurs", "PAK", "fr"),
        NeedQuery("seguro de acidentes de trabalho para trabalhadores informais", "IND", "pt"),
        NeedQuery("zygomorphic quetzalcoatl", "PAK", "en"),
    ]

    def rankings() -> list:
        matcher = Matcher(theme_pillars=PILLARS, text=TextRelevance(BagOfWordsEncoder()))
        matcher.fit(OFFERS, PROVIDERS, COUNTRIES)
        return [
            [(m, m.explanation) for m in (r.peers + r.facilitators)]
            for r in (matcher.rank(need, top=5, include_own_country=True) for need in needs)
        ]

    frozen = rankings()
    monkeypatch.setattr(lexical, "fit_tfidf", _scikit_learn_fit)
    assert rankings() == frozen
    assert all(frozen)


def _scikit_learn_fit(analyze, documents: list[str]) -> tuple[SimpleNamespace, GrowingRows]:
    """A scikit-learn model and its rows standing in for the streaming fit: the index as it
    was before."""
    word, char = make_vectorizers()
    vectorizer = word if analyze == ANALYZERS[0] else char
    matrix = vectorizer.fit_transform(documents)
    matrix.sort_indices()
    reading = SimpleNamespace(
        transform=vectorizer.transform,
        idf_=vectorizer.idf_,
        feature_names=vectorizer.get_feature_names_out,
    )
    return reading, GrowingRows(matrix)
