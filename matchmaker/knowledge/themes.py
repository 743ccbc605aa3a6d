"""The thematic taxonomy of data/themes.yaml, loaded once and checked so matching can trust it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from matchmaker.knowledge.documents import DocumentError, load_document
from matchmaker.knowledge.fields import Fields, Problem
from matchmaker.knowledge.vocabulary import PILLARS

LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "themes.yaml"

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_SDG_TARGET = re.compile(r"\d{1,2}\.(?:\d{1,2}|[a-z])")
_CRS_CODE = re.compile(r"\d{5}")


class ThemeError(ValueError):
    """The taxonomy file is broken; the message lists every problem found."""


@dataclass(frozen=True)
class Theme:
    """One theme of the world of work, with what inference and display need in four languages."""

    code: str
    pillar: str
    names: Mapping[str, str] = field(compare=False)
    description: Mapping[str, str] = field(compare=False)
    keywords: Mapping[str, tuple[str, ...]] = field(compare=False)
    sdg_targets: tuple[str, ...]
    crs_codes: tuple[str, ...]

    def name(self, language: str = "en") -> str:
        """The display name in a language, falling back to English for the others."""
        return self.names.get(language, self.names["en"])


def _per_language(
    reader: Fields, name: str, read: Callable[[Fields, str], Any]
) -> Mapping[str, Any]:
    """Read one value per taxonomy language from a nested mapping; other languages are refused."""
    sub = reader.nested(name)
    if sub is None:
        return MappingProxyType({})
    values = {language: read(sub, language) for language in LANGUAGES}
    sub.finish()
    return MappingProxyType(values)


def _theme(reader: Fields) -> Theme | None:
    """Check one theme entry and build it when clean."""
    code = reader.text("code", max_length=60, allowed=_CODE, what="snake_case code")
    pillar = reader.text("pillar", max_length=40, allowed=PILLARS, what="pillar")
    names = _per_language(reader, "names", lambda sub, lang: sub.text(lang, max_length=200))
    description = _per_language(
        reader, "description", lambda sub, lang: sub.text(lang, max_length=1000)
    )
    keywords = _per_language(
        reader, "keywords", lambda sub, lang: sub.texts(lang, max_length=100, what="keyword")
    )
    sdg_targets = reader.texts("sdg_targets", max_length=5, allowed=_SDG_TARGET, what="SDG target")
    crs_codes = reader.texts("crs_codes", max_length=5, allowed=_CRS_CODE, what="CRS purpose code")
    if not reader.finish() or code is None or pillar is None:
        return None
    return Theme(code, pillar, names, description, keywords, sdg_targets, crs_codes)


def _parse(document: Any, file: str) -> tuple[tuple[Theme, ...], list[Problem]]:
    """Every theme of a parsed taxonomy document, plus the problems found in it."""
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        return (), [Problem(file, "", "", "expected a mapping with a 'themes' list")]
    top = Fields(document, file=file, record="", problems=problems)
    themes: list[Theme] = []
    first_index: dict[str, int] = {}
    for index, raw in top.mappings("themes", required=True):
        code = raw.get("code")
        record = f"themes[{index}] {code}" if isinstance(code, str) else f"themes[{index}]"
        reader = Fields(raw, file=file, record=record, problems=problems)
        theme = _theme(reader)
        # duplicates are checked on the code as written, even when the entry has other problems
        if isinstance(code, str) and code.strip() in first_index:
            first = first_index[code.strip()]
            reader.problem("code", f"duplicate code, first used in themes[{first}]")
            continue
        if isinstance(code, str):
            first_index[code.strip()] = index
        if theme is not None:
            themes.append(theme)
    top.finish()
    return tuple(themes), problems


@cache
def _load(path: Path) -> tuple[Theme, ...]:
    """Read and check the taxonomy once per path."""
    try:
        document = load_document(path)
    except DocumentError as exc:
        raise ThemeError(f"{path}: {exc}") from exc
    themes, problems = _parse(document, str(path))
    if problems:
        raise ThemeError("invalid taxonomy:\n" + "\n".join(str(p) for p in problems))
    return themes


def load_themes(path: Path | str | None = None) -> list[Theme]:
    """The taxonomy's themes in file order; raises ThemeError listing every problem if broken."""
    return list(_load(Path(path).resolve() if path is not None else DEFAULT_PATH))


def theme_codes(path: Path | str | None = None) -> frozenset[str]:
    """The set of valid theme codes, for checking records that cite themes."""
    return frozenset(theme.code for theme in load_themes(path))
