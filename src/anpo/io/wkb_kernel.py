"""Compiled (numba, nogil) encoder of a GeoParquet point column straight from its longitude
and latitude (`anpo.io.parquet_writer`, a column declared in `points`).

A point is ISO WKB, little endian: byte order 1, type 1 (Point, 4 bytes), x, y (8 bytes
each): 21 bytes. In a PLAIN BYTE_ARRAY data page each present row is its 4-byte length
then those bytes, so every row starts with the same 9 bytes (15 00 00 00 01 01 00 00 00)
and 16 bytes of coordinates follow. Built through an Arrow binary array, the column cost
about 60 ms of CPU a million rows, a fifth of a batch process's CPU (the WKB array 9 ms,
the copy into the pages 23 ms, then Arrow's snappy 30 ms, whose search for matches finds
those 9 bytes again and again). Here one pass writes each page from the float64 values'
bits (uint64): about 4 ms a million rows, as a snappy stream.

Snappy (`snappy_points`): the page is written as a snappy stream directly (the format is
public, google/snappy's format_description.txt, and any snappy decoder reads it): the
uncompressed length as a varint, then elements: literals (tag (len-1) << 2, longer lengths
in 1-4 following bytes) and copies of `len` bytes from `offset` back (copy-1: len 4-11,
offset < 2048, 2 bytes; copy-2: len 1-64, 3 bytes). The levels and the first row's 9
bytes are one literal; then each row's 16 coordinate bytes are a literal but for their
last bytes where they equal an earlier row's, and those bytes with the next row's 9
constant bytes are one copy: from the previous row (25 bytes back) when its latitude's
high bytes are the same, else from the last row within a copy-1's reach whose latitude
has the same 2 high bytes (one table look-up). 17.1 bytes a row on random points of the
region, as Arrow's snappy (17.2), in 4.3 ns a row against its 30; the previous row alone
gave 18.0 bytes in 2.4 ns (1 byte a row more output, 10 MB at 10 M rows, for 2 ns a row).
Where a row's latitude is the previous row's (a grid's rows), its longitude is also looked
up (a hash of its bits) among earlier such rows within a copy-2's reach (65535 bytes): the
grid's row above has it, and the row is two copies, 6 bytes (Arrow's snappy: 7.3 bytes a
row of a 1851-column grid). Random points never take that branch. Offsets stay under
65536, so no copy meets snappy's limits whatever the page size.
Uncompressed pages (`plain_points`): 25 bytes a row, 1.3 ns.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

Bytes = npt.NDArray[np.uint8]
Bits = npt.NDArray[np.uint64]  # float64 values as their bits

WKB_POINT = 21  # bytes of one WKB point
ROW_BYTES = 25  # a PLAIN BYTE_ARRAY value: its 4-byte length, then the point
HEAD = 9  # the bytes every row starts with: the length 21, byte order 1, type 1 (Point)
NEAR = 2047 // ROW_BYTES  # rows back a copy-1 reaches (offsets < 2048)
FAR = 65535 // ROW_BYTES  # rows back a copy-2 reaches
X_BITS = 14  # a table of 16,384 longitudes
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
_ABS = np.uint64(0x7FFFFFFFFFFFFFFF)
_INF = np.uint64(0x7FF0000000000000)


@numba.njit(cache=True, nogil=True)
def point_validity(x: Bits, y: Bits, vx: Bytes, vy: Bytes, n: int, out: Bytes) -> int:
    """The validity bitmap of the first `n` points into out[:(n + 7) >> 3] (a point is null
    where x or y is null or NaN; bits past `n` are 0); the count of nulls. An empty `vx` or
    `vy`: no nulls in that coordinate."""
    nulls = 0
    for b in range((n + 7) >> 3):
        m = 0xFF if vx.size == 0 else int(vx[b])
        if vy.size != 0:
            m &= int(vy[b])
        base = b << 3
        for k in range(min(8, n - base)):
            r = base + k
            if (x[r] & _ABS) > _INF or (y[r] & _ABS) > _INF:
                m &= ~(1 << k)
        if n - base < 8:
            m &= (1 << (n - base)) - 1
        out[b] = np.uint8(m)
        nulls += min(8, n - base) - _popcount8(m)
    return nulls


@numba.njit(cache=True, nogil=True, inline="always")
def _popcount8(m: int) -> int:
    m = (m & 0x55) + ((m >> 1) & 0x55)
    m = (m & 0x33) + ((m >> 2) & 0x33)
    return (m & 0x0F) + (m >> 4)


@numba.njit(cache=True, nogil=True)
def present_count(valid: Bytes, n: int) -> int:
    """Set bits among the first `n` of a bitmap (empty: all `n`)."""
    if valid.size == 0:
        return n
    c = 0
    for b in range(n >> 3):
        c += _popcount8(int(valid[b]))
    if n & 7:
        c += _popcount8(int(valid[n >> 3]) & ((1 << (n & 7)) - 1))
    return c


def _store_typing(typingctx: Any, out: Any, pos: Any, value: Any) -> Any:
    """Store an integer `value` (its width, little endian) at byte `pos` of a uint8 array,
    unaligned and unchecked (callers size `out`): one store where indexing byte by byte
    took 25 stores a row with a negative-index check each (4x slower)."""
    if not (isinstance(out, types.Array) and out.dtype == types.uint8 and isinstance(value, types.Integer)
            and isinstance(pos, types.Integer)):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> None:
        array, index, v = args
        data = context.make_array(signature.args[0])(context, builder, array).data
        ptr = builder.bitcast(builder.gep(data, [index]), ir.IntType(width).as_pointer())
        builder.store(v, ptr).align = 1

    width: int = value.bitwidth  # type: ignore[attr-defined]
    return types.void(out, pos, value), codegen


_store: Any = intrinsic(_store_typing)


# A row's 25 bytes as stores: the 8 first constant bytes (15 00 00 00 01 01 00 00) as one
# word, then the 9th (0) with x's 7 low bytes, x's high byte with y's 7 low, y's high byte.
_HEAD_WORD = np.uint64(0x0000010100000015)
_8 = np.uint64(8)
_56 = np.uint64(56)


@numba.njit(cache=True, nogil=True, inline="always")
def _put_row(out: Bytes, pos: int, xr: Any, yr: Any) -> None:
    """A PLAIN BYTE_ARRAY row (25 bytes) at `pos`: the 9 constant bytes, x, y."""
    _store(out, pos, _HEAD_WORD)
    _store(out, pos + 8, xr << _8)
    _store(out, pos + 16, (xr >> _56) | (yr << _8))
    _store(out, pos + 24, np.uint8(yr >> _56))


@numba.njit(cache=True, nogil=True, inline="always")
def _put_head(out: Bytes, pos: int) -> int:
    _store(out, pos, _HEAD_WORD)
    _store(out, pos + 8, np.uint8(0))
    return pos + HEAD


@numba.njit(cache=True, nogil=True, inline="always")
def _present(valid: Bytes, r: int) -> bool:
    return valid.size == 0 or (valid[r >> 3] >> (r & 7)) & 1 == 1


@numba.njit(cache=True, nogil=True)
def plain_points(x: Bits, y: Bits, valid: Bytes, n: int, out: Bytes, pos: int) -> int:
    """PLAIN BYTE_ARRAY of the present points among the first `n` (uncompressed pages): per
    point its length, byte order, type, x, y (25 bytes)."""
    for r in range(n):
        if _present(valid, r):
            _put_row(out, pos, x[r], y[r])
            pos += ROW_BYTES
    return pos


@numba.njit(cache=True, nogil=True)
def _varint(out: Bytes, pos: int, value: int) -> int:
    while value >= 0x80:
        out[pos] = np.uint8((value & 0x7F) | 0x80)
        value >>= 7
        pos += 1
    out[pos] = np.uint8(value)
    return pos + 1


@numba.njit(cache=True, nogil=True)
def _literal_tag(out: Bytes, pos: int, size: int) -> int:
    """The tag of a snappy literal of `size` (>= 1) bytes; the bytes follow it."""
    n = size - 1
    if n < 60:
        out[pos] = np.uint8(n << 2)
        return pos + 1
    extra = 1 if n < 1 << 8 else 2 if n < 1 << 16 else 3 if n < 1 << 24 else 4
    out[pos] = np.uint8((59 + extra) << 2)
    for k in range(extra):
        out[pos + 1 + k] = np.uint8((n >> (8 * k)) & 0xFF)
    return pos + 1 + extra


@numba.njit(cache=True, nogil=True, inline="always")
def _copy(out: Bytes, pos: int, size: int, offset: int) -> int:
    """A snappy copy of `size` (4-25) bytes from `offset` (< 65536) back."""
    if size <= 11 and offset < 2048:  # copy-1: len - 4 in bits 2-4, offset bits 8-10 in 5-7, then 0-7
        _store(out, pos, np.uint16(1 | ((size - 4) << 2) | ((offset >> 8) << 5) | ((offset & 0xFF) << 8)))
        return pos + 2
    _store(out, pos, np.uint8(2 | ((size - 1) << 2)))  # copy-2: len - 1, the offset in 2 bytes
    _store(out, pos + 1, np.uint16(offset))
    return pos + 3


@numba.njit(cache=True, nogil=True, inline="always")
def _same_high_bytes(a: Any, b: Any) -> int:
    """How many of the high bytes of two 64-bit words are equal (0-8)."""
    d = a ^ b
    k = 0
    while k < 8 and (d >> np.uint64(56 - 8 * k)) & np.uint64(0xFF) == np.uint64(0):
        k += 1
    return k


def snappy_bound(levels: int, n: int) -> int:
    """Bytes `snappy_points` may write for `levels` bytes of levels and `n` rows."""
    return 16 + levels + HEAD + ROW_BYTES * n


@numba.njit(cache=True, nogil=True)
def snappy_points(x: Bits, y: Bits, valid: Bytes, n: int, levels: Bytes, out: Bytes, pos: int) -> int:
    """A snappy stream of a data page's body: `levels` (the page's definition levels as
    written, maybe none), then the PLAIN BYTE_ARRAY of the present points among the first
    `n`. At most `snappy_bound(len(levels), n)` bytes from `pos`; the position after them."""
    present = present_count(valid, n)
    pos = _varint(out, pos, levels.size + ROW_BYTES * present)
    if present == 0:
        if levels.size:
            pos = _literal_tag(out, pos, levels.size)
            out[pos:pos + levels.size] = levels
            pos += levels.size
        return pos
    pos = _literal_tag(out, pos, levels.size + HEAD)  # levels and the first row's 9 bytes
    out[pos:pos + levels.size] = levels
    pos = _put_head(out, pos + levels.size)
    c = 0  # present rows so far
    px = np.uint64(0)
    py = np.uint64(0)
    last = np.zeros(1 << 16, dtype=np.int32)  # by y's 2 high bytes: the last row with them (c)
    # by a hash of x, rows whose y was the previous row's (grids): row + 1 and c
    x_row = np.zeros(1 << X_BITS, dtype=np.int32)
    x_c = np.zeros(1 << X_BITS, dtype=np.int32)
    for r in range(n):
        if not _present(valid, r):
            continue
        xr = x[r]
        yr = y[r]
        c += 1
        same = 0  # trailing bytes of (x, y) equal to an earlier point's, `back` rows back
        back = 1
        key = int(yr >> np.uint64(48))
        if c > 1:
            same = _same_high_bytes(yr, py)
            if same == 8:
                same += _same_high_bytes(xr, px)
                h = (xr * _GOLDEN) >> np.uint64(64 - X_BITS)
                j = x_row[h] - 1
                jc = x_c[h]
                x_row[h] = r + 1
                x_c[h] = c
                if same < 16 and j >= 0 and x[j] == xr and c - jc <= FAR:
                    # x as an earlier row's (the grid's row above), y and the next 9 bytes
                    # as the previous row's
                    pos = _copy(out, pos, 8, ROW_BYTES * (c - jc))
                    pos = _copy(out, pos, 8 if c == present else 8 + HEAD, ROW_BYTES)
                    px = xr
                    continue
            elif same < 2:  # an earlier point with y's 2 high bytes, within a copy-1's reach
                j = last[key]
                if j > 0 and c - j <= NEAR:
                    same = 2
                    back = c - j
        last[key] = c
        tail = same if c == present else same + HEAD  # then the next row's 9 bytes
        if tail < 4:  # (only the last row): all 16 bytes as a literal
            tail = 0
            same = 0
        lit = 16 - same
        if lit > 0:
            _store(out, pos, np.uint8((lit - 1) << 2))
            _store(out, pos + 1, xr)  # all 16 bytes (`out` has room): the copy overwrites
            _store(out, pos + 9, yr)  # those past the literal
            pos += 1 + lit
        if tail:
            pos = _copy(out, pos, tail, ROW_BYTES * back)
        px = xr
        py = yr
    return pos
