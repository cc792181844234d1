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

from anpo.sim.rng import SPARE_BITS, Stream, load, normal, normal_and_spare, store
from anpo.sim.runway import MAX_BITS
from anpo.sim.runway_kernel import fewest, sort_craters

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Scalars s: impact sigma (m), P(a missile lands), repair crews, repair hours per crater
# (median, log spread).
SIGMA, P_LAND, CREWS, REPAIR_H, REPAIR_S, NS = range(6)
CLASSES = 2  # fighter, tanker MOS


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
    each), `dims` (runway, class, 7 constants of `runway._dims`) and `floors` (runway, class:
    fewer craters than this cannot close it). A closure [start, end) per salvo; the crews
    work salvo after salvo, so a backlog carries over.
    """
    bases = base_first.shape[0] - 1
    salvos = starts.shape[0]
    most = max(1, missiles.max())
    px, py = np.empty(most), np.empty(most)
    lower, upper, at = np.empty(most), np.empty(most), np.empty(most + 1)
    masks = np.empty(most + 1, np.uint64)
    best = np.empty(CLASSES, np.int64)
    prev = np.empty(CLASSES)
    sigma, lands = sc[SIGMA], sc[P_LAND] * 2.0**SPARE_BITS
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
                best[:] = 1 << 62
                for w in range(base_first[b], base_first[b + 1]):
                    if best[0] == 0 and best[1] == 0:  # (not best.max(): a call per runway)
                        break  # every class has an open runway: the others cannot matter
                    k = missiles[w]
                    if k == 0:
                        best[:] = 0  # an untargeted runway stays open
                        continue
                    length, width, rad = dims[w, 0, 0], dims[w, 0, 1], dims[w, 0, 4]
                    m = 0
                    for j in range(k):
                        # Both normals are drawn for every missile, and whether it lands
                        # rides on spare bits of the first draw: no branch on a coin toss.
                        across, spare, r = normal_and_spare(r)
                        along, r = normal(r)
                        y = across * sigma + width / 2.0
                        x = along * sigma + (j + 0.5) * (length / k)
                        px[m], py[m] = x, y  # kept (m moves on) if it lands on the runway
                        on = (x > -rad) & (x < length + rad) & (y > -rad) & (y < width + rad)
                        m += (spare < lands) & on
                    unsorted = True
                    for c in range(CLASSES):
                        if best[c] == 0:
                            continue  # already open on another runway
                        if m < floors[w, c]:
                            got = 0
                        elif m <= MAX_BITS:
                            if unsorted:  # once for both classes
                                sort_craters(px, py, m)
                                unsorted = False
                            got = fewest(px, py, m, rad, dims[w], c, lower, upper, at, masks)
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
