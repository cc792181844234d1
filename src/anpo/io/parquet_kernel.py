"""Compiled (numba, nogil) encoders of the Parquet writer (`anpo.io.parquet_writer`).

Each kernel encodes one data page's worth of one column into a preallocated byte buffer
`out` from position `pos` and returns the position after what it wrote; the writer sizes
`out` by the worst case of the encoding. Rows are the page's rows, counted from row 0 of
the arrays passed in (the writer hands over views that start at the page's first row, and
bitmaps that start at bit 0 of their first byte). The formats are those of parquet-format's
Encodings.md: the RLE/bit-packing hybrid ("RLE"), PLAIN, and DELTA_BINARY_PACKED.

Bitmaps (Arrow validity and boolean buffers) are LSB first, like the hybrid's bit packing
and PLAIN booleans, so a bitmap byte *is* a bit-packed group of 8 one-bit values: levels
and booleans are encoded a byte at a time, never a bit at a time.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from anpo.io.wkb_kernel import _store  # an unaligned little-endian store (an intrinsic)

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[Any]  # int8/int16/int32/int64 (numba compiles one version per dtype)

# Encodings.md, RLE: a run of repeated bitmap bytes (8 levels each) becomes an RLE run when it
# has at least this many bytes: 2-3 bytes of run (header + value) plus the header of the
# literal run it interrupts, against one byte per 8 levels left bit-packed.
MIN_RUN_BYTES = 4
DELTA_BLOCK = 128  # Encodings.md, DELTA_BINARY_PACKED: values a block (a multiple of 128) ...
DELTA_MINIBLOCKS = 4  # ... in miniblocks of 32 values (a multiple of 32), as other writers use


@numba.njit(cache=True, nogil=True, inline="always")
def _varint(out: Bytes, pos: int, value: Any) -> int:
    """ULEB128 (Encodings.md: `varint-encode`) of a non-negative integer or a uint64."""
    v = np.uint64(value)
    while v >= np.uint64(0x80):
        out[pos] = np.uint8((v & np.uint64(0x7F)) | np.uint64(0x80))
        v >>= np.uint64(7)
        pos += 1
    out[pos] = np.uint8(v)
    return pos + 1


@numba.njit(cache=True, nogil=True)
def _zigzag(out: Bytes, pos: int, value: Any) -> int:
    """Zigzag ULEB128 of a signed 64-bit integer (DELTA_BINARY_PACKED header and min deltas)."""
    v = np.int64(value)
    return _varint(out, pos, np.uint64(v << np.int64(1)) ^ np.uint64(v >> np.int64(63)))


@numba.njit(cache=True, nogil=True)
def _put_u32(out: Bytes, pos: int, value: int) -> int:
    """A 4-byte little-endian length (PLAIN byte arrays; the length prefix of v1 levels)."""
    for k in range(4):
        out[pos + k] = np.uint8((value >> (8 * k)) & 0xFF)
    return pos + 4


@numba.njit(cache=True, nogil=True)
def _bits_literal(bits: Bytes, first: int, groups: int, out: Bytes, pos: int) -> int:
    """A bit-packed run of `groups` bitmap bytes: header `groups << 1 | 1`, the bytes as they are."""
    if groups <= 0:
        return pos
    pos = _varint(out, pos, (groups << 1) | 1)
    out[pos:pos + groups] = bits[first:first + groups]
    return pos + groups


@numba.njit(cache=True, nogil=True)
def bits_hybrid(bits: Bytes, n: int, out: Bytes, pos: int) -> int:
    """The RLE/bit-packing hybrid, bit width 1, of the first `n` bits of a bitmap: definition
    levels (max level 1: 1 = present) from an Arrow validity bitmap. Runs of 0x00 or 0xFF
    bytes become RLE runs, other bytes are copied as bit-packed groups; the last partial
    byte is a group padded with zeros (readers stop at the page's value count)."""
    full = n >> 3
    lit = 0  # first byte of the pending bit-packed run
    i = 0
    while i < full:
        b = bits[i]
        if b == 0 or b == 0xFF:
            j = i + 1
            while j < full and bits[j] == b:
                j += 1
            if j - i >= MIN_RUN_BYTES:
                pos = _bits_literal(bits, lit, i - lit, out, pos)
                pos = _varint(out, pos, (j - i) << 4)  # (run of 8(j-i) values) << 1
                out[pos] = b & 1
                pos += 1
                lit = j
            i = j
        else:
            i += 1
    rem = n & 7
    if rem == 0:
        return _bits_literal(bits, lit, full - lit, out, pos)
    pos = _bits_literal(bits, lit, full - lit + 1, out, pos)
    out[pos - 1] = bits[full] & ((1 << rem) - 1)  # zero the bits past the page's end
    return pos


@numba.njit(cache=True, nogil=True, inline="always")
def _rle_run(n: int, value: Any, byte_width: int, out: Bytes, pos: int) -> int:
    """An RLE run: header `n << 1`, then `value` in `byte_width` bytes, little endian."""
    pos = _varint(out, pos, n << 1)
    for k in range(byte_width):
        out[pos + k] = np.uint8((value >> (8 * k)) & 0xFF)
    return pos + byte_width


@numba.njit(cache=True, nogil=True)
def levels(valid: Bytes, n: int, out: Bytes, pos: int) -> int:
    """Definition levels of a v1 data page: 4-byte length, then the hybrid (Encodings.md:
    "Data page v1 | Definition levels | prepend length: Y"). An empty `valid` means no nulls."""
    start = pos + 4
    end = _rle_run(n, 1, 1, out, start) if len(valid) == 0 else bits_hybrid(valid, n, out, start)
    _put_u32(out, pos, end - start)
    return end


@numba.njit(cache=True, nogil=True)
def select_bits(values: Bytes, valid: Bytes, n: int, out: Bytes, pos: int) -> int:
    """PLAIN booleans (bit-packed, LSB first) of the present rows among the first `n`:
    the bits of `values` where `valid` is set, packed together."""
    acc = np.uint64(0)
    nb = 0
    nbytes = (n + 7) >> 3
    for i in range(nbytes):
        m = np.uint64(valid[i])
        if i == nbytes - 1 and (n & 7) != 0:
            m &= np.uint64((1 << (n & 7)) - 1)
        v = np.uint64(values[i])
        if m == np.uint64(0xFF):
            acc |= v << np.uint64(nb)
            nb += 8
        else:
            while m != np.uint64(0):
                low = m & (~m + np.uint64(1))
                if v & low:
                    acc |= np.uint64(1) << np.uint64(nb)
                nb += 1
                m &= m - np.uint64(1)
        while nb >= 8:
            out[pos] = np.uint8(acc & np.uint64(0xFF))
            acc >>= np.uint64(8)
            nb -= 8
            pos += 1
    if nb > 0:
        out[pos] = np.uint8(acc & np.uint64(0xFF))
        pos += 1
    return pos


@numba.njit(cache=True, nogil=True)
def copy_bits(values: Bytes, n: int, out: Bytes, pos: int) -> int:
    """PLAIN booleans of `n` rows without nulls: the bitmap's bytes, trailing bits zeroed."""
    nbytes = (n + 7) >> 3
    out[pos:pos + nbytes] = values[:nbytes]
    if n & 7:
        out[pos + nbytes - 1] &= np.uint8((1 << (n & 7)) - 1)
    return pos + nbytes


@numba.njit(cache=True, nogil=True, inline="always")
def _u(i: int) -> Any:
    """An index as unsigned, for indices known to be in range: numba then skips its fix-up
    of negative indices (a compare and a select an access, which also keeps a loop from
    vectorizing)."""
    return np.uintp(i)


@numba.njit(cache=True, nogil=True)
def gather(values: Ints, valid: Bytes, n: int, tmp: Ints) -> int:
    """The values of the present rows among the first `n`, packed into `tmp`; their count.
    Bytes of the bitmap that are all set or all clear (most of them) move 8 rows at once.
    Indices as unsigned (`_u`): numba then adds no fix-up of negative indices to each
    access (a third of the time it took)."""
    c = 0
    full = n >> 3
    for b in range(full):
        m = valid[b]
        base = b << 3
        if m == 0xFF:
            for k in range(8):
                tmp[_u(c + k)] = values[_u(base + k)]
            c += 8
        elif m != 0:
            for k in range(8):
                tmp[_u(c)] = values[_u(base + k)]
                c += (m >> k) & 1
    for r in range(full << 3, n):
        if (valid[r >> 3] >> (r & 7)) & 1:
            tmp[c] = values[r]
            c += 1
    return c


@numba.njit(cache=True, nogil=True, inline="always")
def _put_group(vals: Ints, i: int, count: int, width: int, narrow: bool, out: Bytes, pos: int) -> int:
    """Bit-pack vals[i:i + count] (count <= 8; zeros after) as one group of 8 values at
    `width` bits, LSB first (Encodings.md, RLE, note 1: the first value in the lowest bits of
    the first byte): `width` bytes. `narrow`: width <= 8. Inlined with constant arguments,
    only one path is compiled in, and with a constant width the shifts and stores unroll."""
    if narrow:  # the group is one 64-bit word
        word = np.uint64(0)
        if count == 8:
            for k in range(8):  # unrolled
                word |= np.uint64(vals[i + k]) << np.uint64(k * width)
        else:
            for k in range(count):
                word |= np.uint64(vals[i + k]) << np.uint64(k * width)
        # The word's 8 bytes in one store (`out` has room: 7 bytes past the encoding's
        # worst case); the bytes past `width` are overwritten by whatever comes next.
        # Byte by byte, the stores were a sixth of the dictionary columns' hybrid.
        _store(out, pos, word)
        return pos + width
    acc = np.uint64(0)  # wider values: through an accumulator, a byte out at a time
    nb = 0
    for k in range(8):
        if k < count:
            acc |= np.uint64(vals[i + k]) << np.uint64(nb)
        nb += width
        while nb >= 8:
            out[pos] = np.uint8(acc & np.uint64(0xFF))
            acc >>= np.uint64(8)
            nb -= 8
            pos += 1
    return pos


# A bit-packed run of at most 63 groups has a one-byte header (63 << 1 | 1 < 128): the byte
# is reserved when the run opens and set when it closes, so groups are packed as they come.
MAX_LITERAL_GROUPS = 63


@numba.njit(cache=True, nogil=True, inline="always")
def _hybrid_body(vals: Ints, n: int, width: int, narrow: bool, min_groups: int,
                 uniform: npt.NDArray[np.bool_], out: Bytes, pos: int) -> int:
    """`hybrid` after its checks; inlined, so there are no calls in the loop. A group that
    needs room in a bit-packed run opens one (closing the full one: its header byte, the
    group count, low bit 1) right here, not through an inlined helper taking `out`: numba
    then counted references to `out` at every group (NRT_incref/NRT_decref, atomic), 60% of
    this loop's time (6.4 ms against 2.6 ms for a batch chunk's ten dictionary columns)."""
    full = n >> 3
    header = -1  # position of the open bit-packed run's header byte
    groups = 0
    g = 0
    while g < full:
        if uniform[g]:
            v = vals[g * 8]
            h = g + 1
            while h < full and uniform[h] and vals[h * 8] == v:
                h += 1
            if h - g >= min_groups:
                if header >= 0:
                    out[header] = np.uint8((groups << 1) | 1)
                    header = -1
                pos = _rle_run(8 * (h - g), np.int64(v), (width + 7) >> 3, out, pos)
                g = h
                continue
        if header < 0 or groups == MAX_LITERAL_GROUPS:
            if header >= 0:
                out[header] = np.uint8((groups << 1) | 1)
            header, groups, pos = pos, 0, pos + 1
        pos = _put_group(vals, g * 8, 8, width, narrow, out, pos)
        groups += 1
        g += 1
    if n & 7:  # the last, partial group, padded with zeros
        if header < 0 or groups == MAX_LITERAL_GROUPS:
            if header >= 0:
                out[header] = np.uint8((groups << 1) | 1)
            header, groups, pos = pos, 0, pos + 1
        pos = _put_group(vals, full * 8, n & 7, width, narrow, out, pos)
        groups += 1
    if header >= 0:
        out[header] = np.uint8((groups << 1) | 1)
    return pos


@numba.njit(cache=True, nogil=True)
def hybrid(vals: Ints, n: int, width: int, min_groups: int, out: Bytes, pos: int) -> int:
    """The RLE/bit-packing hybrid of vals[:n] at `width` bits (1-32): dictionary indices.

    Values go in groups of 8 (Encodings.md: a bit-packed run holds a multiple of 8 values;
    the last group is padded with zeros, readers stop at the page's value count). A first
    pass marks the groups whose 8 values are equal; `min_groups` or more such groups of one
    value in a row become one RLE run, other groups are bit-packed as they come. Runs
    therefore start on a group: a repeat that does not misses at most 7 values a side.
    -1 if a value is negative or does not fit the width. `out` needs 7 bytes of room past
    the worst case of the encoding (`_put_group` stores whole 64-bit words)."""
    full = n >> 3
    seen = np.uint64(0)
    for i in range(n):
        seen |= np.uint64(np.int64(vals[i]))  # a negative value sets the top bits
    if seen > np.uint64((np.int64(1) << width) - 1):
        return -1
    uniform = np.empty(full, dtype=np.bool_)
    for g in range(full):
        i = g * 8
        v = vals[i]
        uniform[g] = ((vals[i + 1] == v) & (vals[i + 2] == v) & (vals[i + 3] == v) & (vals[i + 4] == v)
                      & (vals[i + 5] == v) & (vals[i + 6] == v) & (vals[i + 7] == v))
    # A copy of the loop for the commonest widths (small enumerations), compiled with the
    # width as a constant (about 1.5x faster; each copy costs seconds of compilation).
    if width == 1:
        return _hybrid_body(vals, n, 1, True, min_groups, uniform, out, pos)
    if width == 2:
        return _hybrid_body(vals, n, 2, True, min_groups, uniform, out, pos)
    if width <= 8:
        return _hybrid_body(vals, n, width, True, min_groups, uniform, out, pos)
    return _hybrid_body(vals, n, width, False, min_groups, uniform, out, pos)


@numba.njit(cache=True, nogil=True)
def dictionary_indices(vals: Ints, n: int, width: int, min_groups: int, out: Bytes, pos: int) -> int:
    """An RLE_DICTIONARY data page's values: the bit width as one byte, then the hybrid
    without a length (Encodings.md, Dictionary Encoding). -1 if an index does not fit."""
    out[pos] = np.uint8(width)
    return hybrid(vals, n, width, min_groups, out, pos + 1)


@numba.njit(cache=True, nogil=True, inline="always")
def _bit_length(x: Any) -> int:
    """Bits needed for a uint64 (0 for 0): a binary search, not a shift a bit."""
    w = 0
    if x >> np.uint64(32):
        x >>= np.uint64(32)
        w += 32
    if x >> np.uint64(16):
        x >>= np.uint64(16)
        w += 16
    if x >> np.uint64(8):
        x >>= np.uint64(8)
        w += 8
    if x >> np.uint64(4):
        x >>= np.uint64(4)
        w += 4
    if x >> np.uint64(2):
        x >>= np.uint64(2)
        w += 2
    if x >> np.uint64(1):
        x >>= np.uint64(1)
        w += 1
    return w + int(x)


@numba.njit(cache=True, nogil=True, inline="always")
def _miniblock_deltas(seg: Ints, deltas: npt.NDArray[np.int64], wrap32: bool) -> tuple[Any, Any]:
    """deltas[k] = seg[k + 1] - seg[k] for each k of `deltas` (wrapped at 32 bits with
    `wrap32`); (their min, their max). Inlined with a constant `wrap32`. Every index counts
    from 0 over views: numba then needs no negative-index fix-up per access, and the loop
    vectorizes (about 6x faster than indexing the whole column at i + k - 1)."""
    least = np.int64(0x7FFFFFFFFFFFFFFF)
    top = np.int64(-0x7FFFFFFFFFFFFFFF - 1)
    for k in range(len(deltas)):
        d = np.int64(seg[k + 1]) - np.int64(seg[k])  # int64 wraps
        if wrap32:
            d = np.int64(np.int32(d))  # INT32: wrap at 32 bits
        deltas[k] = d
        least = min(least, d)
        top = max(top, d)
    return least, top


@numba.njit(cache=True, nogil=True)
def delta_binary_packed(vals: Ints, n: int, bits: int, out: Bytes, pos: int) -> int:
    """DELTA_BINARY_PACKED (Encodings.md) of vals[:n]: INT32 (`bits` 32) or INT64 (64).

    Header: block size, miniblocks a block, value count, first value (zigzag). Each block:
    its min delta (zigzag), one bit width byte per miniblock, then each miniblock's deltas
    minus the min delta, bit-packed (miniblocks past the last value: width 0, no bytes).
    Deltas wrap at the physical type's width (the spec allows it, and decoders add them
    back the same way), so none needs more than `bits` bits, as the spec requires."""
    per_mini = DELTA_BLOCK // DELTA_MINIBLOCKS
    pos = _varint(out, pos, DELTA_BLOCK)
    pos = _varint(out, pos, DELTA_MINIBLOCKS)
    pos = _varint(out, pos, n)
    pos = _zigzag(out, pos, np.int64(vals[0]) if n > 0 else 0)
    deltas = np.zeros(DELTA_BLOCK, dtype=np.int64)
    highest = np.zeros(DELTA_MINIBLOCKS, dtype=np.int64)
    i = 1
    while i < n:
        m = min(DELTA_BLOCK, n - i)
        least = np.int64(0x7FFFFFFFFFFFFFFF)
        for mb in range(DELTA_MINIBLOCKS):
            lo = mb * per_mini
            if lo >= m:
                break
            hi = min(lo + per_mini, m)
            seg = vals[i + lo - 1:i + hi]  # the miniblock's values and the one before
            if bits == 32:
                low, top = _miniblock_deltas(seg, deltas[lo:hi], True)
            else:
                low, top = _miniblock_deltas(seg, deltas[lo:hi], False)
            least = min(least, low)
            highest[mb] = top
        pos = _zigzag(out, pos, least)
        widths = pos
        pos += DELTA_MINIBLOCKS
        base = np.uint64(least)
        for mb in range(DELTA_MINIBLOCKS):
            lo = mb * per_mini
            if lo >= m:
                out[widths + mb] = 0
                continue
            width = _bit_length(np.uint64(highest[mb]) - base)
            out[widths + mb] = width
            if width > 0:
                hi = min(lo + per_mini, m)
                if hi - lo == per_mini and width <= 32:
                    pos = _pack_narrow(deltas[lo:hi], base, width, out, pos)
                else:
                    pos = _pack_miniblock(deltas, lo, hi, per_mini, base, width, out, pos)
        i += m
    return pos


@numba.njit(cache=True, nogil=True, inline="always")
def _put32(acc: Any, out: Bytes, pos: int) -> None:
    """The low 4 bytes of a 64-bit accumulator, little endian."""
    out[pos] = np.uint8(acc & np.uint64(0xFF))
    out[pos + 1] = np.uint8((acc >> np.uint64(8)) & np.uint64(0xFF))
    out[pos + 2] = np.uint8((acc >> np.uint64(16)) & np.uint64(0xFF))
    out[pos + 3] = np.uint8((acc >> np.uint64(24)) & np.uint64(0xFF))


@numba.njit(cache=True, nogil=True, inline="always")
def _pack_narrow(deltas: npt.NDArray[np.int64], base: Any, width: int, out: Bytes, pos: int) -> int:
    """`_pack_miniblock` of a whole miniblock at 32 bits or fewer (the usual one): no
    padding and no split values, indices from 0 over a view."""
    acc = np.uint64(0)
    nb = 0
    for k in range(len(deltas)):
        acc |= (np.uint64(deltas[k]) - base) << np.uint64(nb)
        nb += width
        if nb >= 32:
            _put32(acc, out, pos)
            acc >>= np.uint64(32)
            nb -= 32
            pos += 4
    return pos


@numba.njit(cache=True, nogil=True)
def _pack_miniblock(deltas: npt.NDArray[np.int64], lo: int, hi: int, size: int, base: Any, width: int,
                    out: Bytes, pos: int) -> int:
    """Bit-pack deltas[lo:hi] - base, then zeros up to `size` values, at `width` bits (1-64),
    LSB first: values enter a 64-bit accumulator above the bits it holds (fewer than 32), 4
    bytes leave it whenever it holds 32 bits or more; a value wider than 32 bits enters in
    two parts. `size` * `width` is a multiple of 32, so nothing is left over."""
    acc = np.uint64(0)
    nb = 0
    low = np.uint64(0xFFFFFFFF)
    for k in range(lo, lo + size):
        x = np.uint64(deltas[k]) - base if k < hi else np.uint64(0)
        if width > 32:
            acc |= (x & low) << np.uint64(nb)
            _put32(acc, out, pos)  # nb < 32, so 32 bits or more are now held
            acc >>= np.uint64(32)
            pos += 4
            x >>= np.uint64(32)
            acc |= x << np.uint64(nb)
            nb += width - 32
        else:
            acc |= x << np.uint64(nb)
            nb += width
        if nb >= 32:
            _put32(acc, out, pos)
            acc >>= np.uint64(32)
            nb -= 32
            pos += 4
    return pos


@numba.njit(cache=True, nogil=True)
def plain_byte_arrays(offsets: Ints, data: Bytes, valid: Bytes, n: int, out: Bytes, pos: int) -> int:
    """PLAIN BYTE_ARRAY of the present rows among the first `n`: each value's length (4 bytes,
    little endian), then its bytes. `offsets` are the Arrow offsets of those rows (n + 1 of
    them, absolute into `data`); an empty `valid` means no nulls."""
    has_nulls = len(valid) > 0
    for r in range(n):
        if has_nulls and not (valid[r >> 3] >> (r & 7)) & 1:
            continue
        a = offsets[r]
        size = offsets[r + 1] - a
        pos = _put_u32(out, pos, size)
        out[pos:pos + size] = data[a:a + size]
        pos += size
    return pos


@numba.njit(cache=True, nogil=True)
def used_entries(indices: Any, valid: Bytes, n: int, size: int) -> npt.NDArray[np.bool_]:
    """Which of a dictionary's `size` entries the first `n` indices use (rows whose validity
    bit is 0 are skipped; an empty `valid` means every row is present): the column chunk's
    min and max are taken over these entries only.

    A dictionary of at most 64 entries (every determination's, most places') collects the
    used entries as bits of one word, `word |= valid << index`: no stores in the loop, so
    it vectorizes (a store a row to a few bytes of `used` ran at about 1 ns a row). An
    index is taken mod 64 there; a present row's index is below `size`."""
    used = np.zeros(size, np.bool_)
    if size <= 64:
        word = np.uint64(0)
        if valid.size == 0:
            for i in range(n):
                word |= np.uint64(1) << np.uint64(indices[i] & 63)
        else:
            for i in range(n):
                bit = np.uint64((valid[i >> 3] >> (i & 7)) & 1)
                word |= bit << np.uint64(indices[i] & 63)
        for k in range(size):
            used[k] = (word >> np.uint64(k)) & np.uint64(1) != np.uint64(0)
    elif valid.size == 0:
        for i in range(n):
            used[indices[i]] = True
    else:
        for i in range(n):
            if (valid[i >> 3] >> (i & 7)) & 1:
                used[indices[i]] = True
    return used


@numba.njit(cache=True, nogil=True)
def float_bounds(values: npt.NDArray[Any], valid: Bytes, n: int) -> tuple[float, float, int]:
    """(min, max, count) of the present values among the first `n` that are not NaN (a
    column chunk's statistics; NaN orders nowhere). An empty `valid` means no nulls."""
    lo = np.inf
    hi = -np.inf
    count = 0
    if len(valid) == 0:
        for i in range(n):
            v = values[i]
            if v == v:
                lo = min(lo, v)
                hi = max(hi, v)
                count += 1
    else:
        for i in range(n):
            v = values[i]
            if (valid[i >> 3] >> (i & 7)) & 1 and v == v:
                lo = min(lo, v)
                hi = max(hi, v)
                count += 1
    return float(lo), float(hi), count

