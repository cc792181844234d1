"""Compiled (numba) exact MOS search for `runway.repairs_needed`, one trial row at a time.

Imported lazily by `runway`, so `import anpo` does not pay for numba. The answers are those
of the vectorized numpy search `runway._exact`, bit for bit: every comparison below uses
the same operands and the same order of float operations, so each crater blocks exactly
the same candidate placements. Only the counting is cheaper:

- each valid candidate position (0 or a crater's far edge, inside the runway) becomes a
  bitmask of the craters it overlaps, along x and along y separately;
- a placement's crater count is the popcount of (x mask & y mask); a row stops at its
  first free placement (an empty y mask: at once).

The work is laid out for the processor rather than for the operation count. A mask is
built four craters at a time from the crater centres (`_blocked4`: one vector compare
pair and a sign-bit extract, no stored edges); the valid candidates are compacted
without branching on validity (a coin toss, so a branch would mispredict). Sorting the
craters, or skipping masks that contain another, would save masks and popcounts but
costs more than it saves (measured: with sorted craters, x masks are runs of the order,
but finding the runs, or the sort itself, mispredicts).

The crater arrays carry three NaN after the last crater (`pad`): a NaN centre blocks
nothing, so a mask needs no scalar tail.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
from llvmlite import ir
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

    return types.int64(types.uint64), codegen  # int64: a uint64 count would make min() a float


@numba.njit(cache=True, nogil=True, inline="always")
def _popcount(v: np.uint64) -> int:
    return _ctpop(v)  # type: ignore[call-arg]  # numba supplies the typing context


LANES = 4  # craters per vector compare; arrays of craters carry LANES - 1 NaN pads


@intrinsic
def _blocked4(typingctx, x, c, r, mos, u):  # type: ignore[no-untyped-def]
    """Bits 0-3: whether a strip starting at x overlaps crater c[u + i], i.e.
    (c - r) - mos < x < c + r (the operations of `runway._blocks`, in its order)."""

    if not (isinstance(c, types.Array) and c.dtype == types.float64 and c.ndim == 1 and c.layout == "C"):
        return None  # the vector load below reads contiguous float64

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        xv, c_arr, rv, mv, uv = args
        vec = ir.VectorType(ir.DoubleType(), LANES)
        lane0 = ir.Constant(ir.IntType(32), 0)
        broadcast = ir.Constant(ir.VectorType(ir.IntType(32), LANES), [0] * LANES)

        def splat(v):  # type: ignore[no-untyped-def]
            one = builder.insert_element(ir.Constant(vec, ir.Undefined), v, lane0)
            return builder.shuffle_vector(one, ir.Constant(vec, ir.Undefined), broadcast)

        data = context.make_array(signature.args[1])(context, builder, c_arr).data
        centre = builder.load(builder.bitcast(builder.gep(data, [uv]), vec.as_pointer()))
        centre.align = 8
        rs, xs = splat(rv), splat(xv)
        lower = builder.fsub(builder.fsub(centre, rs), splat(mv))
        upper = builder.fadd(centre, rs)
        hit = builder.and_(builder.fcmp_ordered(">", xs, lower), builder.fcmp_ordered("<", xs, upper))
        return builder.zext(builder.bitcast(hit, ir.IntType(LANES)), ir.IntType(64))

    return types.uint64(x, c, r, mos, u), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def pad(c: FloatArray, m: int) -> None:
    """c[m:m + 3] = NaN: the pads a mask reads past the last crater (they block nothing)."""
    for u in range(m, m + LANES - 1):
        c[u] = np.nan


@numba.njit(cache=True, nogil=True, inline="always")
def _mask(x: float, m: int, c: FloatArray, r: float, mos: float) -> np.uint64:
    bits = _ZERO
    for u in range(0, m, LANES):
        bits |= _blocked4(x, c, r, mos, u) << np.uint64(u)  # type: ignore[call-arg]
    return bits


@numba.njit(cache=True, nogil=True, inline="always")
def _candidates(m: int, c: FloatArray, r: float, top: float, at: FloatArray) -> int:
    """at[:n] = the valid candidates (0, then each crater's far edge c + r, within
    [0, top]), compacted without a branch on validity; returns n."""
    at[0] = 0.0
    n = 1
    for u in range(m):
        x = c[u] + r
        at[n] = x
        n += not (x < 0 or x > top)
    return n


@numba.njit(cache=True, nogil=True, inline="always")
def fewest(px: FloatArray, py: FloatArray, m: int, r: float, mos_length: float, mos_width: float,
           top_x: float, top_y: float, at: FloatArray, masks: UIntArray) -> int:
    """Fewest craters in any MOS placement of one row (craters px[:m], py[:m], each
    followed by the NaN pads of `pad`).

    r: crater radius; top_x = length - mos_length, top_y = width - mos_width (the last
    valid strip origins). The strip's constants come as numbers and at and masks (scratch,
    m + 1 values) whole: an array view per call would cost reference counting.
    """
    # Across: the masks of the valid candidates (0 and each crater's far edge py + r).
    ny = _candidates(m, py, r, top_y, at)
    for v in range(ny):
        masks[v] = _mask(at[v], m, py, r, mos_width)
        if masks[v] == _ZERO:
            return 0  # a free band across: with x = 0 (always valid) the strip is clear
    # Along: the valid candidates (0 and each crater's far edge px + r), each against every
    # y mask.
    nx = _candidates(m, px, r, top_x, at)
    best = 64  # > any count (masks have at most 63 bits); (0, 0) is always valid
    for t in range(nx):
        bits = _mask(at[t], m, px, r, mos_length)
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
    px, py = np.empty(k + LANES - 1), np.empty(k + LANES - 1)
    at = np.empty(k + 1)
    masks = np.empty(k + 1, np.uint64)
    for i in range(n):
        m = 0
        for j in range(k):  # gather the craters on the runway (the `_legacy` test)
            a, b = cx[i, j], cy[i, j]
            px[m], py[m] = a, b
            m += (a > -r) & (a < length + r) & (b > -r) & (b < width + r)  # branch-free
        pad(px, m)
        pad(py, m)
        for s in range(dims.shape[0]):
            if m < floors[s]:
                out[s, i] = 0
                continue
            out[s, i] = fewest(px, py, m, r, dims[s, 2], dims[s, 3], dims[s, 5], dims[s, 6], at, masks)
