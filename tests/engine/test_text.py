"""The text signal: needs in five languages find the right English offer and organisation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from matchmaker.engine import TextRelevance, text_scores
from tests.engine.test_analyzers import make_vectorizers

FIXTURE = yaml.safe_load((Path(__file__).parent / "text_fixture.yaml").read_text("utf-8"))
KEYS = list(FIXTURE["offers"])
ENGLISH_OFFERS = [FIXTURE["offers"][key]["en"] for key in KEYS]


def query(language: str, key: str) -> str:
    """The fixture's need, in that language, whose right offer is `key`."""
    return FIXTURE["queries"][language][key]


@pytest.fixture(scope="module")
def model() -> TextRelevance:
    """The signal fitted on the English offers; the encoder loads once for the module."""
    return TextRelevance().fit(ENGLISH_OFFERS)


@pytest.mark.parametrize(
    ("language", "key"),
    [("es", "labour_migration"), ("fr", "unemployment_insurance"), ("pt", "child_labour")],
)
def test_a_need_in_another_language_ranks_the_right_english_offer_first(
    model: TextRelevance, language: str, key: str
) -> None:
    scores = model.score([query(language, key)])[0]
    assert KEYS[int(np.argmax(scores))] == key


@pytest.mark.parametrize("language", ["fr", "es", "pt", "ar"])
def test_needs_in_each_language_find_their_english_offer_near_the_top(
    model: TextRelevance, language: str
) -> None:
    needs = FIXTURE["queries"][language]
    scores = model.score(list(needs.values()))
    gold = np.array([KEYS.index(key) for key in needs])
    ranks = 1 + (scores > scores[np.arange(len(gold)), gold][:, None]).sum(axis=1)
    assert ranks.max() <= 3
    assert np.mean(1 / ranks) >= 0.9


def test_every_english_need_ranks_its_english_offer_first(model: TextRelevance) -> None:
    needs = FIXTURE["queries"]["en"]
    top = model.score(list(needs.values())).argmax(axis=1)
    assert [KEYS[i] for i in top] == list(needs)


def test_scores_are_a_query_by_offer_matrix_in_the_unit_interval(model: TextRelevance) -> None:
    scores = model.score(["apprenticeships for young people", "", "حماية العمال المهاجرين"])
    assert scores.shape == (3, len(KEYS))
    assert scores.min() >= 0.0 and scores.max() <= 1.0
    assert not scores[1].any(), "a blank need matches nothing"


def test_words_only_add_to_meaning_so_a_cross_language_match_keeps_its_score(
    model: TextRelevance,
) -> None:
    needs = [query("en", "osh"), query("fr", "osh"), query("ar", "osh")]
    assert (model.score(needs) >= model.semantic_scores(needs) - 1e-6).all()


def test_given_languages_decide_how_much_shared_words_count(model: TextRelevance) -> None:
    need = [query("en", "minimum_wages")]
    as_english = model.score(need, languages=["en"])
    as_other = model.score(need, languages=["fr"])
    assert (as_english >= as_other).all() and (as_english > as_other).any()


def test_stored_embeddings_give_the_same_scores(model: TextRelevance) -> None:
    needs = [query("pt", "green_jobs"), query("en", "cooperatives")]
    stored = TextRelevance().fit(ENGLISH_OFFERS, embeddings=model.doc_embeddings_)
    query_embeddings = model.encoder_.encode(needs)
    np.testing.assert_allclose(
        stored.score(needs, embeddings=query_embeddings), model.score(needs), atol=1e-6
    )


def test_documents_added_later_are_read_as_the_fitted_vectorizers_read_them(
    model: TextRelevance,
) -> None:
    vectors = model.doc_embeddings_
    grown = (
        TextRelevance(model.encoder_)
        .fit(ENGLISH_OFFERS[:5], embeddings=vectors[:5])
        .add(ENGLISH_OFFERS[5:], embeddings=vectors[5:])
    )
    lexical = grown.lexical_
    for rows, vectorizer in zip(
        (lexical.word_rows_, lexical.char_rows_), make_vectorizers(), strict=True
    ):
        vectorizer.fit(ENGLISH_OFFERS[:5])
        assert (rows[5:] != vectorizer.transform(ENGLISH_OFFERS[5:])).nnz == 0
    np.testing.assert_allclose(grown.doc_embeddings_, vectors, atol=1e-6)
    assert grown.score([query("fr", "osh")]).shape == (1, len(KEYS))


def test_stored_embeddings_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="embeddings"):
        TextRelevance().fit(ENGLISH_OFFERS, embeddings=np.ones((2, 512)))


def test_text_scores_ranks_organisations_by_their_best_matching_text() -> None:
    profiles = [
        [FIXTURE["offers"]["green_jobs"]["en"], FIXTURE["offers"]["cooperatives"]["en"]],
        [FIXTURE["offers"]["labour_migration"]["fr"], FIXTURE["offers"]["osh"]["en"]],
        [FIXTURE["offers"]["minimum_wages"]["en"]],
    ]
    scores = text_scores([query("es", "labour_migration"), query("en", "minimum_wages")], profiles)
    assert scores.shape == (2, 3)
    assert scores.argmax(axis=1).tolist() == [1, 2]


def test_text_scores_prefers_an_organisation_covering_both_facets_of_a_need() -> None:
    offers = FIXTURE["offers"]
    both = [offers["apprenticeships"]["en"], offers["public_employment_services"]["en"]]
    one = [offers["apprenticeships"]["en"], offers["forced_labour"]["en"]]
    need = "Apprenticeships for young people and better public job centres to place them."
    scores = text_scores([need], [both, one])[0]
    assert scores[0] > scores[1]


def test_text_scores_gives_zero_to_empty_profiles_and_handles_no_query() -> None:
    profiles = [[], [ENGLISH_OFFERS[0]], ["  "]]
    scores = text_scores([query("fr", "employment_injury")], profiles)
    assert scores.shape == (1, 3)
    assert scores[0, 0] == 0.0 and scores[0, 2] == 0.0 and scores[0, 1] > 0.5
    assert text_scores([], profiles).shape == (0, 3)
    assert text_scores(["anything"], [[], []]).tolist() == [[0.0, 0.0]]


def test_the_engine_loads_neither_flask_nor_the_database() -> None:
    code = (
        "import matchmaker.engine, sys; "
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 (our own code)


def test_the_encoder_works_without_a_network() -> None:
    code = (
        "import socket\n"
        "def refuse(*args, **kwargs): raise OSError('network used')\n"
        "socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse\n"
        "from matchmaker.engine.embeddings import UniversalSentenceEncoder\n"
        "vectors = UniversalSentenceEncoder().encode(['formation professionnelle', ''])\n"
        "assert vectors.shape == (2, 512) and abs(vectors[0] @ vectors[0] - 1) < 1e-5\n"
        "assert not vectors[1].any()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # noqa: S603
