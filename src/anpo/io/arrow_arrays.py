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


def numeric_array(values: npt.NDArray[Any], missing: Mask | None = None,
                  type: pa.DataType | None = None) -> pa.Array:
    """A primitive array over a numpy column's buffer (`type`, e.g. date32 over int32 days,
    or the column's own type), null where `missing`.

    Arrays are built from buffers rather than with `pa.array`, whose first call imports
    pandas (about 0.3-0.7 s of a batch process's start) to check for pandas inputs."""
    arr = np.ascontiguousarray(values)
    validity, nulls = _validity(missing)
    return pa.Array.from_buffers(type or pa.from_numpy_dtype(arr.dtype), len(arr),
                                 [validity, pa.py_buffer(arr)], null_count=nulls)


def string_array(values: list[str]) -> pa.Array:
    """A string array of Python strings, from buffers (see `numeric_array`)."""
    data = [v.encode() for v in values]
    offsets = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum([len(b) for b in data], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(data), [None, pa.py_buffer(offsets),
                                                         pa.py_buffer(b"".join(data))])


def to_numpy(arr: pa.Array, fill: float | None = None) -> npt.NDArray[Any]:
    """`arr.to_numpy(zero_copy_only=False)` for boolean and fixed-width numeric arrays, read
    from the buffers (`Array.to_numpy` and `pc.fill_null` with a Python value import pandas
    on first use); nulls become `fill` when given, else NaN in a float array and False in a
    boolean one. Other types, and integers with nulls and no `fill`, go to pyarrow."""
    t = arr.type
    n, off = len(arr), arr.offset
    if pa.types.is_boolean(t):
        if arr.null_count:
            arr = arr.fill_null(False)
        bits = np.frombuffer(arr.buffers()[1], dtype=np.uint8)
        return np.unpackbits(bits, count=off + n, bitorder="little")[off:].astype(bool)
    if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_date32(t)):
        return arr.to_numpy(zero_copy_only=False)
    dtype = np.dtype(np.int32) if pa.types.is_date32(t) else np.dtype(t.to_pandas_dtype())
    values = np.frombuffer(arr.buffers()[1], dtype=dtype, count=n, offset=off * dtype.itemsize)
    if not arr.null_count:
        return values
    if fill is None and dtype.kind != "f":
        return arr.to_numpy(zero_copy_only=False)
    # One select over the validity bitmap's bits (half the time of Arrow's is_valid and a
    # masked store, on a chunk's dictionary indices with nulls)
    return np.where(valid_mask(arr), values, np.array(np.nan if fill is None else fill, dtype=dtype))


def valid_mask(arr: pa.Array) -> Mask:
    """Whether each value of `arr` is not null: read from the validity bitmap of a numeric,
    date, boolean, text or dictionary array; from Arrow's `is_valid` for other types."""
    n, off = len(arr), arr.offset
    if not arr.null_count:
        return np.ones(n, dtype=bool)
    t = arr.type
    bitmap = arr.buffers()[0] if _bitmap_first(t) else None
    if bitmap is None:
        return to_numpy(arr.is_valid())
    bits = np.frombuffer(bitmap, dtype=np.uint8)
    return np.unpackbits(bits, count=off + n, bitorder="little")[off:].view(np.bool_)


def _bitmap_first(t: pa.DataType) -> bool:
    """Types whose first buffer is the validity bitmap (a dictionary array's: its indices')."""
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_date(t)
                or pa.types.is_boolean(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
                or pa.types.is_dictionary(t))


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
    return dictionary_array(indices, missing, take_strings(dictionary, used))


def take_strings(dictionary: pa.Array, rows: npt.NDArray[Any]) -> pa.Array:
    """`dictionary.take(rows)` for a (small) string array without nulls, built in Python:
    Arrow's `take` imports pyarrow.compute (35-45 ms of a batch process's start) for the few
    hundred labels a chunk uses. Other arrays go to Arrow's."""
    if not pa.types.is_string(dictionary.type) or dictionary.null_count:
        return dictionary.take(numeric_array(np.asarray(rows)))
    labels = dictionary.to_pylist()
    return string_array([labels[i] for i in np.asarray(rows).tolist()])


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
    from anpo.core.ahead_of_time import compiled_module  # numba only without the extension

    return compiled_module("anpo.io.compact_kernel").compact_codes
