"""Compiled (numba) exact MOS search for `runway.repairs_needed`, one trial row at a time.

Imported lazily by `runway`, so `import anpo` does not pay for numba. The answers are those
of the vectorized numpy search `runway._exact`, bit for bit: every comparison below uses
the same operands and the same order of float operations, so each crater blocks exactly
the same candidate placements. Only the counting is cheaper:

- each valid candidate position (0 or a crater's far edge, inside the runway) becomes a
  bitmask of the craters it overlaps, along x and along y separately;
- a mask that contains another mask on the same axis can never give fewer craters, so it
  is skipped (typically 4-5 masks per axis remain out of ~15 candidates);
- a placement's crater count is the popcount of (x mask & y mask), and a row stops at its
  first free placement (an empty y mask: at once).

One call serves all strips of a runway (fighter and tanker MOS): they share the craters
and the on-runway test, so the row is gathered once.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_ONE = np.uint64(1)
_ZERO = np.uint64(0)


@numba.njit(cache=True, nogil=True, inline="always")
def _popcount(v: np.uint64) -> int:
    # SWAR popcount (numba has no intrinsic); a few integer operations, no branch.
    v = v - ((v >> _ONE) & _M1)
    v = (v & _M2) + ((v >> np.uint64(2)) & _M2)
    v = (v + (v >> np.uint64(4))) & _M4
    return int((v * _H01) >> np.uint64(56))


@numba.njit(cache=True, nogil=True, inline="always")
def _dominated(masks: UIntArray, n: int, bits: np.uint64) -> bool:
    # bits blocks every crater that some mask already tried blocks (and maybe more).
    # A plain loop, not any(generator): numba compiles loops, not generators, best.
    for v in range(n):  # noqa: SIM110
        if (bits & masks[v]) == masks[v]:
            return True
    return False


@numba.njit(cache=True, nogil=True, inline="always")
def _edges(c: FloatArray, m: int, r: float, mos: float, lower: FloatArray, upper: FloatArray) -> None:
    # A strip starting at x overlaps crater u when lower[u] < x < upper[u]: the operands and
    # float operations of `runway._blocks` (c - r - mos, c + r), computed once per crater.
    for u in range(m):
        lower[u] = c[u] - r - mos
        upper[u] = c[u] + r


@numba.njit(cache=True, nogil=True, inline="always")
def _mask(x: float, m: int, lower: FloatArray, upper: FloatArray) -> np.uint64:
    bits = _ZERO
    for u in range(m):
        hit = (x > lower[u]) & (x < upper[u])  # & not "and": no branch
        bits |= np.uint64(hit) << np.uint64(u)
    return bits


@numba.njit(cache=True, nogil=True, inline="always")
def _valid(t: int, upper: FloatArray, top: float) -> bool:
    # Candidate t: 0, then crater t-1's far edge (`cx + r` in `runway._exact`); in [0, top].
    x = 0.0 if t == 0 else upper[t - 1]
    return not (x < 0 or x > top)


@numba.njit(cache=True, nogil=True, inline="always")
def _y_masks(m: int, top: float, lower: FloatArray, upper: FloatArray, my: UIntArray) -> int:
    """Undominated masks of the valid y candidates (across the runway); their number."""
    ny = 0
    for t in range(m + 1):
        if not _valid(t, upper, top):
            continue
        bits = _mask(0.0 if t == 0 else upper[t - 1], m, lower, upper)
        if _dominated(my, ny, bits):
            continue
        w = 0  # drop the kept masks that contain the new one
        for v in range(ny):
            if (my[v] & bits) != bits:
                my[w] = my[v]
                w += 1
        my[w] = bits
        ny = w + 1
    return ny


@numba.njit(cache=True, nogil=True, inline="always")
def _fewest(
    px: FloatArray,
    py: FloatArray,
    m: int,
    r: float,
    d: FloatArray,
    s: int,
    xl: FloatArray,
    xu: FloatArray,
    yl: FloatArray,
    yu: FloatArray,
    mx: UIntArray,
    my: UIntArray,
) -> int:
    """Fewest craters in any MOS placement of one row (on-runway craters px[:m], py[:m]).

    d[s] = (length, width, mos_length, mos_width, r, length - mos_length, width - mos_width).
    xl, xu, yl, yu (crater edges) and mx, my (masks) are scratch arrays, passed whole:
    slicing one per call would cost reference counting, a third of the time on short rows.
    Each x candidate is tried against every y mask as soon as it is built, so a row that
    has a free placement stops there.
    """
    _edges(py, m, r, d[s, 3], yl, yu)
    ny = _y_masks(m, d[s, 6], yl, yu, my)
    for b in range(ny):
        if my[b] == _ZERO:
            return 0  # a free band across: with x = 0 (always valid) the strip is clear
    _edges(px, m, r, d[s, 2], xl, xu)
    best = 64  # > any count (masks have at most 63 bits); (0, 0) is always valid
    nx = 0
    top = d[s, 5]
    for t in range(m + 1):
        if not _valid(t, xu, top):
            continue
        bits = _mask(0.0 if t == 0 else xu[t - 1], m, xl, xu)
        if _dominated(mx, nx, bits):
            continue  # cannot beat a placement already tried
        mx[nx] = bits
        nx += 1
        for b in range(ny):
            best = min(best, _popcount(bits & my[b]))
        if best == 0:
            return 0  # a free placement: the runway is open
    return best


@numba.njit(cache=True, nogil=True)
def search_rows(cx: FloatArray, cy: FloatArray, dims: FloatArray, floors: IntArray, out: IntArray) -> None:
    """out[s, i] = craters to repair for strip s in row i (rows: trials; columns: craters).

    dims[s] = (length, width, mos_length, mos_width, r, length - mos_length,
    width - mos_width); all strips share length, width and r (one runway, one crater size).
    Rows with fewer than floors[s] craters on the runway are open for strip s.
    """
    length, width, r = dims[0, 0], dims[0, 1], dims[0, 4]
    n, k = cx.shape
    px = np.empty(k, np.float64)
    py = np.empty(k, np.float64)
    xl, xu = np.empty(k, np.float64), np.empty(k, np.float64)
    yl, yu = np.empty(k, np.float64), np.empty(k, np.float64)
    mx, my = np.empty(k + 1, np.uint64), np.empty(k + 1, np.uint64)
    for i in range(n):
        m = 0
        for j in range(k):  # gather the craters on the runway (the `_legacy` test)
            a, b = cx[i, j], cy[i, j]
            px[m], py[m] = a, b
            m += (a > -r) & (a < length + r) & (b > -r) & (b < width + r)  # branch-free
        for s in range(dims.shape[0]):
            if m < floors[s]:
                out[s, i] = 0
                continue
            out[s, i] = _fewest(px, py, m, r, dims, s, xl, xu, yl, yu, mx, my)
