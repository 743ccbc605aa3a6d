"""scikit-learn's word and char_wb analyzers, re-written in plain Python for the settings the
lexical index uses, so that reading a query never imports scikit-learn (seconds at start-up).

Each analyzer reproduces ``TfidfVectorizer(...).build_analyzer()`` token for token (after
scikit-learn 1.9's ``sklearn/feature_extraction/text.py``, BSD-3-Clause): lower case, accents
stripped by Unicode decomposition, then word n-grams of ``\\b\\w\\w+\\b`` tokens or character
n-grams inside space-padded words. ``tests/engine/test_analyzers.py`` compares them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WORD_PATTERN = r"(?u)\b\w\w+\b"  # scikit-learn's default
_TOKEN = re.compile(WORD_PATTERN)
_WHITE_SPACES = re.compile(r"\s\s+")


def strip_accents(text: str) -> str:
    """Drop the combining marks that NFKD splits off letters, as ``strip_accents_unicode``."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class WordNgrams:
    """Word n-grams of a text, lower-cased and without accents.

    Parameters
    ----------
    ngram_range : tuple of (int, int)
        The shortest and longest n-grams, in words.
    """

    ngram_range: tuple[int, int]

    def __call__(self, text: str) -> list[str]:
        words = _TOKEN.findall(strip_accents(text.lower()))
        low, high = self.ngram_range
        grams = list(words) if low == 1 else []
        for n in range(max(low, 2), min(high, len(words)) + 1):
            grams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return grams


@dataclass(frozen=True)
class CharWbNgrams:
    """Character n-grams inside the words of a text (padded with a space each side),
    lower-cased and without accents; a word shorter than the shortest n-gram counts once.

    Parameters
    ----------
    ngram_range : tuple of (int, int)
        The shortest and longest n-grams, in characters.
    """

    ngram_range: tuple[int, int]

    def __call__(self, text: str) -> list[str]:
        low, high = self.ngram_range
        grams: list[str] = []
        for word in _WHITE_SPACES.sub(" ", strip_accents(text.lower())).split():
            padded = f" {word} "
            for n in range(low, high + 1):
                if len(padded) <= n:  # the whole padded word, once, for this and longer n
                    grams.append(padded)
                    break
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return grams
