"""Compiled (numba, nogil) form of `arrow_arrays.compact_codes`: two passes over the rows
instead of numpy's bincount, fancy index and remap (about 10x faster on a chunk)."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def compact_codes(codes: npt.NDArray[Any], missing: Mask, size: int
                  ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int32]]:
    """(index of each row's code among the used codes, the used codes in ascending order);
    missing rows get index 0.

    Without branches on `missing` (a chunk's missing rows are scattered, so a branch on
    them is mispredicted often): a missing row reads and writes the extra slot `size` of
    the tables, whose entry is never used."""
    n = len(codes)
    seen = np.zeros(size + 1, dtype=np.bool_)
    for i in range(n):
        seen[_slot(codes[i], missing[i], size)] = True
    remap = np.zeros(size + 1, dtype=np.int16)
    used = np.empty(size, dtype=np.int32)
    k = 0
    for c in range(size):
        if seen[c]:
            remap[c] = k
            used[k] = c
            k += 1
    out = np.empty(n, dtype=np.int16)
    for i in range(n):
        out[i] = remap[_slot(codes[i], missing[i], size)]
    return out, used[:k]


@numba.njit(inline="always")
def _slot(code: Any, missing: bool, size: int) -> Any:
    """`size` if `missing` else `code`, by arithmetic (LLVM turns a conditional here back
    into a branch). Unsigned, so that numba adds no fix-up of negative indices to each
    access (about 0.5 ns a row of the 1.3), and at most `size`: a code out of range (never
    given) reads and writes the missing rows' slot rather than past the tables."""
    c = np.intp(code)
    return min(np.uintp(c + (size - c) * np.intp(missing)), np.uintp(size))


@numba.njit(cache=True, nogil=True)
def text_codes(indices: npt.NDArray[np.int32], valid: npt.NDArray[np.uint8], offset: int,
               table: npt.NDArray[Any], msg: npt.NDArray[np.int32], codes: npt.NDArray[Any],
               flags: npt.NDArray[np.int32]) -> None:
    """A text column's codes from its dictionary indices, in one pass (`scenario_columns.
    _text_codes`): codes[i] = table[indices[i]], and flags[i] = msg[indices[i]] when `flags`
    is not empty; a null row (bit offset + i of the validity bitmap `valid` clear; an empty
    `valid`: no nulls) takes the last entry of `table` and `msg` (the missing code, no
    message). numpy's `take` first widened the int32 indices to intp, and the nulls took a
    select of their own. By arithmetic on the bit, not a branch (nulls are scattered); an
    index out of range (never given: Arrow checks dictionary indices) also takes the last
    entry, where `take` raised."""
    n = len(indices)
    last = np.uintp(len(table) - 1)
    with_flags = len(flags) != 0
    if len(valid) == 0:
        for i in range(n):
            k = min(np.uintp(np.intp(indices[i])), last)
            codes[i] = table[k]
            if with_flags:
                flags[i] = msg[k]
        return
    for i in range(n):
        j = np.uintp(offset + i)
        bit = np.intp((valid[j >> np.uintp(3)] >> (j & np.uintp(7))) & 1)
        k = min(np.uintp(np.intp(last) + (np.intp(indices[i]) - np.intp(last)) * bit), last)
        codes[i] = table[k]
        if with_flags:
            flags[i] = msg[k]
