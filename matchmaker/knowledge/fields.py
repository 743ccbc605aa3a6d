"""Field-by-field checking of one parsed record, collecting every problem, not just the first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

Allowed = Collection[str] | re.Pattern[str] | None

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, located precisely enough for a reviewer to fix it."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return ": ".join(
            part for part in (self.file, self.record, self.field, self.message) if part
        )


def _kind(value: Any) -> str:
    """Name a parsed value's type the way a YAML author thinks of it."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    return f"text ({value!r})" if isinstance(value, str) else type(value).__name__


def _unknown(what: str, value: str, choices: Collection[str]) -> str:
    """Say a value is not allowed, with the likely intended one or the short list of choices."""
    guesses = [v for v in (value.lower(), value.upper()) if v in choices]
    guesses = guesses or difflib.get_close_matches(value, [str(c) for c in choices], n=1)
    if guesses:
        return f"unknown {what} {value!r}; did you mean {guesses[0]!r}?"
    if len(choices) <= 12:
        return f"unknown {what} {value!r}; expected one of: {', '.join(choices)}"
    return f"unknown {what} {value!r}"


class Fields:
    """Reader over one mapping that checks each field it is asked for and remembers which it read,
    so that anything left over (usually a typo) is reported as an unknown field."""

    def __init__(
        self,
        raw: Mapping[Any, Any],
        *,
        file: str,
        record: str,
        problems: list[Problem],
        prefix: str = "",
        parent: Fields | None = None,
    ) -> None:
        self._raw = raw
        self._file = file
        self._record = record
        self._problems = problems
        self._prefix = prefix
        self._parent = parent
        self._seen: set[str] = set()
        self._count = 0

    @property
    def ok(self) -> bool:
        """Whether no problem was found in this mapping or in the mappings nested in it."""
        return self._count == 0

    def problem(self, field: str, message: str) -> None:
        """Record a problem on a field of this mapping (and mark every enclosing mapping not ok)."""
        self._problems.append(Problem(self._file, self._record, self._prefix + field, message))
        reader: Fields | None = self
        while reader is not None:
            reader._count += 1
            reader = reader._parent

    def _get(self, field: str, required: bool) -> Any:
        """The raw value of a field, reporting it when required but absent or null."""
        self._seen.add(field)
        value = self._raw.get(field)
        if value is None and required:
            self.problem(
                field,
                "required field is empty" if field in self._raw else "required field is missing",
            )
        return value

    def _item(
        self, field: str, value: Any, allowed: Allowed, what: str, max_length: int
    ) -> str | None:
        """Check one text value: type, non-empty, length, then membership or format."""
        if not isinstance(value, str):
            self.problem(field, f"expected {what}, got {_kind(value)}")
            return None
        value = value.strip()
        if not value:
            self.problem(field, "must not be empty")
        elif len(value) > max_length:
            self.problem(field, f"too long: {len(value)} characters, at most {max_length}")
        elif isinstance(allowed, re.Pattern):
            if allowed.fullmatch(value):
                return value
            self.problem(field, f"{value!r} is not a valid {what}")
        elif allowed is not None and value not in allowed:
            self.problem(field, _unknown(what, value, allowed))
        else:
            return value
        return None

    def text(
        self,
        field: str,
        *,
        max_length: int,
        allowed: Allowed = None,
        what: str = "text",
        required: bool = True,
    ) -> str | None:
        """A single text value, optionally restricted to a code list or a pattern."""
        value = self._get(field, required)
        return None if value is None else self._item(field, value, allowed, what, max_length)

    def texts(
        self,
        field: str,
        *,
        max_length: int,
        allowed: Allowed = None,
        what: str = "text",
        required: bool = True,
    ) -> tuple[str, ...]:
        """A list of distinct text values; required means at least one."""
        value = self._get(field, required)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(field, f"expected a list of {what}, got {_kind(value)}")
            return ()
        if not value and required:
            self.problem(field, f"must list at least one {what}")
        result: list[str] = []
        for index, raw in enumerate(value):
            item = self._item(f"{field}[{index}]", raw, allowed, what, max_length)
            if item is not None and item.casefold() in (r.casefold() for r in result):
                self.problem(f"{field}[{index}]", f"{item!r} is listed twice")
            elif item is not None:
                result.append(item)
        return tuple(result)

    def integer(self, field: str, low: int, high: int, *, required: bool = True) -> int | None:
        """A whole number within bounds (booleans and decimals refused)."""
        value = self._get(field, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(field, f"expected a whole number, got {_kind(value)}")
        elif not low <= value <= high:
            self.problem(field, f"{value} is out of range {low}..{high}")
        else:
            return value
        return None

    def date(self, field: str, *, required: bool = True) -> date | None:
        """An ISO calendar date written YYYY-MM-DD."""
        value = self._get(field, required)
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
            self.problem(field, f"expected a date as YYYY-MM-DD, got {_kind(value)}")
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            self.problem(field, f"{value!r} is not a valid calendar date")
            return None

    def url(self, field: str, *, max_length: int = 2000, required: bool = True) -> str | None:
        """A web address a reviewer can open: http(s), a host with a dot, no spaces."""
        value = self.text(field, max_length=max_length, what="web address", required=required)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unclosed [ in the host
            parts = urlsplit("")
        spaced = any(char.isspace() for char in value)
        if parts.scheme not in ("http", "https") or "." not in parts.netloc or spaced:
            self.problem(field, f"{value!r} is not a web address (https://...)")
            return None
        return value

    def child(self, raw: Mapping[Any, Any], label: str) -> Fields:
        """A reader for a mapping nested in this record, whose problems count against it."""
        return Fields(
            raw,
            file=self._file,
            record=self._record,
            problems=self._problems,
            prefix=f"{self._prefix}{label}.",
            parent=self,
        )

    def nested(self, field: str, *, required: bool = True) -> Fields | None:
        """A reader for the mapping held by a field."""
        value = self._get(field, required)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.problem(field, f"expected a mapping, got {_kind(value)}")
            return None
        return self.child(value, field)

    def mappings(
        self, field: str, *, required: bool = False
    ) -> list[tuple[int, Mapping[Any, Any]]]:
        """The (index, mapping) entries of a list of mappings; other entries are reported."""
        value = self._get(field, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(field, f"expected a list, got {_kind(value)}")
            return []
        if not value and required:
            self.problem(field, "must list at least one entry")
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                self.problem(f"{field}[{index}]", f"expected a mapping, got {_kind(item)}")
        return [(index, item) for index, item in enumerate(value) if isinstance(item, Mapping)]

    def finish(self) -> bool:
        """Report fields never asked for (typos, misplaced keys); True when the mapping is clean."""
        for key in self._raw:
            if str(key) not in self._seen:
                guess = difflib.get_close_matches(str(key), sorted(self._seen), n=1)
                hint = f"; did you mean {guess[0]!r}?" if guess else ""
                self.problem(str(key), f"unknown field{hint}")
        return self.ok
