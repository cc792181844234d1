"""Random numbers inside the compiled kernels: xoshiro256** streams and ziggurat normals.

Each stream tile starts from 256 bits of its own `SeedSequence` child (`streams.stream`),
so tiles stay independent streams. Inside a kernel the generator state is a tuple of
plain numbers threaded through the draws (`r = load(stream)`, `x, r = uniform(r)`, ...,
`store(stream, r)`), so it lives in registers: numba's `np.random.Generator` pays an
indirect call into the bit generator per draw, and a state kept in an array pays for
reference counting at every inlined call.

- xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
  ACM TOMS 47(4), 2021; https://prng.di.unimi.it/): 256-bit state, period 2^256 - 1.
- Uniforms: the top 53 bits of a draw, times 2^-53 (in [0, 1)).
- Normals: the ziggurat method of Marsaglia and Tsang (Journal of Statistical Software
  5(8), 2000) with 256 layers; the layer index and the 32-bit value come from different
  bits of one 64-bit draw (the dependence Leong et al., JSS 12(7), 2005, found in the
  original comes from reusing bits of a weak generator). 256 layers rather than 128 send
  1.5 % of draws to the slow path instead of 2.8 %, and the slow path's wedge test calls
  `exp` only when cheap bounds on the density cannot decide (`_under_density`): the
  crater draws of the strike kernel are about 13 % faster for it, the values unchanged.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
FloatArray = npt.NDArray[np.float64]
State = tuple[np.uint64, np.uint64, np.uint64, np.uint64]

_S17, _S45, _S7, _S11 = np.uint64(17), np.uint64(45), np.uint64(7), np.uint64(11)
LAYERS = 256
_S32, _LAYER = np.uint64(32), np.uint64(LAYERS - 1)
_FIVE, _NINE = np.uint64(5), np.uint64(9)
_TO_UNIT = 2.0**-53


class Stream(NamedTuple):
    """A generator's state between kernel calls: four 64-bit words."""

    state: U64


def _ziggurat_tables() -> tuple[FloatArray, FloatArray, FloatArray]:
    """Layer tables for 256 layers (Marsaglia and Tsang 2000, section 3, with their constants
    for 256): k (acceptance bounds on |32-bit value|), w (value -> x scale) and f (the
    density at layer edges)."""
    m1 = 2.0**31
    n = LAYERS
    dn = tn = 3.6541528853610088  # x of the base layer's right edge
    vn = 4.92867323399e-3  # the area of each layer
    k, w, f = np.zeros(n), np.zeros(n), np.zeros(n)
    q = vn / math.exp(-0.5 * dn * dn)
    k[0], k[1] = (dn / q) * m1, 0.0
    w[0], w[n - 1] = q / m1, dn / m1
    f[0], f[n - 1] = 1.0, math.exp(-0.5 * dn * dn)
    for i in range(n - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(vn / dn + math.exp(-0.5 * dn * dn)))
        k[i + 1] = (dn / tn) * m1
        tn = dn
        f[i] = math.exp(-0.5 * dn * dn)
        w[i] = dn / m1
    return k, w, f


ZIG_K, ZIG_W, ZIG_F = _ziggurat_tables()
ZIG_R = 3.6541528853610088
# |hz| < k  <=>  |hz| < ceil(k) for a whole |hz|: the fast path compares integers.
ZIG_KI = np.ceil(ZIG_K).astype(np.int64)
# The wedge of layer j >= 1 spans |x| in [x[j-1], x[j]] (x[0] = 0): t = x^2 / 2 runs from
# WEDGE_T0[j] to WEDGE_T1[j], and the density exp(-t) from ZIG_F[j-1] to ZIG_F[j].
_EDGE = np.concatenate([[0.0], ZIG_W[1:] * 2.0**31])
WEDGE_T0 = np.concatenate([[0.0], 0.5 * _EDGE[:-1] ** 2])
WEDGE_T1 = 0.5 * _EDGE**2
_SURE = 1e-12  # relative margin: a point this close to a bound is left to exp


@numba.njit(cache=True, nogil=True, inline="always")
def load(s: Stream) -> State:
    w = s.state
    return (w[0], w[1], w[2], w[3])


@numba.njit(cache=True, nogil=True, inline="always")
def store(s: Stream, r: State) -> None:
    s.state[0], s.state[1], s.state[2], s.state[3] = r


@numba.njit(cache=True, nogil=True, inline="always")
def _rotl(x: np.uint64, k: np.uint64) -> np.uint64:
    return (x << k) | (x >> (np.uint64(64) - k))


@numba.njit(cache=True, nogil=True, inline="always")
def next_u64(r: State) -> tuple[np.uint64, State]:
    s0, s1, s2, s3 = r
    out = _rotl(s1 * _FIVE, _S7) * _NINE
    t = s1 << _S17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _S45)
    return out, (s0, s1, s2, s3)


@numba.njit(cache=True, nogil=True, inline="always")
def uniform(r: State) -> tuple[float, State]:
    """Uniform in [0, 1), 53 random bits."""
    x, r = next_u64(r)
    return float(x >> _S11) * _TO_UNIT, r


@numba.njit(cache=True, nogil=True, inline="always")
def _under_density(x: float, y: float, iz: int) -> bool:
    """y < exp(-x^2 / 2) for x in the wedge of layer iz, calling exp only when needed.

    exp(-t) is convex in t, so on the wedge's span of t it lies above the tangents at both
    ends and below the chord between them: y under a tangent is under the density, y over
    the chord is over it (each with a margin for rounding).
    """
    t = 0.5 * x * x
    t0, t1 = WEDGE_T0[iz], WEDGE_T1[iz]
    f0, f1 = ZIG_F[iz - 1], ZIG_F[iz]
    if y < max(f0 * (1.0 - (t - t0)), f1 * (1.0 - (t - t1))) * (1.0 - _SURE):
        return True
    if y > (f0 + (f1 - f0) * ((t - t0) / (t1 - t0))) * (1.0 + _SURE):
        return False
    return y < math.exp(-t)


@numba.njit(cache=True, nogil=True)
def _normal_slow(r: State, hz: np.int32, iz: int) -> tuple[float, State]:
    # The ziggurat's rare paths (about 1.5 % of draws): the tail beyond ZIG_R, and the
    # wedges between a layer's rectangle and the density.
    while True:
        x = hz * ZIG_W[iz]
        if iz == 0:
            while True:
                u1, r = uniform(r)
                u2, r = uniform(r)
                x = -math.log(1.0 - u1) / ZIG_R
                y = -math.log(1.0 - u2)
                if y + y >= x * x:
                    break
            return (ZIG_R + x if hz > 0 else -ZIG_R - x), r
        u, r = uniform(r)
        if _under_density(x, ZIG_F[iz] + u * (ZIG_F[iz - 1] - ZIG_F[iz]), iz):
            return x, r
        bits, r = next_u64(r)
        hz = np.int32(np.uint32(bits >> _S32))
        iz = int(bits & _LAYER)
        if abs(np.int64(hz)) < ZIG_KI[iz]:
            return hz * ZIG_W[iz], r


@numba.njit(cache=True, nogil=True, inline="always")
def normal(r: State) -> tuple[float, State]:
    """A standard normal: one 64-bit draw, a table look-up and a multiply, 98.5 % of the time."""
    bits, r = next_u64(r)
    hz = np.int32(np.uint32(bits >> _S32))  # the top 32 bits as a signed value
    iz = int(bits & _LAYER)  # the layer from the low bits
    if abs(np.int64(hz)) < ZIG_KI[iz]:
        return hz * ZIG_W[iz], r
    return _normal_slow(r, hz, iz)


@numba.njit(cache=True, nogil=True)
def fill(s: Stream, kind: int, out: FloatArray) -> None:
    """out[:] = uniforms (kind 0) or normals (kind 1): for tests and benchmarks."""
    r = load(s)
    for i in range(out.shape[0]):
        if kind == 0:
            out[i], r = uniform(r)
        else:
            out[i], r = normal(r)
    store(s, r)


@numba.njit(cache=True, nogil=True)
def raw(s: Stream, out: U64) -> None:
    """out[:] = the next 64-bit outputs (tested against the published algorithm)."""
    r = load(s)
    for i in range(out.shape[0]):
        out[i], r = next_u64(r)
    store(s, r)
