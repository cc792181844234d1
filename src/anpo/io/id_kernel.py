"""Compiled (numba, nogil) set of id hashes for `anpo.io.repeated_ids`: one pass over an
Arrow string array's buffers, no Python string made for a row.

The set is 256 open-addressing tables, one for each value of a hash's top byte. A chunk's
hashes are first sorted by that byte (a counting sort, stable: rows keep their order), then
put in one table after another: each table is a few hundred KB and stays in the CPU's
cache while its rows go in, where one table of 130 MB would miss the cache on every row."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
PARTS = 256  # tables, by the hash's top byte


@numba.njit(cache=True, nogil=True, inline="always")
def _hash(data: npt.NDArray[np.uint8], start: int, stop: int) -> np.uint64:
    """FNV-1a over the bytes, then splitmix64's finalizer (all bits depend on every byte)."""
    h = FNV_OFFSET
    for k in range(start, stop):
        h = (h ^ np.uint64(data[k])) * FNV_PRIME
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    h = h ^ (h >> np.uint64(31))
    return h if h != 0 else np.uint64(1)  # 0 marks an empty slot


@numba.njit(cache=True, nogil=True, inline="always")
def _put(table: npt.NDArray[np.uint64], h: np.uint64, mask: np.uint64) -> bool:
    """Put `h` in one table; True when it was there already."""
    j = h & mask
    while True:
        v = table[j]
        if v == 0:
            table[j] = h
            return False
        if v == h:
            return True
        j = (j + np.uint64(1)) & mask


@numba.njit(cache=True, nogil=True)
def partition(offsets: npt.NDArray[np.int32], data: npt.NDArray[np.uint8], valid: npt.NDArray[np.bool_]
              ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each valid row's id hash, and the valid rows sorted (stably) by table: (hashes,
    where each table's rows start in `order` (PARTS + 1), order)."""
    n = len(valid)
    top = np.uint64(56)
    hashes = np.zeros(n, dtype=np.uint64)
    starts = np.zeros(PARTS + 1, dtype=np.int64)
    for i in range(n):
        if valid[i]:
            h = _hash(data, offsets[i], offsets[i + 1])
            hashes[i] = h
            starts[np.int64(h >> top) + 1] += 1
    for p in range(PARTS):
        starts[p + 1] += starts[p]
    order = np.empty(starts[PARTS], dtype=np.int64)
    fill = starts[:PARTS].copy()
    for i in range(n):
        if valid[i]:
            part = np.int64(hashes[i] >> top)
            order[fill[part]] = i
            fill[part] += 1
    return hashes, starts, order


@numba.njit(cache=True, nogil=True)
def insert(tables: npt.NDArray[np.uint64], hashes: npt.NDArray[np.uint64], starts: npt.NDArray[np.int64],
           order: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Put the hashes in their tables (which have room for them), table by table; (the rows
    whose hash was there already, in row order; hashes added to each table)."""
    mask = np.uint64(tables.shape[1] - 1)
    repeated = np.zeros(len(hashes), dtype=np.bool_)
    added = np.zeros(PARTS, dtype=np.int64)
    for p in range(PARTS):
        table = tables[p]
        for k in range(starts[p], starts[p + 1]):
            i = order[k]
            if _put(table, hashes[i], mask):
                repeated[i] = True
            else:
                added[p] += 1
    return np.flatnonzero(repeated), added


@numba.njit(cache=True, nogil=True)
def regrow(tables: npt.NDArray[np.uint64], size: int) -> npt.NDArray[np.uint64]:
    """The same hashes in tables of `size` slots each (a power of two)."""
    out = np.zeros((tables.shape[0], size), dtype=np.uint64)
    mask = np.uint64(size - 1)
    for p in range(tables.shape[0]):
        for v in tables[p]:
            if v != 0:
                _put(out[p], v, mask)
    return out
