"""The Natural Earth countries cut into cells of the whole globe, each with its edges: which
country holds a point outside the region, compiled (`geo.world_kernel`), without GEOS.

The globe is cut into WORLD_CELLS_PER_DEG cells a degree. A cell keeps every country edge
whose bounding box meets it (grouped by country) and, for its reference point (at
`region.REFERENCE_FRACTION` of the cell), whether each of those countries holds it and
the last country (in world.npz order) that holds it among the others. A point is in a
country when the segment from it to the reference point crosses that country's edges an
odd number of times and the country holds the reference point, or an even number of times
and it does not; the countries whose edges the cell lacks hold the point as they hold the
reference point (the segment lies inside the cell). Of the countries holding a point the
last wins, as in `resolver._resolve_world`'s loop over `shapely.contains_xy`.

Whether a country holds each reference point is counted along the reference points' row
(their latitude): the crossings of the country's edges with that parallel, by the half-open
rule, odd to the east of the point. That is the even-odd rule GEOS's point-in-area test
counts too, so it holds for the few Natural Earth countries that are not valid polygons.
Built in numpy in 1-2 s, once: the arrays are written to a cache file
(`core.array_cache`) named by the world's coordinates and this code, which `make install`
fills, and mapped by later processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

from anpo.core import array_cache
from anpo.geo import kernel_records as K
from anpo.geo import region as R

_PAD = 1e-9  # degrees added around an edge's bounding box: a cell on its border keeps it


def _reference_lines(n: int, start: float, fraction: float) -> npt.NDArray[np.float64]:
    """The reference coordinate of cells 0..n-1 from `start`, as `world_kernel` computes it."""
    return start + (np.arange(n, dtype=np.float64) + fraction) * K.WORLD_STEP


def cached(key: str, world: Callable[[], Mapping[str, npt.NDArray[np.generic]]]) -> K.WorldEdges | None:
    """`build` of the arrays `world()` gives (world.npz's), from the cache file that the first
    build wrote (as `kernel_records.CoastBuckets.cached`), else built and written; None where
    the cache folder cannot be written (the caller decides by shapely instead). The file is
    named by `key` (the archive's size and time, as `geo.npz_cache` names its copies) and by
    this code, so a new archive or a change here builds afresh."""
    stem = array_cache.derived_stem("world_cells", key, (__file__, K.__file__, R.__file__))
    folder = Path(__file__).parent / "__pycache__"
    found = array_cache.load(folder, stem)
    if found is not None:
        arrays = found[1]
        return K.WorldEdges(*(arrays[name] for name in K.WorldEdges._fields))
    if not os.access(folder if folder.is_dir() else folder.parent, os.W_OK):
        return None  # every process would build anew (1-2 s): the caller keeps shapely
    w = world()
    built = build(w["coords"].astype(np.float64), w["ring_offsets"], w["poly_offsets"], w["owner"])
    array_cache.save(folder, stem, built._asdict(), stale="world_cells-cache.*")
    return built


def build(xy: npt.NDArray[np.float64], ring_offsets: npt.NDArray[np.generic],
          poly_offsets: npt.NDArray[np.generic], owner: npt.NDArray[np.generic]) -> K.WorldEdges:
    """The cells of the countries given as closed rings (`xy`, float64; rings by
    `ring_offsets`, polygons by `poly_offsets`, each polygon's country `owner`)."""
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    nrows, ncols = K.WORLD_ROWS, K.WORLD_COLS
    # edge k joins vertex k and k + 1; a ring's last vertex (its first again) starts none
    starts = np.ones(len(xy), dtype=bool)
    starts[np.asarray(ring_offsets[1:]) - 1] = False
    edge = np.flatnonzero(starts)
    ring = np.searchsorted(ring_offsets, edge, side="right") - 1
    polygon = np.searchsorted(poly_offsets, ring, side="right") - 1
    country = np.asarray(owner, dtype=np.int16)[polygon]
    ax, ay, bx, by = xy[edge, 0], xy[edge, 1], xy[edge + 1, 0], xy[edge + 1, 1]

    # each edge in every cell its bounding box meets, grouped by (cell, country, edge)
    def span(lo: npt.NDArray[np.float64], hi: npt.NDArray[np.float64], origin: float,
             n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        first = np.floor((lo - _PAD - origin) * K.WORLD_CELLS_PER_DEG).astype(np.int64)
        last = np.floor((hi + _PAD - origin) * K.WORLD_CELLS_PER_DEG).astype(np.int64)
        return np.clip(first, 0, n - 1), np.clip(last, 0, n - 1)

    r0, r1 = span(np.minimum(ay, by), np.maximum(ay, by), -90.0, nrows)
    c0, c1 = span(np.minimum(ax, bx), np.maximum(ax, bx), -180.0, ncols)
    nr, nc = r1 - r0 + 1, c1 - c0 + 1
    per_edge = nr * nc
    which = np.repeat(np.arange(len(edge)), per_edge)
    step = np.arange(len(which)) - np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    cell = (r0[which] + step // nc[which]) * ncols + c0[which] + step % nc[which]
    order = np.lexsort((edge[which], country[which], cell))
    cell, entry_edge, entry_country = cell[order], edge[which][order], country[which][order]
    offsets = np.zeros(nrows * ncols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cell, minlength=nrows * ncols), out=offsets[1:])

    # (cell, country) of every reference point each country holds, by the crossings of the
    # country's edges with the reference points' parallel
    ref_y = _reference_lines(nrows, -90.0, R.REFERENCE_FRACTION[0])
    ref_x = _reference_lines(ncols, -180.0, R.REFERENCE_FRACTION[1])
    lo_y, hi_y = np.minimum(ay, by), np.maximum(ay, by)
    first = np.searchsorted(ref_y, lo_y, side="left")  # the first parallel at or north of it
    end = np.searchsorted(ref_y, hi_y, side="left")  # parallels below the edge's north end
    count = end - first
    e2 = np.repeat(np.arange(len(edge)), count)
    row = first[e2] + np.arange(len(e2)) - np.repeat(np.cumsum(count) - count, count)
    y = ref_y[row]
    crosses = (ay[e2] > y) != (by[e2] > y)  # the half-open rule (equal ends excluded above)
    e2, row, y = e2[crosses], row[crosses], y[crosses]
    x = ax[e2] + (y - ay[e2]) * (bx[e2] - ax[e2]) / (by[e2] - ay[e2])
    order = np.lexsort((x, country[e2], row))
    row, held_country, x = row[order], country[e2][order], x[order]
    # sorted along each (row, country): held from an odd crossing to the next one
    group = row.astype(np.int64) * 65536 + held_country
    starts_group = np.r_[True, group[1:] != group[:-1]]
    rank = np.arange(len(group)) - np.maximum.accumulate(np.where(starts_group, np.arange(len(group)), 0))
    odd = np.flatnonzero(rank % 2 == 0)  # 1st, 3rd, ... crossing of its group
    if len(odd) and (odd[-1] + 1 >= len(group) or np.any(group[odd + 1] != group[odd])):
        raise ValueError("a country's rings cross a parallel an odd number of times: not closed")
    lo_c = np.searchsorted(ref_x, x[odd], side="left")  # first reference x >= the crossing
    hi_c = np.searchsorted(ref_x, x[odd + 1], side="left")  # ... before the next crossing
    width = np.maximum(hi_c - lo_c, 0)
    k = np.repeat(np.arange(len(odd)), width)
    col = lo_c[k] + np.arange(len(k)) - np.repeat(np.cumsum(width) - width, width)
    held_cell = row[odd][k].astype(np.int64) * ncols + col
    held_key = held_cell * 256 + held_country[odd][k]
    held_key = np.unique(held_key)  # a parity count per country never holds a point twice

    entry_key = cell * 256 + entry_country
    where = np.minimum(np.searchsorted(held_key, entry_key), max(len(held_key) - 1, 0))
    ref_in = (held_key[where] == entry_key) if len(held_key) else np.zeros(len(entry_key), bool)
    # the last country holding the reference point among those without edges in the cell
    others = held_key[~np.isin(held_key, entry_key)]
    base = np.full(nrows * ncols, -1, dtype=np.int16)
    other_cell = others // 256
    last = np.ones(len(others), dtype=bool)  # keys ascend: the last country of a cell wins
    last[:-1] = other_cell[1:] != other_cell[:-1]
    base[other_cell[last]] = (others[last] % 256).astype(np.int16)
    if len(owner) and int(np.max(owner)) >= 256:
        raise ValueError("more than 256 countries: widen the (cell, country) keys")
    return K.WorldEdges(offsets, entry_edge.astype(np.int32), entry_country, ref_in, base, xy)
