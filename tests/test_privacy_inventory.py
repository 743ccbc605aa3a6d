"""The inventory of personal data stays true to the models (matchmaker/privacy.py)."""

from __future__ import annotations

import re

from matchmaker.privacy import NOT_PERSONAL, PERSONAL_DATA
from models import Base

LOOKS_PERSONAL = re.compile(
    r"e_?mail|name|phone|contact|address|(^|_)ip(_|$)|person|actor|author|recipient|user"
    r"|_by_id$|login|password|session|token|evidence|birth|gender|passport|nationality"
)


def _columns() -> set[str]:
    return {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}


def test_every_column_that_looks_personal_is_in_the_inventory():
    unlisted = {
        column
        for column in _columns()
        if LOOKS_PERSONAL.search(column.split(".", 1)[1])
        and column not in PERSONAL_DATA
        and column not in NOT_PERSONAL
    }
    assert unlisted == set(), (
        f"list these in matchmaker/privacy.py (PERSONAL_DATA or NOT_PERSONAL): {sorted(unlisted)}"
    )


def test_every_listed_column_exists():
    assert set(PERSONAL_DATA) - _columns() == set()
    assert set(NOT_PERSONAL) - _columns() == set()


def test_nothing_is_both_personal_and_not():
    assert set(PERSONAL_DATA) & set(NOT_PERSONAL) == set()


def test_every_entry_says_why_who_and_how_long():
    for column, field in PERSONAL_DATA.items():
        assert field.purpose and field.visibility and field.retention, column
