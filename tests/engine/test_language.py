"""The language guesser: right on ordinary needs, silent when a text says nothing."""

from __future__ import annotations

import pytest

from matchmaker.engine.language import detect_language, detect_languages


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Support for the national employment service and its job centres", "en"),
        ("Renforcer l'inspection du travail dans les mines", "fr"),
        ("Formación profesional de los jóvenes en las empresas", "es"),
        ("Formação profissional dos jovens nas empresas", "pt"),
        ("تعزيز الحوار الاجتماعي الثلاثي", "ar"),
        ("formação profissional", "pt"),
        ("capacitación laboral", "es"),
    ],
)
def test_detects_the_language_of_a_need(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "   ", "2024 / 15 %", "OIT ILO"])
def test_says_nothing_without_evidence(text: str) -> None:
    assert detect_language(text) is None


def test_given_codes_win_and_only_gaps_are_detected() -> None:
    texts = ["the job centres", "Formação dos jovens", "le travail"]
    assert detect_languages(texts, ["EN", "pt-BR", None]) == ["en", "pt", "fr"]


def test_one_code_per_text_is_required() -> None:
    with pytest.raises(ValueError, match="2 language codes for 3 texts"):
        detect_languages(["a", "b", "c"], ["en", "fr"])
