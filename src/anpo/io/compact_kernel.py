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
    missing rows get index 0."""
    n = len(codes)
    seen = np.zeros(size, dtype=np.bool_)
    for i in range(n):
        if not missing[i]:
            seen[codes[i]] = True
    remap = np.zeros(size, dtype=np.int16)
    used = np.empty(size, dtype=np.int32)
    k = 0
    for c in range(size):
        if seen[c]:
            remap[c] = k
            used[k] = c
            k += 1
    out = np.zeros(n, dtype=np.int16)
    for i in range(n):
        if not missing[i]:
            out[i] = remap[codes[i]]
    return out, used[:k]
