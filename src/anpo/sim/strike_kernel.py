"""Compiled (numba) salvos on air bases: craters, the MOS search, and the repair queue.

`strikes.closures` packs the struck runways and calls `strike_tile` once per stream tile,
before the timeline of the same tile. Per trial, base and salvo, each missile aimed at a
runway lands with probability reliability x (1 - interception); its impact is circular
normal about its aim point (x along the centreline, y across).
The craters on the runway go to the exact MOS search of `runway_kernel` (rows of more
than 63 craters to a plain count with the same candidates and comparisons). A base is
open for a class as soon as one runway is: the search, and the draws for runways left,
stop there (the numbers a later trial gets change, not their distribution).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from anpo.sim.rng import State, Stream, load, next_u64, normal, store
from anpo.sim.runway import MAX_BITS
from anpo.sim.runway_kernel import LANES, fewest, pad

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Scalars s: impact sigma (m), P(a missile lands), repair crews, repair hours per crater
# (median, log spread).
SIGMA, P_LAND, CREWS, REPAIR_H, REPAIR_S, NS = range(6)
CLASSES = 2  # fighter, tanker MOS
NOT_SERVED = -1  # floors[w, c] of a runway that cannot serve class c (too short, not the main one)
_S32 = np.uint64(32)
_HALF = np.uint64(0xFFFFFFFF)


@numba.njit(cache=True, nogil=True)
def _fewest_plain(px: FloatArray, py: FloatArray, m: int, d: FloatArray, s: int) -> int:
    # `runway._exact` for rows wider than one 64-bit mask: every valid (x, y) candidate.
    r = d[s, 4]
    best = m
    for a in range(m + 1):
        x = 0.0 if a == 0 else px[a - 1] + r
        if x < 0 or x > d[s, 5]:
            continue
        for b in range(m + 1):
            y = 0.0 if b == 0 else py[b - 1] + r
            if y < 0 or y > d[s, 6]:
                continue
            hits = 0
            for v in range(m):
                hits += (
                    (x > px[v] - r - d[s, 2]) & (x < px[v] + r) & (y > py[v] - r - d[s, 3]) & (y < py[v] + r)
                )
            best = min(best, hits)
    return best


@numba.njit(cache=True, nogil=True, inline="always")
def _craters(r: State, k: int, sigma: float, p_land: float, length: float, width: float,
             rad: float, aim: IntArray, px: FloatArray, py: FloatArray) -> tuple[int, State]:
    """The craters that k missiles, aimed at evenly spaced points along one runway's
    centreline, leave on the runway (within a crater radius of it): px[:m], py[:m] in aim
    order, and m.

    Three passes, each drawing only what the survivors of the one before need, none
    branching on a coin toss (a mispredicted branch costs about as much as a normal draw):
    which missiles land (two 32-bit coins per 64-bit draw: P(land) to 2^-32), where the
    landed ones fall across the runway, then where those on it fall along it.
    """
    land = p_land * 2.0**32
    n = 0
    for j in range(0, k, 2):
        bits, r = next_u64(r)
        aim[n] = j
        n += float(bits >> _S32) < land
        if j + 1 < k:
            aim[n] = j + 1
            n += float(bits & _HALF) < land
    centre, y_end = width / 2.0, width + rad
    m = 0
    for v in range(n):
        z, r = normal(r)
        y = z * sigma + centre
        py[m], aim[m] = y, aim[v]
        m += (y > -rad) & (y < y_end)
    spacing, x_end = length / k, length + rad
    n, m = m, 0
    for v in range(n):
        z, r = normal(r)
        x = z * sigma + (aim[v] + 0.5) * spacing
        px[m], py[m] = x, py[v]
        m += (x > -rad) & (x < x_end)
    return m, r


@numba.njit(cache=True, nogil=True)
def strike_tile(
    st: Stream,
    lo: int,
    hi: int,
    sc: FloatArray,
    starts: FloatArray,
    base_first: IntArray,
    missiles: IntArray,
    dims: FloatArray,
    floors: IntArray,
    ends: FloatArray,
    closed: FloatArray,
) -> None:
    """Closures of trials lo..hi-1: ends[i, b, class, salvo] and closed[i, b * 2 + class] (h).

    Runways of base b are rows base_first[b]..base_first[b+1]-1 of `missiles` (aimed at
    each), `dims` (runway, class, the 7 constants of `runway.kernel_constants`) and
    `floors` (runway, class: fewer craters than this cannot close it; NOT_SERVED: the
    runway cannot serve the class). A closure [start, end) per salvo.

    `strikes.Salvos.draw` calls it for a single salvo. Given several, it would draw each on
    intact runways and queue the repairs; campaigns go to `campaign_kernel`, which keeps the
    craters the crews have not reached.
    """
    bases = base_first.shape[0] - 1
    salvos = starts.shape[0]
    most = max(1, missiles.max())
    px, py = np.empty(most + LANES - 1), np.empty(most + LANES - 1)  # + the NaN pads
    aim, at = np.empty(most, np.int64), np.empty(most + 1)
    masks = np.empty(most + 1, np.uint64)
    best = np.empty(CLASSES, np.int64)
    prev = np.empty(CLASSES)
    sigma, p_land = sc[SIGMA], sc[P_LAND]
    r = load(st)
    for i in range(lo, hi):
        for b in range(bases):
            hours = sc[REPAIR_H]
            if sc[REPAIR_S] != 0.0:
                z, r = normal(r)
                hours *= math.exp(sc[REPAIR_S] * z)
            for c in range(CLASSES):
                prev[c] = -np.inf
                closed[i, b * CLASSES + c] = 0.0
            for s in range(salvos):
                for c in range(CLASSES):
                    best[c] = 1 << 62
                for w in range(base_first[b], base_first[b + 1]):
                    if best[0] == 0 and best[1] == 0:  # (not best.max(): a call per runway)
                        break  # every class has an open runway: the others cannot matter
                    k = missiles[w]
                    if k == 0:  # an untargeted runway stays open, for the classes it serves
                        for c in range(CLASSES):
                            if floors[w, c] != NOT_SERVED:
                                best[c] = 0
                        continue
                    length, width, rad = dims[w, 0, 0], dims[w, 0, 1], dims[w, 0, 4]
                    m, r = _craters(r, k, sigma, p_land, length, width, rad, aim, px, py)
                    pad(px, m)
                    pad(py, m)
                    for c in range(CLASSES):
                        if best[c] == 0 or floors[w, c] == NOT_SERVED:
                            continue  # already open on another runway, or of no use to c
                        if m < floors[w, c]:
                            got = 0
                        elif m <= MAX_BITS:
                            got = fewest(px, py, m, rad, dims[w, c, 2], dims[w, c, 3], dims[w, c, 5],
                                         dims[w, c, 6], at, masks)  # numbers: a view would be refcounted
                        else:
                            got = _fewest_plain(px, py, m, dims[w], c)
                        best[c] = min(best[c], got)
                for c in range(CLASSES):
                    start = starts[s]
                    begin = max(prev[c], start)
                    dur = math.ceil(best[c] / sc[CREWS]) * hours
                    end = begin + dur if dur > 0 else begin
                    ends[i, b, c, s] = end
                    closed[i, b * CLASSES + c] += max(0.0, end - max(start, prev[c]))
                    prev[c] = end
    store(st, r)
