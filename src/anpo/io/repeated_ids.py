"""Ids given to more than one row of a streamed table (`anpo assess --batch`).

The table is never held whole, so each chunk's ids are added to a set of 64-bit hashes of
the ids seen so far (8 bytes a distinct id in a table at most 70 % full: about 130 MB for
10 million rows), and a row whose id hashes to one seen before repeats an earlier row's
id. Two different ids share a hash with a chance of about rows^2 / 2^65 (3 in a million for
10 million rows): then a row would be named as a repeat that is not one. Rows without an
id are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from anpo.io.output import escape_controls

SHOWN = 5  # repeats named in the warning
MAX_LOAD = 0.7


@dataclass
class RepeatedIds:
    """The repeats found so far: how many rows, and the first few (id, row)."""

    count: int = 0
    first: list[tuple[str, int]] = field(default_factory=list)
    _tables: np.ndarray | None = field(default=None, repr=False)
    _used: np.ndarray = field(default_factory=lambda: np.zeros(256, dtype=np.int64), repr=False)

    def add(self, ids: pa.Array, first_row: int) -> list[tuple[str, int]]:
        """Add one chunk's ids (a string array; row 0 is `first_row` of the table); the
        chunk's repeats (id, row), at most SHOWN of them, are returned."""
        from anpo.core.ahead_of_time import compiled_module  # numba only without the extension

        kernels = compiled_module("anpo.io.id_kernel")
        insert, partition, regrow = kernels.insert, kernels.partition, kernels.regrow

        n = len(ids)
        if n == 0 or ids.null_count == n:
            return []
        if ids.type != pa.string():
            ids = ids.cast(pa.string())
        _, offsets_buf, data_buf = ids.buffers()
        offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1, offset=ids.offset * 4)
        data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(1, np.uint8)
        valid = (np.ones(n, dtype=np.bool_) if ids.null_count == 0
                 else ids.is_valid().to_numpy(zero_copy_only=False))
        hashes, starts, order = partition(offsets, data, valid)
        most = int((self._used + np.diff(starts)).max())  # if every hash of the chunk is new
        size = 64 if self._tables is None else self._tables.shape[1]
        while most > MAX_LOAD * size:
            size *= 2
        if self._tables is None:
            self._tables = np.zeros((kernels.PARTS, size), dtype=np.uint64)
        elif size != self._tables.shape[1]:
            self._tables = regrow(self._tables, size)
        repeats, added = insert(self._tables, hashes, starts, order)
        self._used += added
        self.count += len(repeats)
        found = [(str(ids[int(i)].as_py()), first_row + int(i)) for i in repeats[:SHOWN]]
        self.first.extend(found[:SHOWN - len(self.first)])
        return found

    def text(self) -> str | None:
        """The warning (None when no id repeats)."""
        if not self.count:
            return None
        shown = ", ".join(f"{escape_controls(repr(k))} at row {row}" for k, row in self.first)
        rows = "1 row repeats" if self.count == 1 else f"{self.count:,} rows repeat"
        return f"ids given more than once: {rows} an earlier row's id (first: {shown})"
