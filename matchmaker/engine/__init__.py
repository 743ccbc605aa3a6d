"""The matching engine: pure numpy, SciPy and scikit-learn, free of Flask and the database.

scikit-learn takes seconds to import, so only fitting imports it: a fitted index holds numpy
and SciPy arrays and plain Python (``tfidf``, ``analyzers``), and loading a saved one or
ranking with it never imports scikit-learn. Names are imported on first use for the same
reason.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "DEFAULT_WEIGHTS": "ranker",
    "Matcher": "ranker",
    "Ranking": "ranker",
    "TextRelevance": "text",
    "ThemeSpec": "records",
    "ThemeTagger": "themes",
    "text_scores": "aggregation",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
