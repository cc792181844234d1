"""Compiled (numba) campaigns of several salvos, with damage that stays until it is repaired.

`strike_kernel` draws each salvo on an intact runway. Across a campaign that forgets the
craters the crews had no time to fill: a base struck every day by more missiles than its
crews repair in a day would reopen each morning. Here each runway keeps its unrepaired
craters from salvo to salvo, seen by one aircraft class at a time (as in `strike_kernel`,
each class's closure is the time the crews need when they work for that class):

- at each salvo, the crews' progress since the last one is applied: in rounds of
  `hours` per crater, `crews` craters a round, in the order of their work list;
- the salvo's new craters join the runways' remaining ones;
- the exact MOS search (`fewest_ordered`, the same candidates and comparisons as
  `runway._exact`) finds the placement with the fewest craters on the best runway; the
  runway is closed for ceil(fewest / crews) rounds, or until the next salvo;
- the work list is then: that placement's craters, the rest of that runway, the other
  runways. Crews that reopen a strip keep repairing until the next salvo.

The search sweeps the x candidates in order with a window of the craters sorted by x and
counts per y candidate (a plain array up to FLAT_MAX candidates, a min tree above: O(m log
m) for m craters, which stays fast when the craters of many salvos pile up, and has no
63-crater mask limit). It needs the craters' orders by x and by y, and its answer depends
on their values only: each runway keeps both orders across the salvos (a salvo's own
craters sorted once, merged in), where sorting all the craters at every search took about
half a campaign's time (docs/model.md, Numerics).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from anpo.sim.rng import Stream, load, normal, store
from anpo.sim.strike_kernel import (
    CLASSES,
    CREWS,
    NOT_SERVED,
    P_LAND,
    REPAIR_H,
    REPAIR_S,
    SIGMA,
    _craters,
    engage,
    magazine,
    stock_up,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# campaign_base's scratch: kx, ky, rank, held, the search's scratch and idx, xo, yo, remap,
# and the salvos' own orders fo[x or y, runway, salvo * most + j].
State = tuple[FloatArray, FloatArray, IntArray, IntArray, FloatArray, IntArray, IntArray, IntArray, IntArray,
              IntArray]

UNRANKED = np.int64(1) << np.int64(62)  # a crater not yet on the crews' work list


_FAR = 1 << 40  # the value of a padding leaf: never the minimum
FLAT_MAX = 128  # y candidates up to which a search counts them in a plain array (`_sweep_flat`)


@numba.njit(cache=True, nogil=True, inline="always")
def _pull(tree: IntArray, lazy: IntArray, p: int) -> None:
    while p > 1:
        p >>= 1
        tree[p] = min(tree[2 * p], tree[2 * p + 1]) + lazy[p]


@numba.njit(cache=True, nogil=True)
def _add(tree: IntArray, lazy: IntArray, size: int, lo: int, hi: int, v: int) -> None:
    """Add v to leaves [lo, hi) of a min tree whose node holds its subtree's minimum."""
    if lo >= hi:
        return
    lo += size
    hi += size
    l0, h0 = lo, hi - 1
    while lo < hi:
        if lo & 1:
            tree[lo] += v
            lazy[lo] += v
            lo += 1
        if hi & 1:
            hi -= 1
            tree[hi] += v
            lazy[hi] += v
        lo >>= 1
        hi >>= 1
    _pull(tree, lazy, l0)
    _pull(tree, lazy, h0)


@numba.njit(cache=True, nogil=True)
def fewest_where(px: FloatArray, py: FloatArray, m: int, d: FloatArray, scratch: FloatArray,
                 idx: IntArray) -> tuple[int, float, float]:
    """Fewest craters in any MOS placement of craters px[:m], py[:m], and that placement's
    origin (x, y): `fewest_ordered` with the craters' orders sorted here.

    d: the 7 constants of `runway.kernel_constants` (length, width, mos_length, mos_width,
    r, length - mos_length, width - mos_width). scratch holds >= 2m + 1 floats and idx
    >= 10m + 8 integers.
    """
    return fewest_ordered(px, py, m, np.argsort(px[:m]), np.argsort(py[:m]), d, scratch, idx)


@numba.njit(cache=True, nogil=True)
def fewest_ordered(px: FloatArray, py: FloatArray, m: int, xo: IntArray, yo: IntArray, d: FloatArray,
                   scratch: FloatArray, idx: IntArray) -> tuple[int, float, float]:
    """`fewest_where` given xo[:m] and yo[:m], the craters' indices in increasing order of
    px and of py (ties in any order). Finite coordinates.

    The x candidates are visited in increasing order; the craters blocking a strip that
    starts at x are then a window of the craters sorted by x, which only moves forward.
    Each crater blocks an interval of the sorted y candidates; a min tree over those
    candidates counts the window's craters per y candidate, so each step costs the
    craters entering and leaving it (O(m log m) a search). The comparisons are those of
    `runway._blocks`, so the count equals the numpy search's.

    The answer depends on the craters' values only, not on how ties are ordered: the
    window's craters at each x, the y candidates and each crater's interval are all
    decided by comparisons of values. So a campaign keeps each runway's orders from salvo
    to salvo (`campaign_base`) instead of sorting all its craters at every search.
    """
    r, mos_l, mos_w, top_x, top_y = d[4], d[2], d[3], d[5], d[6]
    ys, sx = scratch[: m + 1], scratch[m + 1 : 2 * m + 1]
    for j in range(m):
        sx[j] = px[xo[j]]
    # The y candidates, sorted: 0, then y + r (>= 0, and increasing with y) in yo's order.
    ys[0] = 0.0
    ny = 1
    for j in range(m):
        y = py[yo[j]] + r
        if not (y < 0 or y > top_y):
            ys[ny] = y
            ny += 1
    # Crater k blocks the y candidates strictly between (y - r) - mos_w and y + r: the
    # index range [a_k, b_k) of the sorted candidates (searchsorted right and left). Both
    # bounds grow with y, so in yo's order each is a pointer that only moves forward.
    a, b = idx[:m], idx[m : 2 * m]
    lo = hi = 0
    for j in range(m):
        k = yo[j]
        low, high = (py[k] - r) - mos_w, py[k] + r
        while lo < ny and ys[lo] <= low:
            lo += 1
        while hi < ny and ys[hi] < high:
            hi += 1
        a[k], b[k] = lo, hi
    if ny <= FLAT_MAX:
        return _sweep_flat(sx, xo, a, b, m, ys, ny, idx[2 * m :], r, mos_l, top_x)
    return _sweep_tree(sx, xo, a, b, m, ys, ny, idx[2 * m :], r, mos_l, top_x)


@numba.njit(cache=True, nogil=True)
def _sweep_tree(sx: FloatArray, xo: IntArray, a: IntArray, b: IntArray, m: int, ys: FloatArray, ny: int,
                idx: IntArray, r: float, mos_l: float, top_x: float) -> tuple[int, float, float]:
    # The sweep of `fewest_ordered` with a min tree over the y candidates (range add, global
    # minimum): O(log ny) a crater entering or leaving the window.
    size = 1
    while size < ny:
        size *= 2
    tree, lazy = idx[: 2 * size], idx[2 * size : 4 * size]
    lazy[:] = 0
    tree[size : size + ny] = 0
    tree[size + ny :] = _FAR
    for p in range(size - 1, 0, -1):
        tree[p] = min(tree[2 * p], tree[2 * p + 1])
    best, best_x, best_y = m + 1, 0.0, 0.0
    enter = leave = 0
    for t in range(-1, m):
        x = 0.0 if t < 0 else sx[t] + r  # 0, then the far edges in increasing order
        if x < 0:
            continue
        if x > top_x:
            break
        while enter < m and (sx[enter] - r) - mos_l < x:
            k = xo[enter]
            _add(tree, lazy, size, a[k], b[k], 1)
            enter += 1
        while leave < enter and not (x < sx[leave] + r):
            k = xo[leave]
            _add(tree, lazy, size, a[k], b[k], -1)
            leave += 1
        if tree[1] < best:
            p = 1
            while p < size:  # down to the leftmost leaf holding the minimum
                p = 2 * p if tree[2 * p] <= tree[2 * p + 1] else 2 * p + 1
            best, best_x, best_y = tree[1], x, ys[p - size]
            if best == 0:
                break
    return best, best_x, best_y


@numba.njit(cache=True, nogil=True)
def _sweep_flat(sx: FloatArray, xo: IntArray, a: IntArray, b: IntArray, m: int, ys: FloatArray, ny: int,
                idx: IntArray, r: float, mos_l: float, top_x: float) -> tuple[int, float, float]:
    # The sweep of `_sweep_tree` with the counts per y candidate in a plain array: a crater
    # entering or leaving adds to its interval, and the minimum is a scan (both loops the
    # compiler vectorizes). Same counts at every x, so the same minimum, and its first
    # candidate is the tree's leftmost leaf holding it: the same answer.
    count = idx[:ny]
    count[:] = 0
    best, best_x, best_y = m + 1, 0.0, 0.0
    enter = leave = 0
    for t in range(-1, m):
        x = 0.0 if t < 0 else sx[t] + r  # 0, then the far edges in increasing order
        if x < 0:
            continue
        if x > top_x:
            break
        moved = t < 0  # (the first x is always weighed)
        while enter < m and (sx[enter] - r) - mos_l < x:
            k = xo[enter]
            for q in range(a[k], b[k]):
                count[q] += 1
            enter += 1
            moved = True
        while leave < enter and not (x < sx[leave] + r):
            k = xo[leave]
            for q in range(a[k], b[k]):
                count[q] -= 1
            leave += 1
            moved = True
        if not moved:
            continue  # the same window: the same counts as at the last x, already weighed
        low = count[0]
        for q in range(1, ny):
            low = min(low, count[q])
        if low < best:
            q = 0
            while count[q] != low:
                q += 1
            best, best_x, best_y = low, x, ys[q]
            if best == 0:
                break
    return best, best_x, best_y


@numba.njit(cache=True, nogil=True)
def sort_order(v: FloatArray, m: int, out: IntArray) -> None:
    """out[:m] = the indices of v[:m] in increasing order of v (ties in index order)."""
    if m > 48:  # insertion sort only where it is short (a salvo's craters on one runway)
        out[:m] = np.argsort(v[:m], kind="mergesort")
        return
    for j in range(m):
        x = v[j]
        i = j
        while i > 0 and v[out[i - 1]] > x:
            out[i] = out[i - 1]
            i -= 1
        out[i] = j


@numba.njit(cache=True, nogil=True)
def merge_order(order: IntArray, held: int, remap: IntArray, keep: int, v: FloatArray, fresh: IntArray,
                f: int) -> None:
    """A runway's order after a salvo: order[:held] sorted the old craters; the kept ones are
    now craters remap[j] (-1: repaired), 0 <= remap[j] < keep, and the salvo's craters
    keep + fresh[:f] (fresh sorted by v). Leaves order[:keep + f] sorting v[:keep + f]."""
    n = 0
    for i in range(held):
        e = remap[order[i]]
        if e >= 0:
            order[n] = e
            n += 1
    i, j, k = keep - 1, f - 1, keep + f - 1
    while j >= 0:  # from the top down, in place
        if i >= 0 and v[order[i]] > v[keep + fresh[j]]:
            order[k] = order[i]
            i -= 1
        else:
            order[k] = keep + fresh[j]
            j -= 1
        k -= 1


@numba.njit(cache=True, nogil=True)
def _blocks(x: float, y: float, cx: float, cy: float, d: FloatArray) -> bool:
    r = d[4]
    return ((cx - r) - d[2] < x) & (x < cx + r) & ((cy - r) - d[3] < y) & (y < cy + r)


@numba.njit(cache=True, nogil=True)
def campaign_base(
    fx: FloatArray,
    fy: FloatArray,
    fresh: IntArray,
    starts: FloatArray,
    hours: float,
    crews: float,
    w0: int,
    w1: int,
    dims: FloatArray,
    floors: IntArray,
    state: State,
    ends: FloatArray,
    closed: FloatArray,
) -> None:
    """One base's campaign, given each salvo's new craters: fx[s, w, :fresh[s, w]] (and fy)
    for salvo s and runway w0 <= w < w1. Writes ends[class, salvo] and closed[class].

    state: `campaign_state` (cap >= the craters a runway can hold). Each runway's craters
    are kept in the order of the crews' work list (kx, ky, rank) and, as indices into
    those, sorted by x and by y (xo, yo): a salvo's craters are sorted on their own (the
    same for both classes) and merged in, so the search sorts nothing.
    """
    kx, ky, rank, held, scratch, idx, xo, yo, remap, fo = state
    salvos = starts.shape[0]
    most = fx.shape[2]
    for c in range(CLASSES):
        closed[c] = 0.0
        for w in range(w0, w1):
            held[c, w] = 0
    for s in range(salvos):
        for w in range(w0, w1):
            sort_order(fx[s, w], fresh[s, w], fo[0, w, s * most :])
            sort_order(fy[s, w], fresh[s, w], fo[1, w, s * most :])
    for c in range(CLASSES):
        begin = -np.inf
        for s in range(salvos):
            t = starts[s]
            # The crews' work since the last salvo: whole rounds, in work-list order.
            done = 0.0
            if begin > -np.inf:
                done = crews * math.floor((t - begin) / hours) if hours > 0.0 else np.inf
            best, bw, bx, by = 1 << 62, -1, 0.0, 0.0
            for w in range(w0, w1):
                if floors[w, c] == NOT_SERVED:
                    continue
                n = 0
                for j in range(held[c, w]):  # keep what is not repaired yet
                    remap[j] = -1
                    if rank[c, w, j] >= done:
                        kx[c, w, n], ky[c, w, n] = kx[c, w, j], ky[c, w, j]
                        remap[j] = n
                        n += 1
                keep, f = n, fresh[s, w]
                for j in range(f):
                    kx[c, w, n], ky[c, w, n] = fx[s, w, j], fy[s, w, j]
                    n += 1
                merge_order(xo[c, w], held[c, w], remap, keep, kx[c, w], fo[0, w, s * most :], f)
                merge_order(yo[c, w], held[c, w], remap, keep, ky[c, w], fo[1, w, s * most :], f)
                held[c, w] = n
                if best == 0:
                    continue  # open on another runway: this one's craters are only kept
                if n < floors[w, c]:
                    got, gx, gy = 0, 0.0, 0.0  # below the need() bound: open
                else:
                    got, gx, gy = fewest_ordered(kx[c, w], ky[c, w], n, xo[c, w], yo[c, w], dims[w, c],
                                                 scratch, idx)
                if got < best:
                    best, bw, bx, by = got, w, gx, gy
            # The work list: the chosen placement's craters, its runway, the others.
            nxt = 0
            closing = bw >= 0 and best > 0
            if closing:
                for j in range(held[c, bw]):
                    rank[c, bw, j] = UNRANKED
                    if _blocks(bx, by, kx[c, bw, j], ky[c, bw, j], dims[bw, c]):
                        rank[c, bw, j] = nxt
                        nxt += 1
                for j in range(held[c, bw]):
                    if rank[c, bw, j] == UNRANKED:
                        rank[c, bw, j] = nxt
                        nxt += 1
            for w in range(w0, w1):
                if floors[w, c] == NOT_SERVED or (closing and w == bw):
                    continue
                for j in range(held[c, w]):
                    rank[c, w, j] = nxt
                    nxt += 1
            begin = t
            end = t + math.ceil(best / crews) * hours if best > 0 else t
            if s + 1 < salvos:
                end = min(end, starts[s + 1])
            ends[c, s] = end
            closed[c] += end - t


@numba.njit(cache=True, nogil=True)
def campaign_state(runways: int, cap: int) -> State:
    """Scratch for `campaign_base`: room for `cap` craters on each of `runways` runways
    (cap >= salvos x the most craters a salvo leaves on a runway)."""
    per = (CLASSES, runways, cap)
    return (np.empty(per), np.empty(per), np.empty(per, np.int64), np.zeros((CLASSES, runways), np.int64),
            np.empty(2 * cap + 1), np.empty(10 * cap + 8, np.int64), np.empty(per, np.int64),
            np.empty(per, np.int64), np.empty(cap, np.int64), np.empty((2, runways, cap), np.int64))


@numba.njit(cache=True, nogil=True)
def campaign_tile(
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
    """`strike_kernel.strike_tile` for campaigns: the same arrays, damage carried over.

    ends[i, b, class, salvo] is the end of the closure that salvo starts, cut at the next
    salvo (which starts the next closure): the intervals never overlap, and
    closed[i, b * 2 + class] is their total length. Per trial the defenses engage every
    salvo in time order, base by base (`strike_kernel.engage`: the interceptors one salvo
    uses are gone for the next); then per base every salvo's craters are drawn (the
    repairs draw nothing), and `campaign_base` plays the campaign.
    """
    bases = base_first.shape[0] - 1
    salvos = starts.shape[0]
    runways = missiles.shape[0]
    most = max(1, missiles.max())
    state = campaign_state(runways, salvos * most)
    px, py = np.empty(most + 3), np.empty(most + 3)
    fresh = np.zeros((salvos, runways), np.int64)
    fx, fy = np.empty((salvos, runways, most)), np.empty((salvos, runways, most))
    aim = np.empty(most, np.int64)
    sigma = sc[SIGMA]
    missile_first = np.zeros(runways + 1, np.int64)
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
            w0, w1 = base_first[b], base_first[b + 1]
            hours = sc[REPAIR_H]
            if sc[REPAIR_S] != 0.0:
                z, r = normal(r)
                hours *= math.exp(sc[REPAIR_S] * z)
            for s in range(salvos):
                for w in range(w0, w1):  # every runway is drawn: its damage outlasts the salvo
                    k = missiles[w]
                    fresh[s, w] = 0
                    if k > 0:
                        m, r = _craters(r, alive, s, missile_first[w], k, sigma, dims[w, 0, 0], dims[w, 0, 1],
                                        dims[w, 0, 4], aim, px, py)
                        fresh[s, w] = m
                        fx[s, w, :m] = px[:m]
                        fy[s, w, :m] = py[:m]
            campaign_base(fx, fy, fresh, starts, hours, sc[CREWS], w0, w1, dims, floors, state, ends[i, b],
                          closed[i, b * CLASSES : (b + 1) * CLASSES])
    store(st, r)
