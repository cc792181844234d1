"""Arrow arrays straight from numpy code columns, with no per-value Python or Arrow conversion.

Bitmaps (validity, booleans) are packed with `np.packbits` and handed to Arrow as buffers;
dictionary columns take their int16 indices as a buffer. A code column whose table is large
(every country, every unit) is compacted first to the codes a chunk uses, in code order
(`compact_codes`; compiled for large chunks, see `anpo.core.compiled`), so the dictionary
written with each row group holds only those values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from anpo.core.compiled import use_compiled

Mask = npt.NDArray[np.bool_]


def _bitmap(bits: Mask) -> pa.Buffer:
    return pa.py_buffer(np.packbits(bits, bitorder="little"))


def _validity(missing: Mask | None) -> tuple[pa.Buffer | None, int]:
    """(validity bitmap or None when nothing is missing, null count)."""
    if missing is None:
        return None, 0
    nulls = int(np.count_nonzero(missing))
    if nulls == 0:
        return None, 0
    return _bitmap(~missing), nulls


def bool_array(values: npt.NDArray[Any], missing: Mask | None = None) -> pa.Array:
    """A boolean array of `values != 0`, null where `missing`."""
    bits = values if values.dtype == np.bool_ else values != 0
    validity, nulls = _validity(missing)
    return pa.Array.from_buffers(pa.bool_(), len(bits), [validity, _bitmap(bits)], null_count=nulls)


def dictionary_array(indices: npt.NDArray[np.int16], missing: Mask | None, dictionary: pa.Array
                     ) -> pa.DictionaryArray:
    """A dictionary<int16, string> array; `indices` must be valid wherever not `missing`."""
    validity, nulls = _validity(missing)
    idx = pa.Array.from_buffers(pa.int16(), len(indices), [validity, pa.py_buffer(indices)],
                                null_count=nulls)
    return pa.DictionaryArray.from_arrays(idx, dictionary, safe=False)


def coded_array(codes: npt.NDArray[Any], missing: Mask | None, dictionary: pa.Array) -> pa.DictionaryArray:
    """A dictionary array of codes into a (small) dictionary, null where `missing`."""
    indices = codes.astype(np.int16, copy=False)
    if missing is not None and missing.any():
        indices = np.where(missing, np.int16(0), indices)  # defined values under the nulls
    return dictionary_array(np.ascontiguousarray(indices), missing, dictionary)


def compact_array(codes: npt.NDArray[Any], missing: Mask, dictionary: pa.Array) -> pa.DictionaryArray:
    """A dictionary array whose dictionary holds only the values used in this chunk."""
    compact = _compiled_compact() if use_compiled(len(codes)) else compact_codes
    indices, used = compact(np.ascontiguousarray(codes), missing, len(dictionary))
    return dictionary_array(indices, missing, dictionary.take(pa.array(used)))


def compact_codes(codes: npt.NDArray[Any], missing: Mask, size: int
                  ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int32]]:
    """(index of each row's code among the used codes, the used codes in ascending order);
    missing rows get index 0. The numpy form of `compact_kernel.compact_codes`."""
    safe = np.where(missing, 0, codes).astype(np.intp)
    used = np.flatnonzero(np.bincount(safe[~missing], minlength=size)).astype(np.int32)
    remap = np.zeros(size, dtype=np.int16)
    remap[used] = np.arange(len(used), dtype=np.int16)
    return remap[safe], used


def _compiled_compact() -> Any:
    from anpo.io import compact_kernel  # imports numba: only when a large chunk needs it

    return compact_kernel.compact_codes
