"""Land or sea of points in boundary cells, from each cell's short list of land edges.

A point the fine grid cannot decide lies within a sub-cell's width of a coastline. Its
cell (1/128 degree) carries the land edges that meet it and a reference point whose state
is known (`tools/build_fine_grid.py`, shipped in `fine.npz`): the point is on land when the
segment from it to the reference point crosses those edges an odd number of times and the
reference point is at sea, or an even number of times and it is on land. A cell has about a
dozen edges, so this costs tens of nanoseconds where a GEOS point-in-polygon test on the
prepared land costs microseconds. Cells whose edges belong to two units (unit -2) are left
to shapely.

Crossings use the half-open rule (an edge endpoint on the segment's line counts on one
side only), so a segment through a vertex counts once, as `shapely.contains_xy` would;
points on an edge itself are a measure-zero case where the two may differ.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from anpo.geo import region as R
from anpo.geo.kernel_records import LandEdges

_SOUTH, _WEST = R.SOUTH, R.WEST
_STEP = 1.0 / R.CELLS_PER_DEG
_REF_LAT, _REF_LON = R.REFERENCE_FRACTION


@numba.njit(cache=True, nogil=True)
def land_unit(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], cell: npt.NDArray[np.intp],
              row: npt.NDArray[np.intp], col: npt.NDArray[np.intp], le: LandEdges) -> npt.NDArray[np.int16]:
    """The unit whose land holds each point (-1 at sea; -2 where shapely must decide)."""
    n = len(lat)
    out = np.empty(n, dtype=np.int16)
    for i in range(n):
        c = cell[i]
        u = le.unit[c]
        if u == -2:
            out[i] = -2
            continue
        py, px = lat[i], lon[i]
        # the reference point as region.land_edge_reference computes it
        ry = _SOUTH + (row[i] + _REF_LAT) * _STEP
        rx = _WEST + (col[i] + _REF_LON) * _STEP
        inside = le.reference_on_land[c]
        for j in range(le.edge_offsets[c], le.edge_offsets[c + 1]):
            k = le.edges[j]
            ax, ay = le.xy[k, 0], le.xy[k, 1]
            bx, by = le.xy[k + 1, 0], le.xy[k + 1, 1]
            # a and b on either side of the segment's line (half-open: on the line counts as left)
            sa = (rx - px) * (ay - py) - (ry - py) * (ax - px)
            sb = (rx - px) * (by - py) - (ry - py) * (bx - px)
            if (sa >= 0.0) == (sb >= 0.0):
                continue
            # p and r strictly on either side of the edge's line
            dp = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
            dr = (bx - ax) * (ry - ay) - (by - ay) * (rx - ax)
            if (dp > 0.0 and dr < 0.0) or (dp < 0.0 and dr > 0.0):
                inside = not inside
        out[i] = u if inside else np.int16(-1)
    return out
