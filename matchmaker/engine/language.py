"""A tiny language guesser for the five languages Matchmaker reads: en, fr, es, pt, ar."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Function words and the commonest world-of-work words; a word shared by several lists
# (de, la, para) votes for each of them and so decides nothing on its own.
_MARKERS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "the and of to in for with on by from is are be this that which their our we an"
        " as at or it its have has who into workers work",
        "fr": "le la les des du de et en pour avec dans sur par un une au aux est sont ce cette"
        " qui que nos notre leur leurs travail travailleurs emploi ou d l",
        "es": "el la los las del de y en para con por un una al es son este esta que nuestro"
        " nuestra sus trabajo trabajadores empleo o mediante entre",
        "pt": "o a os as do da dos das de e em no na nos nas para com por um uma ao à é são este"
        " esta que nosso nossa seus trabalho trabalhadores emprego ou entre",
    }.items()
}
# Endings typical of one language, for short texts with few function words.
_ENDINGS: dict[str, tuple[str, ...]] = {
    "en": ("ing", "ment", "ship"),
    "fr": ("eau", "eaux", "ité", "ère", "ées"),
    "es": ("ción", "ciones", "dad", "ño", "ña"),
    "pt": ("ção", "ções", "ão", "ões", "dade", "lho"),
}
_WORD = re.compile(r"[^\W\d_]+")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")


def detect_language(text: str) -> str | None:
    """Guess the language of a text from its script and function words, cheaply and offline.

    Parameters
    ----------
    text : str
        Any free text.

    Returns
    -------
    str or None
        "en", "fr", "es", "pt" or "ar", or None when the text gives no clear evidence (blank text,
        or a tie between languages).
    """
    words = _WORD.findall(text.lower())
    if not words:
        return None
    arabic = sum(bool(_ARABIC.match(word)) for word in words)
    if arabic * 2 >= len(words):
        return "ar"
    votes = dict.fromkeys(_MARKERS, 0.0)
    for word in words:
        for language, markers in _MARKERS.items():
            votes[language] += word in markers
            votes[language] += 0.5 * word.endswith(_ENDINGS[language])
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, runner_up) = ranked[0], ranked[1]
    return best if top > runner_up else None


def detect_languages(
    texts: Sequence[str], languages: Sequence[str | None] | None = None
) -> list[str | None]:
    """Complete the given language codes by detection, so callers may pass them or not.

    Parameters
    ----------
    texts : sequence of str
        The texts.
    languages : sequence of str or None, optional
        A known code per text (None where unknown), or None to detect every one.

    Returns
    -------
    list of str or None
        One lower-case primary code ("pt-BR" becomes "pt"), or None when undecided, per text.
    """
    if languages is None:
        return [detect_language(text) for text in texts]
    if len(languages) != len(texts):
        raise ValueError(f"{len(languages)} language codes for {len(texts)} texts")
    return [
        code.split("-")[0].lower() if code else detect_language(text)
        for text, code in zip(texts, languages, strict=True)
    ]
