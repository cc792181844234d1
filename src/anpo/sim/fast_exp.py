"""exp(x) in plain arithmetic, so a loop over a block of trials vectorizes.

numba compiles `math.exp` to a call into the C library per value (about 4-7 ns here, and a
loop around it does not vectorize); the timeline's lognormal delays took about a third of
its time that way. This one is arithmetic only: x = k ln 2 + r with |r| <= ln 2 / 2 (Cody
and Waite's two-part ln 2, as in fdlibm's exp), a degree-13 Taylor polynomial for e^r
(truncation below 1e-17 relative), and 2^k put into the exponent bits. It agrees with the
C library to within 3 units in the last place (about one value in seven differs at all);
exp(0) is exactly 1, so a delay without spread is exactly its median. numba does not fuse
multiply-adds without fastmath, so the scalar and the vectorized loops give the same bits.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # its low 32 bits are zero: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_ROUND = 6755399441055744.0  # 1.5 * 2^52: adding and subtracting it rounds to a whole number


@intrinsic
def _float_of_bits(typingctx, x):  # type: ignore[no-untyped-def]
    # An int64's bits as a float64 (a register move, which vectorizes).
    if not isinstance(x, types.Integer) or x.bitwidth != 64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def exp(x: float) -> float:
    """e^x for finite x; below -708 and above 709 taken there (subnormal or huge results
    are not needed: the arguments are spreads times normal draws)."""
    x = min(max(x, -708.0), 709.0)
    k = (x * _LOG2E + _ROUND) - _ROUND
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 + r * (1.0 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (
        1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r * (
            1 / 479001600 + r * (1 / 6227020800)))))))))))))  # fmt: skip
    return p * _float_of_bits((np.int64(k) + 1023) << 52)  # type: ignore[call-arg]
