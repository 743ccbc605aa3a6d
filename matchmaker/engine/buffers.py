"""Arrays that grow by rows in place, so that adding an offer to a large index costs what the
offer costs, not what the index costs."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

GROWTH = 1.5  # below 2, so that SciPy keeps views of the buffers instead of copying them
HEADROOM = 1.25  # room for a quarter more rows after a full fit before the first regrowth


class GrowingArray:
    """A numpy array extended along its first axis, amortised O(1) per appended row.

    ``array`` is a view of the filled part: read it again after ``append``, which may move
    the buffer. Writing into the view (to mark a row dead, say) writes into the buffer.
    """

    def __init__(self, initial: np.ndarray, headroom: float = HEADROOM, expected: int = 0) -> None:
        initial = np.asarray(initial)
        self._size = len(initial)
        # room for the `expected` rows a caller is about to append, so they are not regrown
        capacity = max(int(max(self._size, expected) * headroom), self._size + 16)
        self._buffer = np.empty((capacity, *initial.shape[1:]), dtype=initial.dtype)
        self._buffer[: self._size] = initial

    def __len__(self) -> int:
        return self._size

    @property
    def array(self) -> np.ndarray:
        return self._buffer[: self._size]

    def append(self, rows: np.ndarray) -> None:
        """Add rows at the end; they are cast to the array's type and trailing shape."""
        self.extend(len(rows))[...] = rows

    def extend(self, count: int) -> np.ndarray:
        """Add `count` rows at the end, returned as a view to fill in (their values are not set)."""
        end = self._size + count
        if end > len(self._buffer):
            capacity = max(int(end * HEADROOM), int(len(self._buffer) * GROWTH))
            grown = np.empty((capacity, *self._buffer.shape[1:]), dtype=self._buffer.dtype)
            grown[: self._size] = self.array
            self._buffer = grown
        start, self._size = self._size, end
        return self._buffer[start:end]


class GrowingRows:
    """A CSR matrix (rows: documents) extended by rows without copying the rows it holds.

    Parameters
    ----------
    matrix : sparse matrix
        The first rows; the column count is fixed from then on.
    expected : tuple of (int, int), optional
        The rows and stored values the matrix will hold once the caller has appended what it
        is about to, reserved now so that filling a matrix chunk by chunk never regrows it.
    """

    def __init__(
        self, matrix: sp.spmatrix | sp.sparray, expected: tuple[int, int] = (0, 0)
    ) -> None:
        matrix = matrix.tocsr()
        rows, stored = expected
        self._kind = type(matrix)
        self._columns = matrix.shape[1]
        self._data = GrowingArray(matrix.data, expected=stored)
        self._indices = GrowingArray(matrix.indices, expected=stored)
        self._indptr = GrowingArray(matrix.indptr.astype(matrix.indices.dtype), expected=rows + 1)

    @property
    def matrix(self) -> sp.csr_matrix:
        """The rows held, as a CSR matrix sharing the buffers (built in constant time)."""
        return self._kind(
            (self._data.array, self._indices.array, self._indptr.array),
            shape=(len(self._indptr) - 1, self._columns),
        )

    def append(self, rows: sp.spmatrix | sp.sparray) -> None:
        """Add the rows of a matrix with the same columns."""
        rows = rows.tocsr()
        if rows.shape[1] != self._columns:
            raise ValueError(f"{rows.shape[1]} columns, expected {self._columns}")
        start = len(self._data)
        if start + rows.nnz > np.iinfo(self._indices.array.dtype).max:
            raise OverflowError("too many stored values for the index type: refit the index")
        self._data.append(rows.data)
        self._indices.append(rows.indices)
        self._indptr.append(rows.indptr[1:] + start)
