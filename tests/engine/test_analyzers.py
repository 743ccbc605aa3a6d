"""The frozen TF-IDF models read texts exactly as the scikit-learn models they were fitted as."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.engine import lexical
from matchmaker.engine.analyzers import CharWbNgrams, WordNgrams, analyzer_for
from matchmaker.engine.lexical import make_vectorizers
from matchmaker.engine.ranker import Matcher
from matchmaker.engine.records import NeedQuery
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.tfidf import FrozenTfidf
from tests.engine.test_ranker import COUNTRIES, NEED, OFFERS, PILLARS, PROVIDERS, BagOfWordsEncoder

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
        frozen = FrozenTfidf.of(vectorizer)
        ours, theirs = frozen.transform(texts), vectorizer.transform(texts)
        assert ours.dtype == theirs.dtype == np.float32
        np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=0, atol=0)
        assert list(frozen.feature_names()) == list(vectorizer.get_feature_names_out())


def test_only_l2_normalised_tf_idf_models_are_frozen() -> None:
    vectorizer = TfidfVectorizer(norm="l1", strip_accents="unicode").fit(SAMPLE)
    with pytest.raises(ValueError, match="l2"):
        FrozenTfidf.of(vectorizer)


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
    monkeypatch.setattr(lexical.FrozenTfidf, "of", _scikit_learn_reading)
    assert rankings() == frozen
    assert all(frozen)


def _scikit_learn_reading(vectorizer: TfidfVectorizer) -> SimpleNamespace:
    """A fitted vectorizer standing in for its frozen copy: the index as it was before."""
    return SimpleNamespace(
        transform=vectorizer.transform,
        idf_=vectorizer.idf_,
        feature_names=vectorizer.get_feature_names_out,
    )
