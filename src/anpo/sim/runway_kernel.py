"""Compiled (numba) exact MOS search for `runway.repairs_needed`, one trial row at a time.

Imported lazily by `runway`, so `import anpo` does not pay for numba. The answers are those
of the vectorized numpy search `runway._exact`, bit for bit: every comparison below uses
the same operands and the same order of float operations, so each crater blocks exactly
the same candidate placements. Only the counting is cheaper:

- each valid candidate position (0 or a crater's far edge, inside the runway) becomes a
  bitmask of the craters it overlaps, along x and along y separately;
- a placement's crater count is the popcount of (x mask & y mask); a row stops at its
  first free placement (an empty y mask: at once).

The work is laid out for the processor rather than for the operation count: the valid
candidates are compacted without branching on validity (a coin toss, so a branch would
mispredict), and building a mask is a branch-free loop over at most 63 craters that the
compiler vectorizes. Sorting the craters, or skipping masks that contain another, would
save masks and popcounts but costs more than it saves (measured: with sorted craters,
x masks are runs of the order, but finding the runs, or the sort itself, mispredicts).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
from numba.core import types
from numba.extending import intrinsic

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]

_ONE = np.uint64(1)
_ZERO = np.uint64(0)


@intrinsic
def _ctpop(typingctx, v):  # type: ignore[no-untyped-def]
    # LLVM's population count: one instruction where the CPU has one (numba has no popcount).
    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def _popcount(v: np.uint64) -> int:
    return int(_ctpop(v))  # type: ignore[call-arg]  # numba supplies the typing context


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
def _candidates(m: int, upper: FloatArray, top: float, at: FloatArray) -> int:
    """at[:n] = the valid candidates (0, then each crater's far edge upper, within
    [0, top]), compacted without a branch on validity; returns n."""
    n = 0
    for t in range(m + 1):
        x = 0.0 if t == 0 else upper[t - 1]
        at[n] = x
        n += not (x < 0 or x > top)
    return n


@numba.njit(cache=True, nogil=True, inline="always")
def fewest(px: FloatArray, py: FloatArray, m: int, r: float, d: FloatArray, s: int,
           lower: FloatArray, upper: FloatArray, at: FloatArray, masks: UIntArray) -> int:
    """Fewest craters in any MOS placement of one row (craters px[:m], py[:m]).

    d[s] = (length, width, mos_length, mos_width, r, length - mos_length, width - mos_width).
    lower, upper, at and masks are scratch (m + 1 values), passed whole: slicing one per call
    would cost reference counting.
    """
    # Across: the masks of the valid candidates (0 and each crater's far edge py + r).
    _edges(py, m, r, d[s, 3], lower, upper)
    ny = _candidates(m, upper, d[s, 6], at)
    for v in range(ny):
        masks[v] = _mask(at[v], m, lower, upper)
        if masks[v] == _ZERO:
            return 0  # a free band across: with x = 0 (always valid) the strip is clear
    # Along: the valid candidates (0 and each crater's far edge px + r), each against every
    # y mask.
    _edges(px, m, r, d[s, 2], lower, upper)
    nx = _candidates(m, upper, d[s, 5], at)
    best = 64  # > any count (masks have at most 63 bits); (0, 0) is always valid
    for t in range(nx):
        bits = _mask(at[t], m, lower, upper)
        for v in range(ny):
            best = min(best, _popcount(bits & masks[v]))
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
    px, py = np.empty(k), np.empty(k)
    lower, upper, at = np.empty(k), np.empty(k), np.empty(k + 1)
    masks = np.empty(k + 1, np.uint64)
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
            out[s, i] = fewest(px, py, m, r, dims, s, lower, upper, at, masks)
