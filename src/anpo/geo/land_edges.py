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
_FINE_PER_DEG, _SPLIT = R.CELLS_PER_DEG * R.FINE_SPLIT, R.FINE_SPLIT
_NROWS, _NCOLS, _BLOCK, _BLOCK_COLS = R.NROWS, R.NCOLS, R.BLOCK, R.NCOLS // R.BLOCK


@numba.njit(cache=True, nogil=True)
def land_unit(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], idx: npt.NDArray[np.intp],
              grid: R.BlockGrid, fine: R.FineGrid, le: LandEdges) -> npt.NDArray[np.int16]:
    """The unit whose land holds each point `idx` of (lat, lon), all in boundary cells of the
    region (-1 at sea; -2 where shapely must decide).

    Each point's boundary cell, row and column are found here, by `region.FineGrid.locate`'s
    arithmetic operand for operand (numpy's fancy indexing over the points had cost as much
    again as the crossings, its reads of the grid waiting on memory in a loaded batch)."""
    n = len(idx)
    y = np.empty(n, dtype=np.float64)
    x = np.empty(n, dtype=np.float64)
    rows = np.empty(n, dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    block = np.empty(n, dtype=np.int64)
    m = np.empty(n, dtype=np.int32)
    # Separate loops, as in `grid_kernel.grid_pass`: each loop's reads of the grid are
    # independent of one another, so the CPU overlaps them.
    for j in range(n):
        i = idx[j]
        py, px = lat[i], lon[i]
        y[j], x[j] = py, px
        row = min(int((py - _SOUTH) * _FINE_PER_DEG) // _SPLIT, _NROWS - 1)
        col = min(int((px - _WEST) * _FINE_PER_DEG) // _SPLIT, _NCOLS - 1)
        rows[j], cols[j] = row, col
        block[j] = (row // _BLOCK) * _BLOCK_COLS + col // _BLOCK
        m[j] = grid.mixed_index[block[j]]
    cell = np.empty(n, dtype=np.int64)
    for j in range(n):
        offset = (rows[j] % _BLOCK) * _BLOCK + cols[j] % _BLOCK
        b = np.int64(fine.base[block[j]])
        cell[j] = b + (np.int64(fine.rank[m[j], offset]) if m[j] >= 0 else offset)
    out = np.empty(n, dtype=np.int16)
    for j in range(n):
        out[j] = _crossings(y[j], x[j], rows[j], cols[j], cell[j], le)
    return out


@numba.njit(cache=True, nogil=True, inline="always")
def _crossings(py: float, px: float, row: int, col: int, c: int, le: LandEdges) -> np.int16:
    """The unit of boundary cell `c` (row, col) if point (py, px) is on its land, else -1;
    -2 when the cell's edges belong to two units."""
    u = le.unit[c]
    if u == -2:
        return np.int16(-2)
    # the reference point as region.land_edge_reference computes it
    ry = _SOUTH + (row + _REF_LAT) * _STEP
    rx = _WEST + (col + _REF_LON) * _STEP
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
    return u if inside else np.int16(-1)
