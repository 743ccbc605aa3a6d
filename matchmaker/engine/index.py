"""The mapping between outside ids (offers, providers, codes) and array rows, kept apart from
the algorithms that use the rows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


class RowIndex(Generic[Key]):
    """Ids in a fixed order and each id's row; ids must be unique.

    Rows only grow: ``add`` appends, and ``discard`` forgets an id while its row stays taken
    (the arrays indexed by the rows keep it, marked dead, until they are rebuilt), so that
    every other row keeps its number. ``ids[row]`` still names a discarded row.
    """

    def __init__(self, ids: Sequence[Key]) -> None:
        self.ids = list(ids)
        self.positions = {identifier: row for row, identifier in enumerate(self.ids)}
        if len(self.positions) != len(self.ids):
            raise ValueError("duplicate ids")

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self.positions

    def row(self, identifier: Key) -> int:
        return self.positions[identifier]

    def position(self, identifier: Key) -> int:
        """The row of an id, or -1 when it is not indexed (matches no row)."""
        return self.positions.get(identifier, -1)

    def add(self, identifier: Key) -> int:
        """The row of an id, appended when new: also a codebook of distinct values."""
        row = self.positions.get(identifier)
        if row is None:
            row = self.positions[identifier] = len(self.ids)
            self.ids.append(identifier)
        return row

    def discard(self, identifier: Key) -> int:
        """Forget an id and return its row, which no later id will take."""
        return self.positions.pop(identifier)
