"""The mapping between outside ids (offers, providers, codes) and array rows, kept apart from
the algorithms that use the rows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence


class RowIndex:
    """Ids in a fixed order and each id's row; ids must be unique."""

    def __init__(self, ids: Sequence[Hashable]) -> None:
        self.ids = list(ids)
        self.positions = {identifier: row for row, identifier in enumerate(self.ids)}
        if len(self.positions) != len(self.ids):
            raise ValueError("duplicate ids")

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, identifier: object) -> bool:
        return identifier in self.positions

    def row(self, identifier: Hashable) -> int:
        return self.positions[identifier]

    def position(self, identifier: Hashable) -> int:
        """The row of an id, or -1 when it is not indexed (matches no row)."""
        return self.positions.get(identifier, -1)
