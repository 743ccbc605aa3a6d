"""Themes of the world of work: found in free text by their phrases, compared need to offer."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache

from matchmaker.engine.records import ThemeSpec

_WORD = re.compile(r"[^\W_]+")
_ACCENTS = re.compile(r"[\u0300-\u036f]")  # the combining marks NFKD splits off Latin letters
_LETTERS = str.maketrans({"\u02bc": " ", "œ": "oe", "æ": "ae"})
_SPELLINGS = {"labor": "labour", "program": "programme", "center": "centre"}
_AMERICAN_Z = re.compile(r"(?<=\w{3})iz(?=(?:e|ed|er|ing|ation)$)")
_NUMBER_SIGNS = frozenset({"n", "no", "o", "num", "nr"})


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """One spelling per word, so that plurals and American spellings find the taxonomy's."""
    if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _AMERICAN_Z.sub("is", _SPELLINGS.get(word, word))


def _tokens(text: str) -> list[str]:
    """The words of a text, compared without case, accents, apostrophes, hyphens or "No."."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    bare = _ACCENTS.sub("", decomposed)
    words: list[str] = []
    for word in _WORD.findall(bare):
        if word[0].isdigit():
            while words and words[-1] in _NUMBER_SIGNS:
                words.pop()
        words.append(_fold(word))
    return words


class NotFittedError(ValueError, AttributeError):
    """A tagger used before ``fit``: scikit-learn's exception of that name, without importing
    scikit-learn (seconds) into every process that loads a saved index."""


def _phrases(spec: ThemeSpec) -> Iterator[str]:
    """A theme's keywords, then its names; a lone string would be read as letters."""
    for phrases in spec.keywords.values():
        if isinstance(phrases, str):
            raise TypeError(f"keywords of {spec.code!r} must be lists of phrases")
        yield from phrases
    yield from spec.names.values()


class ThemeTagger:
    """Find the themes of a free text in English, French, Spanish or Portuguese by their phrases.

    It follows scikit-learn's conventions (parameters set in ``__init__``, ``fit`` returning
    the tagger, learnt attributes ending in ``_``) without deriving from its ``BaseEstimator``,
    so that unpickling a tagger does not import scikit-learn.

    Text and phrases are reduced to words the same way: case folded, accents stripped (NFKD),
    apostrophes, hyphens and other punctuation read as spaces, a final plural ``s`` dropped,
    American spellings (``labor``, ``-ize``) read as British, and a number sign (No., nº, n°,
    núm.) before a number ignored. A phrase matches a run of whole words, so "apprentis" is
    not found in "apprentissage", and every language's phrases are looked up at once, so a
    text needs no language detection. A phrase found inside a longer one ("travail
    domestique" inside "travail domestique des enfants") is ignored: the longer one says more.

    A phrase of ``n`` words weighs ``1 - 0.5 ** n`` (0.5, 0.75, 0.875, ...), divided by the
    number of themes that list it; a theme's confidence is ``1 - exp(-sum)`` over its distinct
    phrases found, so one single-word phrase gives 0.39, one two-word phrase 0.53, and
    further evidence saturates towards 1.

    Parameters
    ----------
    min_score : float, default=0.3
        Confidence below which a theme is not reported; the default keeps a single unshared
        word and drops a single word shared by two themes (0.22).
    max_themes : int, default=4
        The most themes reported for one text.

    Attributes
    ----------
    codes_ : list of str
        The theme codes, in the order of the specs.
    phrases_ : dict of tuple of str to tuple of (int, str, float)
        For each phrase as words: the themes (index into ``codes_``) that list it, the
        phrase as first written for that theme, and its weight.
    lengths_ : dict of str to tuple of int
        For each first word of a phrase, the lengths of the phrases it starts, ascending.
    """

    def __init__(self, min_score: float = 0.3, max_themes: int = 4) -> None:
        self.min_score = min_score
        self.max_themes = max_themes

    def fit(self, specs: Sequence[ThemeSpec]) -> ThemeTagger:
        """Index every phrase of the taxonomy once, so that inferring is a dictionary lookup.

        Parameters
        ----------
        specs : list of ThemeSpec
            The taxonomy; codes must be unique.

        Returns
        -------
        ThemeTagger
            The fitted tagger.
        """
        if not 0.0 <= self.min_score < 1.0:
            raise ValueError(f"min_score must be in [0, 1), got {self.min_score}")
        if self.max_themes < 1:
            raise ValueError(f"max_themes must be at least 1, got {self.max_themes}")
        codes = [spec.code for spec in specs]
        if not codes:
            raise ValueError("specs is empty")
        if len(set(codes)) != len(codes):
            raise ValueError("theme codes must be unique")
        found: dict[tuple[str, ...], dict[int, str]] = {}
        for index, spec in enumerate(specs):
            for phrase in _phrases(spec):
                key = tuple(_tokens(phrase))
                if key:
                    found.setdefault(key, {}).setdefault(index, phrase)
        self.codes_ = codes
        self.phrases_ = {
            key: tuple(
                (index, phrase, (1.0 - 0.5 ** len(key)) / len(themes))
                for index, phrase in themes.items()
            )
            for key, themes in found.items()
        }
        lengths: dict[str, set[int]] = {}
        for key in self.phrases_:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths_ = {first: tuple(sorted(sizes)) for first, sizes in lengths.items()}
        return self

    def infer(self, text: str) -> list[tuple[str, float, list[str]]]:
        """The themes of a text, best first, each with its confidence and the phrases found.

        Parameters
        ----------
        text : str
            Free text in English, French, Spanish or Portuguese.

        Returns
        -------
        list of (str, float, list of str)
            Theme code, confidence in [0, 1] and the phrases found (as written in the
            taxonomy, in the order of the text), for at most ``max_themes`` themes whose
            confidence reaches ``min_score``.
        """
        if not hasattr(self, "phrases_"):
            raise NotFittedError("this ThemeTagger is not fitted yet: call fit first")
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        words = _tokens(text)
        spans: list[tuple[int, int]] = []
        for start, word in enumerate(words):
            for length in self.lengths_.get(word, ()):
                if start + length > len(words):
                    break
                if tuple(words[start : start + length]) in self.phrases_:
                    spans.append((start, start + length))
        spans.sort(key=lambda span: (span[0], -span[1]))
        evidence: dict[int, dict[str, float]] = {}
        reach = 0
        for start, end in spans:
            if end <= reach:
                continue
            reach = end
            for index, phrase, weight in self.phrases_[tuple(words[start:end])]:
                evidence.setdefault(index, {})[phrase] = weight
        themes = [
            (self.codes_[index], 1.0 - math.exp(-sum(weights.values())), list(weights))
            for index, weights in evidence.items()
        ]
        themes = [theme for theme in themes if theme[1] >= self.min_score]
        themes.sort(key=lambda theme: -theme[1])
        return themes[: self.max_themes]
