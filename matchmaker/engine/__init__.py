"""The matching engine: pure numpy, SciPy and scikit-learn, free of Flask and the database."""

from matchmaker.engine.aggregation import text_scores
from matchmaker.engine.ranker import DEFAULT_WEIGHTS, Matcher, Ranking
from matchmaker.engine.text import TextRelevance
from matchmaker.engine.themes import ThemeSpec, ThemeTagger

__all__ = [
    "DEFAULT_WEIGHTS",
    "Matcher",
    "Ranking",
    "TextRelevance",
    "ThemeSpec",
    "ThemeTagger",
    "text_scores",
]
