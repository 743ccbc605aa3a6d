"""Settings: a bad value stops the app at start with the variable's name and what it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker.config import ConfigError, read_settings


def test_whole_numbers_have_their_lower_bounds(tmp_path: Path):
    settings = read_settings({"MATCHMAKER_PAGE_CACHE_SECONDS": "0"}, tmp_path)
    assert settings["PAGE_CACHE_SECONDS"] == 0
    for name, value, bound in (
        ("PAGE_CACHE_SECONDS", "-1", "a whole number of at least 0"),
        ("SESSION_IDLE_MINUTES", "0", "a whole number of at least 1"),
        ("PAGE_CACHE_MEGABYTES", "many", "a whole number"),
    ):
        with pytest.raises(ConfigError, match=f"MATCHMAKER_{name}: expected {bound}"):
            read_settings({f"MATCHMAKER_{name}": value}, tmp_path)
