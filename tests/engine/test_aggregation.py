"""The soft maximum: an organisation's best text leads, close seconds add a bounded bonus."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.engine.aggregation import soft_maximum


def test_a_single_text_scores_as_itself_and_an_empty_group_as_zero() -> None:
    scores = np.array([[0.7, 0.2]])
    assert soft_maximum(scores, np.array([0, 2]), 3).tolist() == [[0.7, 0.0, 0.2]]


def test_unrelated_texts_do_not_dilute_a_strong_match() -> None:
    specialist = soft_maximum(np.array([[0.8]]), np.array([0]), 1)[0, 0]
    generalist = soft_maximum(np.array([[0.8] + [0.1] * 20]), np.zeros(21, int), 1)[0, 0]
    assert abs(generalist - specialist) < 1e-6


def test_a_second_good_text_adds_a_bounded_bonus() -> None:
    two = soft_maximum(np.array([[0.6, 0.6]]), np.array([0, 0]), 1, temperature=0.05)[0, 0]
    assert two == pytest.approx(0.6 + 0.05 * np.log(2))
    many = soft_maximum(np.full((1, 50), 0.99), np.zeros(50, int), 1)[0, 0]
    assert many == 1.0


def test_zero_temperature_is_the_plain_maximum() -> None:
    scores = np.array([[0.3, 0.5, 0.9], [0.1, 0.1, 0.0]])
    groups = np.array([1, 1, 0])
    assert soft_maximum(scores, groups, 2, temperature=0.0).tolist() == [[0.9, 0.5], [0.0, 0.1]]


def test_no_rows_or_no_columns_give_an_empty_or_zero_matrix() -> None:
    assert soft_maximum(np.zeros((0, 3)), np.array([0, 0, 1]), 2).shape == (0, 2)
    assert soft_maximum(np.zeros((2, 0)), np.array([], int), 2).tolist() == [[0, 0], [0, 0]]
