"""Theme inference and overlap on the real taxonomy, in English, French, Spanish and Portuguese."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from matchmaker.engine.themes import NotFittedError, ThemeSpec, ThemeTagger

THEMES_FILE = Path(__file__).parents[2] / "data" / "themes.yaml"


@pytest.fixture(scope="module")
def taxonomy() -> list[dict]:
    """The themes of data/themes.yaml, read once for the module."""
    return yaml.safe_load(THEMES_FILE.read_text("utf-8"))["themes"]


@pytest.fixture(scope="module")
def tagger(taxonomy: list[dict]) -> ThemeTagger:
    """A tagger fitted on the whole taxonomy, names included, as the app builds it."""
    specs = [
        ThemeSpec(
            code=theme["code"],
            pillar=theme["pillar"],
            keywords=theme["keywords"],
            names=theme["names"],
        )
        for theme in taxonomy
    ]
    return ThemeTagger().fit(specs)


@pytest.fixture(scope="module")
def pillar_of(taxonomy: list[dict]) -> dict[str, str]:
    """Each theme code's pillar."""
    return {theme["code"]: theme["pillar"] for theme in taxonomy}


def codes(tagger: ThemeTagger, text: str) -> list[str]:
    """The theme codes the tagger finds in a text, best first."""
    return [code for code, _, _ in tagger.infer(text)]


def test_the_fixture_is_the_whole_taxonomy(tagger: ThemeTagger) -> None:
    assert len(tagger.codes_) == 35


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Extending employment injury insurance to informal workers",
            {"employment_injury", "informal_economy"},
        ),
        ("lutte contre le travail des enfants dans l'agriculture", {"child_labour"}),
        ("inspección del trabajo y trabajo infantil", {"labour_inspection", "child_labour"}),
        ("Lei da aprendizagem: contratação de jovem aprendiz", {"apprenticeships"}),
        (
            "Qualificação profissional e primeiro emprego para jovens",
            {"skills_development", "youth_employment"},
        ),
        (
            "Ratifying Convention No. 182 and strengthening labor inspectors",
            {"child_labour", "labour_inspection"},
        ),
    ],
)
def test_a_text_in_any_language_gets_its_themes(
    tagger: ThemeTagger, text: str, expected: set[str]
) -> None:
    assert expected <= set(codes(tagger, text))


def test_each_result_carries_a_confidence_and_the_phrases_found(tagger: ThemeTagger) -> None:
    results = tagger.infer("Extending employment injury insurance to informal workers")
    assert results[0][0] == "employment_injury"
    assert results[0][2] == ["employment injury insurance"]
    confidences = [confidence for _, confidence, _ in results]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 < confidence <= 1.0 for confidence in confidences)


def test_more_evidence_for_a_theme_raises_its_confidence(tagger: ThemeTagger) -> None:
    [(_, one, _)] = tagger.infer("child labour")
    [(code, three, _)] = tagger.infer("child labour, its worst forms and Convention No. 138")
    assert code == "child_labour"
    assert three > one


def test_a_text_gets_at_most_max_themes(taxonomy: list[dict]) -> None:
    specs = [ThemeSpec(t["code"], t["pillar"], t["keywords"]) for t in taxonomy]
    narrow = ThemeTagger(max_themes=1).fit(specs)
    assert codes(narrow, "inspección del trabajo y trabajo infantil") == ["labour_inspection"]


def test_apprentices_are_not_found_inside_another_word(tagger: ThemeTagger) -> None:
    assert "apprenticeships" not in codes(tagger, "apprentissage tout au long de la vie")
    assert "apprenticeships" not in codes(tagger, "L'apprentissage des langues étrangères")
    assert "apprenticeships" in codes(tagger, "La formation des apprentis dans l'artisanat")


def test_a_phrase_inside_a_longer_one_does_not_count(tagger: ThemeTagger) -> None:
    assert codes(tagger, "le travail domestique des enfants") == ["child_labour"]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        (
            "Fortalecer el sistema de protección social",
            "fortalecer el sistema de proteccion social",
        ),
        ("la politique de l’emploi", "LA POLITIQUE DE L'EMPLOI"),
        ("the school-to-work transition", "the school to work  transition"),
        ("Convenção n.º 138", "Convenção 138"),
    ],
)
def test_accents_case_apostrophes_hyphens_and_number_signs_do_not_matter(
    tagger: ThemeTagger, written: str, plain: str
) -> None:
    assert codes(tagger, written)
    assert codes(tagger, plain) == codes(tagger, written)


@pytest.mark.parametrize("text", ["the weather in Geneva was sunny", "", "   "])
def test_an_unrelated_text_has_no_theme(tagger: ThemeTagger, text: str) -> None:
    assert tagger.infer(text) == []


def test_inferring_before_fitting_is_an_error() -> None:
    with pytest.raises(NotFittedError):
        ThemeTagger().infer("child labour")


def test_fitting_rejects_a_taxonomy_with_repeated_codes() -> None:
    spec = ThemeSpec("child_labour", "rights", {"en": ["child labour"]})
    with pytest.raises(ValueError, match="unique"):
        ThemeTagger().fit([spec, spec])


def test_fitting_rejects_keywords_given_as_one_string() -> None:
    spec = ThemeSpec("child_labour", "rights", {"en": "child labour"})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="lists of phrases"):
        ThemeTagger().fit([spec])
