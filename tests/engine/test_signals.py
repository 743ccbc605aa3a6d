"""The vectorised context signals, case by case."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.engine import signals

# theme columns: child_labour, forced_labour, labour_inspection, pensions, unemployment_insurance
# pillar columns: rights, social_dialogue, social_protection
THEMES = np.array(
    [
        [1, 0, 1, 1, 0],  # offer 0: child labour, inspection, pensions
        [1, 0, 0, 0, 0],  # offer 1: child labour
        [0, 1, 0, 0, 0],  # offer 2: forced labour (same pillar as child labour)
        [1, 0, 0, 0, 1],  # offer 3: child labour, unemployment insurance
        [0, 0, 0, 1, 0],  # offer 4: pensions
    ],
    dtype=bool,
)
PILLARS = np.array([[1, 1, 1], [1, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]], dtype=bool)


def test_theme_coverage_exact_partial_pillar_and_none():
    child_and_inspection = signals.themes([0, 2], [0, 1], THEMES, PILLARS)
    assert child_and_inspection[0] == 1.0
    assert child_and_inspection[1] == pytest.approx(0.5)
    child_and_pensions = signals.themes([0, 3], [0, 2], THEMES, PILLARS)
    assert child_and_pensions[3] == pytest.approx((1.0 + 0.3) / 2)  # pensions: pillar only
    child = signals.themes([0], [0], THEMES, PILLARS)
    assert child[2] == pytest.approx(0.3) and child[4] == 0.0


def test_a_need_without_themes_scores_zero_everywhere():
    assert not signals.themes([], [], THEMES, PILLARS).any()


def test_geography_context_and_language_scales():
    geography = signals.geography(
        "Eastern Africa",
        "africa",
        np.array(["Eastern Africa", "Southern Africa", "South America"], dtype=object),
        np.array(["africa", "africa", "americas"], dtype=object),
    )
    assert list(geography) == [1.0, 0.6, 0.25]
    context = signals.context("lower_middle", np.array([1, 2, 3, -1]))
    assert list(np.round(context, 3)) == [1.0, 0.667, 0.333, 0.5]
    assert list(signals.context(None, np.array([0, 3]))) == [0.5, 0.5]
    masks = np.array([0b01, 0b10, 0b11])
    assert list(signals.language(0b01, masks)) == [1.0, 0.3, 1.0]


def test_track_record_is_neutral_without_history_and_rises_with_good_ratings():
    sums, counts = np.zeros((2, 3)), np.zeros((2, 3))
    sums[1, 0], counts[1, 0] = 3 * signals.rating_value(5.0), 3
    track = signals.track_record([0], sums, counts)
    assert track[0] == pytest.approx(0.5)
    assert track[1] == pytest.approx((3 + 1) / 5)
    assert signals.rating_value(None) == signals.UNRATED_EXCHANGE
    assert signals.rating_value(1.0) == 0.0 and signals.rating_value(9) == 1.0
