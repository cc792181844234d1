"""Compiled (numba) salvos on air bases: craters, the MOS search, and the repair queue.

`strikes.closures` packs the struck runways and calls `strike_tile` once per stream tile,
before the timeline of the same tile. Per trial, first the missile defenses (`engage`):
each salvo, base by base in the scenario's order, each missile flies with probability
reliability (x (1 - the flat interception) in the legacy mode), then the upper layer (SM-3)
and the lower layer (PAC-3) engage the survivors while their inventories last, which carry
over from salvo to salvo. A missile that gets through lands; its impact is circular normal
about its aim point (x along the centreline, y across).
The craters on the runway go to the exact MOS search of `runway_kernel` (rows of more
than 63 craters to a plain count with the same candidates and comparisons). A base is
open for a class as soon as one runway is: the search, and the draws for runways left,
stop there (the numbers a later trial gets change, not their distribution).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt

from anpo.sim.rng import State, Stream, load, next_u64, normal, store, uniform
from anpo.sim.runway import MAX_BITS
from anpo.sim.runway_kernel import LANES, fewest, pad

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Scalars s: impact sigma (m), P(a missile flies to its target, before the defenses), repair
# crews, repair hours per crater (median, log spread).
SIGMA, P_LAND, CREWS, REPAIR_H, REPAIR_S, NS = range(6)
# Defense units, one row each (`strikes.Salvos.units`): layer (0 upper SM-3, 1 lower PAC-3),
# interceptors per engagement, ships or fire units, interceptors each; and (`unit_p`) the
# kill probability of one interceptor, the chance a ship or fire unit is on station, and
# the kill probability of a full engagement, 1 - (1 - pk)^shots (a power costs as much as
# several draws: computed once).
U_LAYER, U_SHOTS, U_COUNT, U_PER, NUI = range(5)
U_PK, U_ON, U_PK_FULL, NUP = range(4)
LAYERS = 2
# Engagement tallies per salvo and base, summed over trials (`strikes.Salvos.tally`):
# missiles launched, arrived (flew), then per layer l at 2 + 3 l: missiles engaged,
# missiles destroyed, interceptors fired.
T_LAUNCHED, T_ARRIVED, T_ENGAGED, T_KILLED, T_FIRED = 0, 1, 2, 3, 4
NT = 2 + 3 * LAYERS
CLASSES = 2  # fighter, tanker MOS
NOT_SERVED = -1  # floors[w, c] of a runway that cannot serve class c (too short, not the main one)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
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


class Magazine(NamedTuple):
    """A trial's interceptors and the engagement's scratch (numba takes a named tuple of
    arrays as one argument). `engagements[u]`: engagements left, ceil(stock / shots), kept
    up to date (every engagement but a last short one fires `shots`), so a layer's capacity
    needs no division; `kill[u, f]`: the coin of an engagement of f interceptors, which
    destroys the missile with 1 - (1 - pk)^f (`below`); `on[u]`: the coin of a ship on
    station; `cover[layer, b, :cover_n[layer, b]]`: the units of the layer that cover
    base b, in the units' order (the defended-asset priority)."""

    stock: IntArray
    engagements: IntArray
    kill: IntArray
    on: IntArray
    engagements_of: IntArray  # [u, k]: ceil(k U_PER / U_SHOTS), the engagements of k ships or fire units
    cover: IntArray
    cover_n: IntArray
    flying: IntArray  # the missiles still flying at a base, in order


@numba.njit(cache=True, nogil=True)
def below(p: float) -> int:
    """The k for which uniform(r) < p is (the draw's 53 bits) < k: the uniform is those
    bits times 2^-53, exactly, so x < p holds exactly when the bits are below p 2^53, a
    whole number when rounded up. An integer compare in place of a conversion and a
    multiply, with the same answer for every draw."""
    if not p > 0.0:  # (NaN too: no draw is below it)
        return 0
    return int(math.ceil(min(p, 1.0) * 2.0**53))


@numba.njit(cache=True, nogil=True, inline="always")
def _coin(bits: np.uint64, k: int) -> bool:
    # uniform(r) < p for the 64-bit draw of uniform(r) and k = below(p)
    return bool(np.int64(bits >> _S11) < k)


@numba.njit(cache=True, nogil=True)
def magazine(units: IntArray, unit_p: FloatArray, covers: IntArray, missiles: int) -> Magazine:
    """An empty magazine for the unit rows, the bases they cover and `missiles` missiles a salvo."""
    n = units.shape[0]
    kill = np.empty((n, max(1, units[:, U_SHOTS].max() + 1) if n else 1), np.int64)
    on = np.empty(n, np.int64)
    for u in range(n):
        for f in range(kill.shape[1]):
            full = f == units[u, U_SHOTS]
            kill[u, f] = below(unit_p[u, U_PK_FULL] if full else 1.0 - (1.0 - unit_p[u, U_PK]) ** f)
        on[u] = below(unit_p[u, U_ON])
    # (a table: no division per unit and trial in `stock_up`)
    engagements_of = np.empty((n, max(1, units[:, U_COUNT].max() + 1) if n else 1), np.int64)
    for u in range(n):
        for k in range(units[u, U_COUNT] + 1):
            engagements_of[u, k] = (k * units[u, U_PER] + units[u, U_SHOTS] - 1) // units[u, U_SHOTS]
    bases = covers.shape[1]  # (0, bases) without units
    cover = np.zeros((LAYERS, bases, max(1, n)), np.int64)
    cover_n = np.zeros((LAYERS, bases), np.int64)
    for u in range(n):
        for b in range(bases):
            if covers[u, b] != 0:
                layer = units[u, U_LAYER]
                cover[layer, b, cover_n[layer, b]] = u
                cover_n[layer, b] += 1
    return Magazine(np.empty(n, np.int64), np.empty(n, np.int64), kill, on, engagements_of, cover, cover_n,
                    np.empty(max(1, missiles), np.int64))


@numba.njit(cache=True, nogil=True, inline="always")
def stock_up(r: State, units: IntArray, unit_p: FloatArray, mag: Magazine) -> State:
    """A trial's interceptors at the first salvo: per unit row, its ships or fire units on
    station (each with probability U_ON) times the interceptors each carries."""
    for u in range(units.shape[0]):
        on = units[u, U_COUNT]
        if unit_p[u, U_ON] < 1.0:
            on = 0
            for _ in range(units[u, U_COUNT]):
                bits, r = next_u64(r)
                on += _coin(bits, mag.on[u])
        mag.stock[u] = on * units[u, U_PER]
        mag.engagements[u] = mag.engagements_of[u, on]
    return r


@numba.njit(cache=True, nogil=True, inline="always")
def engage(r: State, s: int, base_first: IntArray, missile_first: IntArray, p_fly: float, units: IntArray,
           unit_p: FloatArray, covers: IntArray, mag: Magazine, alive: npt.NDArray[np.uint8],
           tally: IntArray) -> State:
    """Salvo s against every base, in the scenario's order (the defended-asset priority of
    the units that cover several): alive[s, j] for each missile j (runway w's missiles are
    missile_first[w]..missile_first[w+1]-1) says whether it gets through.

    Each missile flies with p_fly (two 32-bit coins per 64-bit draw). Then each layer,
    upper first, engages the missiles still flying at the base, one engagement each, with
    the shots of the first covering unit that has interceptors left (a last, short
    engagement fires what is left). When the layer's covering units cannot engage them
    all, the missiles engaged are a uniformly random subset (selection sampling: one
    uniform per candidate, only then). An engagement of f interceptors destroys the
    missile with 1 - (1 - pk)^f. The stock is not refilled between salvos.

    The draws and what each decides are those of the plain loop (candidate by candidate,
    the unit looked up per engagement); it runs a unit at a time instead: when the layer
    engages every missile, a unit's full engagements are one tight loop of coins, and the
    list of missiles still flying is compacted as they fall, for the next layer.
    """
    # A coin is 32 bits k, flying when float(k) < p_fly 2^32: when k < ifly, that rounded up.
    ifly = min(int(math.ceil(p_fly * 2.0**32)), 1 << 32) if p_fly > 0.0 else 0
    for b in range(base_first.shape[0] - 1):
        m0, m1 = missile_first[base_first[b]], missile_first[base_first[b + 1]]
        n = 0
        for j in range(m0, m1, 2):  # flying[:n]: the missiles that fly, compacted without a branch
            bits, r = next_u64(r)
            a = bool(np.int64(bits >> _S32) < ifly)
            alive[s, j] = a
            mag.flying[n] = j
            n += a
            if j + 1 < m1:
                a = bool(np.int64(bits & _HALF) < ifly)
                alive[s, j + 1] = a
                mag.flying[n] = j + 1
                n += a
        tally[s, b, T_LAUNCHED] += m1 - m0
        tally[s, b, T_ARRIVED] += n
        for layer in range(LAYERS):
            if n == 0:
                break
            nc = mag.cover_n[layer, b]
            cap = 0
            for t in range(nc):
                cap += mag.engagements[mag.cover[layer, b, t]]
            if cap == 0:
                continue
            engaged = killed = fired = 0
            kept = 0  # flying[:kept]: the missiles still flying after this layer
            if cap >= n:  # every missile is engaged, in order, unit after unit
                v = t = 0
                while v < n:
                    u = mag.cover[layer, b, t]
                    t += 1
                    e = mag.engagements[u]
                    if e == 0:
                        continue
                    k = min(e, n - v)
                    shots = units[u, U_SHOTS]
                    full = k if mag.stock[u] >= k * shots else k - 1  # only a unit's last can be short
                    coin = mag.kill[u, shots]
                    for _ in range(full):
                        j = mag.flying[v]
                        v += 1
                        bits, r = next_u64(r)
                        hit = _coin(bits, coin)  # a coin toss: no branch on it
                        alive[s, j] = not hit
                        mag.flying[kept] = j
                        kept += not hit
                        killed += hit
                    f = full * shots
                    if k > full:
                        last = mag.stock[u] - f
                        j = mag.flying[v]
                        v += 1
                        bits, r = next_u64(r)
                        hit = _coin(bits, mag.kill[u, last])
                        alive[s, j] = not hit
                        mag.flying[kept] = j
                        kept += not hit
                        killed += hit
                        f += last
                    mag.stock[u] -= f
                    mag.engagements[u] -= k
                    engaged += k
                    fired += f
            else:  # a random subset: cap of the n, by selection sampling
                need, left = cap, n
                t = v = 0
                u = mag.cover[layer, b, 0]
                while v < n and need > 0:
                    j = mag.flying[v]
                    v += 1
                    x, r = uniform(r)
                    pick = x * left < need
                    left -= 1
                    if not pick:
                        mag.flying[kept] = j
                        kept += 1
                        continue
                    need -= 1
                    while mag.stock[u] == 0:
                        t += 1
                        u = mag.cover[layer, b, t]
                    f = min(units[u, U_SHOTS], mag.stock[u])
                    mag.stock[u] -= f
                    mag.engagements[u] -= 1
                    bits, r = next_u64(r)
                    hit = _coin(bits, mag.kill[u, f])
                    alive[s, j] = not hit
                    mag.flying[kept] = j
                    kept += not hit
                    killed += hit
                    engaged += 1
                    fired += f
                while v < n:  # not reached: still flying
                    mag.flying[kept] = mag.flying[v]
                    kept += 1
                    v += 1
            n = kept
            t = 2 + 3 * layer
            tally[s, b, t] += engaged
            tally[s, b, t + T_KILLED - T_ENGAGED] += killed
            tally[s, b, t + T_FIRED - T_ENGAGED] += fired
    return r


@numba.njit(cache=True, nogil=True, inline="always")
def _craters(r: State, alive: npt.NDArray[np.uint8], s: int, off: int, k: int, sigma: float, length: float,
             width: float, rad: float, aim: IntArray, px: FloatArray, py: FloatArray) -> tuple[int, State]:
    """The craters that k missiles, aimed at evenly spaced points along one runway's
    centreline, leave on the runway (within a crater radius of it): px[:m], py[:m] in aim
    order, and m. Missile j gets through when alive[s, off + j] (`engage`).

    Passes that draw only what the survivors of the one before need, none branching on a
    coin toss (a mispredicted branch costs about as much as a normal draw): the missiles
    that got through, where they fall across the runway, then where those on it fall
    along it.
    """
    n = 0
    for j in range(k):
        aim[n] = j
        n += alive[s, off + j]
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
    units: IntArray,
    unit_p: FloatArray,
    covers: IntArray,
    tally: IntArray,
) -> None:
    """Closures of trials lo..hi-1: ends[i, b, class, salvo] and closed[i, b * 2 + class] (h).

    Runways of base b are rows base_first[b]..base_first[b+1]-1 of `missiles` (aimed at
    each), `dims` (runway, class, the 7 constants of `runway.kernel_constants`) and
    `floors` (runway, class: fewer craters than this cannot close it; NOT_SERVED: the
    runway cannot serve the class). A closure [start, end) per salvo. The defenses
    (`units`, `unit_p`, `covers[unit, base]`) engage every salvo first (`engage`), adding
    to `tally[salvo, base, NT]`.

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
    sigma = sc[SIGMA]
    missile_first = np.zeros(missiles.shape[0] + 1, np.int64)
    missile_first[1:] = np.cumsum(missiles)
    alive = np.empty((salvos, max(1, missile_first[-1])), np.uint8)
    mag = magazine(units, unit_p, covers, missile_first[-1])
    r = load(st)
    for i in range(lo, hi):
        r = stock_up(r, units, unit_p, mag)
        for s in range(salvos):
            r = engage(r, s, base_first, missile_first, sc[P_LAND], units, unit_p, covers, mag, alive,
                       tally)
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
                    m, r = _craters(r, alive, s, missile_first[w], k, sigma, length, width, rad, aim, px, py)
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
