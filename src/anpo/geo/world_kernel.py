"""Which Natural Earth country holds each point outside the region, compiled: the crossings
of a point's segment to its world cell's reference point with the cell's country edges
(`geo.world_cells`), where `shapely.contains_xy` on each country whose bounds hold the point
cost about half a microsecond a point under the geography's lock."""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from anpo.geo.kernel_records import WORLD_CELLS_PER_DEG, WORLD_COLS, WORLD_ROWS, WORLD_STEP, WorldEdges
from anpo.geo.region import REFERENCE_FRACTION

_REF_LAT, _REF_LON = REFERENCE_FRACTION


@numba.njit(cache=True, nogil=True)
def country_of(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], idx: npt.NDArray[np.intp],
               we: WorldEdges) -> npt.NDArray[np.int16]:
    """The country (row of world.npz) holding each point `idx` of (lat, lon), the last one
    where several do; -1 where none does. Points must be located (not NaN)."""
    n = len(idx)
    out = np.empty(n, dtype=np.int16)
    for j in range(n):
        i = idx[j]
        py, px = lat[i], lon[i]
        row = min(int((py + 90.0) * WORLD_CELLS_PER_DEG), WORLD_ROWS - 1)
        col = min(int((px + 180.0) * WORLD_CELLS_PER_DEG), WORLD_COLS - 1)
        c = row * WORLD_COLS + col
        # the reference point as world_cells computes it
        ry = -90.0 + (row + _REF_LAT) * WORLD_STEP
        rx = -180.0 + (col + _REF_LON) * WORLD_STEP
        owner = we.base[c]
        k, end = we.offsets[c], we.offsets[c + 1]
        while k < end:
            country = we.country[k]
            inside = we.ref_in[k]
            on_edge = False
            while k < end and we.country[k] == country:
                e = we.edge[k]
                ax, ay = we.xy[e, 0], we.xy[e, 1]
                bx, by = we.xy[e + 1, 0], we.xy[e + 1, 1]
                dp = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
                # a and b on either side of the segment's line (half-open), as land_edges
                sa = (rx - px) * (ay - py) - (ry - py) * (ax - px)
                sb = (rx - px) * (by - py) - (ry - py) * (bx - px)
                if (sa >= 0.0) != (sb >= 0.0):
                    dr = (bx - ax) * (ry - ay) - (by - ay) * (rx - ax)
                    if (dp > 0.0 and dr < 0.0) or (dp < 0.0 and dr > 0.0):
                        inside = not inside
                # a point on the country's boundary is not in it (as contains_xy): points on
                # the antimeridian's edges of Russia and Fiji, a country's vertices
                if dp == 0.0 and min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by):
                    on_edge = True
                k += 1
            if inside and not on_edge and country > owner:
                owner = country
        out[j] = owner
    return out
