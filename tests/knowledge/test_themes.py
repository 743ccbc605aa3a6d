"""The thematic taxonomy: a clean file loads, each slip is reported, the shipped one is complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml

from matchmaker.knowledge.themes import DEFAULT_PATH, Theme, ThemeError, load_themes, theme_codes
from matchmaker.knowledge.vocabulary import PILLARS

README = Path(__file__).resolve().parents[2] / "data" / "README.md"


def entry(code: str = "youth_employment", pillar: str = "employment", **changes: Any) -> dict:
    """One valid theme entry, with some fields changed (None removes a field)."""
    theme: dict[str, Any] = {
        "code": code,
        "pillar": pillar,
        "names": {"en": "Youth employment", "fr": "Emploi des jeunes",
                  "es": "Empleo juvenil", "pt": "Emprego jovem"},
        "description": {"en": "Decent jobs for young people.", "fr": "Des emplois décents.",
                        "es": "Empleos decentes.", "pt": "Empregos decentes."},
        "keywords": {"en": ["youth", "NEET"], "fr": ["jeunes"], "es": ["jóvenes"],
                     "pt": ["jovens"]},
        "sdg_targets": ["8.6", "8.b"],
        "crs_codes": ["16020"],
    }  # fmt: skip
    for field, value in changes.items():
        if value is None:
            del theme[field]
        else:
            theme[field] = value
    return theme


def write(tmp_path: Path, *themes: dict, name: str = "themes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"themes": list(themes)}, allow_unicode=True), "utf-8")
    return path


def problems(path: Path) -> list[str]:
    """The problem lines of the ThemeError a broken file raises."""
    with pytest.raises(ThemeError) as caught:
        load_themes(path)
    message = str(caught.value)
    assert message.startswith("invalid taxonomy:\n"), message
    return message.splitlines()[1:]


def test_valid_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        entry(),
        entry("social_dialogue", "social_dialogue", sdg_targets=["8.8", "16.7"],
              crs_codes=["16020", "15150"]),
    )  # fmt: skip

    themes = load_themes(path)

    assert [(t.code, t.pillar) for t in themes] == [
        ("youth_employment", "employment"),
        ("social_dialogue", "social_dialogue"),
    ]
    youth = themes[0]
    assert isinstance(youth, Theme)
    assert isinstance(youth.names, MappingProxyType)
    assert isinstance(youth.description, MappingProxyType)
    assert isinstance(youth.keywords, MappingProxyType)
    assert dict(youth.keywords) == {
        "en": ("youth", "NEET"), "fr": ("jeunes",), "es": ("jóvenes",), "pt": ("jovens",)
    }  # fmt: skip
    assert youth.sdg_targets == ("8.6", "8.b")
    assert themes[1].crs_codes == ("16020", "15150")
    assert youth.name("fr") == "Emploi des jeunes"
    assert youth.name("ar") == "Youth employment"  # other languages fall back to English
    assert youth.description["pt"] == "Empregos decentes."
    hash(youth)  # usable in sets despite its mapping fields
    with pytest.raises(TypeError):
        youth.names["en"] = "changed"  # type: ignore[index]
    assert theme_codes(path) == frozenset({"youth_employment", "social_dialogue"})
    assert load_themes(str(path)) == themes


def test_json_taxonomy_loads(tmp_path: Path) -> None:
    path = tmp_path / "themes.json"
    path.write_text(json.dumps({"themes": [entry()]}), "utf-8")

    assert [t.code for t in load_themes(path)] == ["youth_employment"]


def test_missing_language(tmp_path: Path) -> None:
    names = {"en": "Youth employment", "fr": "Emploi des jeunes", "es": "Empleo juvenil"}
    path = write(tmp_path, entry(names=names))

    assert problems(path) == [
        f"{path}: themes[0] youth_employment: names.pt: required field is missing"
    ]


def test_empty_keywords_and_extra_language(tmp_path: Path) -> None:
    keywords = {"en": [], "fr": ["jeunes"], "es": ["jóvenes"], "pt": ["jovens"], "de": ["Jugend"]}
    path = write(tmp_path, entry(keywords=keywords))

    assert problems(path) == [
        f"{path}: themes[0] youth_employment: keywords.en: must list at least one keyword",
        f"{path}: themes[0] youth_employment: keywords.de: unknown field",
    ]


def test_unknown_pillar(tmp_path: Path) -> None:
    path = write(tmp_path, entry(pillar="employmnt"))

    assert problems(path) == [
        f"{path}: themes[0] youth_employment: pillar: "
        "unknown pillar 'employmnt'; did you mean 'employment'?"
    ]


def test_duplicate_code(tmp_path: Path) -> None:
    path = write(tmp_path, entry(), entry("skills_development"), entry())

    assert problems(path) == [
        f"{path}: themes[2] youth_employment: code: duplicate code, first used in themes[0]"
    ]


def test_duplicate_code_is_reported_alongside_other_problems(tmp_path: Path) -> None:
    path = write(tmp_path, entry(), entry(pillar="rigths"))

    assert problems(path) == [
        f"{path}: themes[1] youth_employment: pillar: "
        "unknown pillar 'rigths'; did you mean 'rights'?",
        f"{path}: themes[1] youth_employment: code: duplicate code, first used in themes[0]",
    ]


@pytest.mark.parametrize(
    ("crs_codes", "message"),
    [
        (["1602"], "crs_codes[0]: '1602' is not a valid CRS purpose code"),
        (["16020", "16O20"], "crs_codes[1]: '16O20' is not a valid CRS purpose code"),
        (["160200"], "crs_codes[0]: too long: 6 characters, at most 5"),
        ([16020], "crs_codes[0]: expected CRS purpose code, got a number (16020)"),
        ([], "crs_codes: must list at least one CRS purpose code"),
    ],
)
def test_malformed_crs_code(tmp_path: Path, crs_codes: list, message: str) -> None:
    path = write(tmp_path, entry(crs_codes=crs_codes))

    assert problems(path) == [f"{path}: themes[0] youth_employment: {message}"]


@pytest.mark.parametrize(
    ("sdg_targets", "message"),
    [
        (["8"], "sdg_targets[0]: '8' is not a valid SDG target"),
        (["8.B"], "sdg_targets[0]: '8.B' is not a valid SDG target"),
        ([8.5], "sdg_targets[0]: expected SDG target, got a number (8.5)"),
    ],
)
def test_malformed_sdg_target(tmp_path: Path, sdg_targets: list, message: str) -> None:
    path = write(tmp_path, entry(sdg_targets=sdg_targets))

    assert problems(path) == [f"{path}: themes[0] youth_employment: {message}"]


def test_bad_code_missing_field_and_typo(tmp_path: Path) -> None:
    path = write(tmp_path, entry("Youth-Employment", description=None, keyword={"en": ["x"]}))

    assert problems(path) == [
        f"{path}: themes[0] Youth-Employment: code: "
        "'Youth-Employment' is not a valid snake_case code",
        f"{path}: themes[0] Youth-Employment: description: required field is missing",
        f"{path}: themes[0] Youth-Employment: keyword: unknown field; did you mean 'keywords'?",
    ]


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    path = write(tmp_path, entry(pillar="work"), entry("green_jobs", crs_codes=["1"]))

    lines = problems(path)

    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: themes[0] youth_employment: pillar: unknown pillar 'work'")
    assert lines[1] == (
        f"{path}: themes[1] green_jobs: crs_codes[0]: '1' is not a valid CRS purpose code"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("themes: []\n", "themes: must list at least one entry"),
        ("themes: [1]\n", "themes[0]: expected a mapping, got a number (1)"),
        ("topics: []\n", "themes: required field is missing"),
        ("- a\n", "expected a mapping with a 'themes' list"),
    ],
)
def test_wrong_document_shape(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text(text, "utf-8")

    assert problems(path)[0] == f"{path}: {expected}"


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ThemeError, match=r"missing\.yaml: cannot read file"):
        load_themes(missing)

    broken = tmp_path / "broken.yaml"
    broken.write_text("themes:\n  - code: a\n    pillar: [employment\n", "utf-8")
    with pytest.raises(ThemeError, match=r"broken\.yaml: line 4, column 1: invalid YAML"):
        load_themes(broken)


# --- the shipped taxonomy ------------------------------------------------------------------------


def readme_themes() -> dict[str, str]:
    """Theme code -> pillar, as data/README.md lists them under `- **theme**:`."""
    text = README.read_text("utf-8")
    block = text[text.index("- **theme**:") :]
    block = block[: block.index("\n\n")]
    parts = re.split(r"Pillar `(\w+)`:", block)
    listed: dict[str, str] = {}
    for pillar, codes in zip(parts[1::2], parts[2::2], strict=True):
        for code in re.findall(r"`(\w+)`", codes):
            assert code not in listed, f"{code} listed twice in data/README.md"
            listed[code] = pillar
    return listed


@pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="data/themes.yaml not written yet")
def test_shipped_taxonomy_is_complete_and_well_formed() -> None:
    themes = load_themes()
    by_code = {t.code: t for t in themes}

    assert len(themes) == 35
    assert len(by_code) == 35
    assert {t.pillar for t in themes} == set(PILLARS)
    listed = readme_themes()
    assert len(listed) == 35  # guards the README parsing itself
    assert set(listed) <= set(by_code), sorted(set(listed) - set(by_code))
    assert {code: by_code[code].pillar for code in listed} == listed
    for theme in themes:
        assert theme.sdg_targets, theme.code
        for target in theme.sdg_targets:
            assert re.fullmatch(r"\d{1,2}\.[\da-z]{1,2}", target), (theme.code, target)
            assert 1 <= int(target.split(".")[0]) <= 17, (theme.code, target)
        assert theme.crs_codes, theme.code
        for code in theme.crs_codes:
            assert re.fullmatch(r"\d{5}", code), (theme.code, code)
        assert set(theme.names) == {"en", "fr", "es", "pt"}, theme.code
        assert all(keywords for keywords in theme.keywords.values()), theme.code
    assert theme_codes() == frozenset(by_code)
