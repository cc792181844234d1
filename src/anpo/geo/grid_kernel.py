"""Compiled (numba, nogil) passes of `geo.resolve` over every row: the grid lookup, the
sea zones, and the administration table. `grid_passes` is their numpy form (same values),
for small inputs.

They do row by row, in one pass each, what the vectorized form did with a dozen
temporaries, and they release the GIL, so two batch threads resolve at the same time. The
arithmetic is the same as before, operand for operand: the cell of a point is
`int((lat - SOUTH) * CELLS_PER_DEG)` in float64; breadths and distances are compared in
float32. The exact steps (polygons, k-d tree) stay in `resolver`, between these passes,
under its lock.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from anpo.core.codes import NULL, Zone
from anpo.geo import region as R
from anpo.geo.region import OUTSIDE_REGION, UNLOCATED

_LAND = np.int8(Zone.land)
_SEA = np.int8(Zone.territorial_sea)
_OUTSIDE = np.int8(Zone.outside)
_NULL8 = np.int8(NULL)
_NULL16 = np.int16(NULL)
_BOUNDARY = np.uint8(R.CellClass.boundary)
_LAND_CELL = np.uint8(R.CellClass.land)
_OPEN_SEA = np.uint8(R.CellClass.open_sea)
_NEAR_SEA = np.uint8(R.CellClass.near_sea)
_BAND_SEA = np.uint8(R.CellClass.band_sea)
_SOUTH, _NORTH, _WEST, _EAST = R.SOUTH, R.NORTH, R.WEST, R.EAST
_PER_DEG, _NROWS, _NCOLS = R.CELLS_PER_DEG, R.NROWS, R.NCOLS
_BLOCK, _BLOCK_COLS = R.BLOCK, R.NCOLS // R.BLOCK
_SPLIT, _FINE_PER_DEG = R.FINE_SPLIT, R.CELLS_PER_DEG * R.FINE_SPLIT
_NARROW, _WIDE = np.float32(R.TS_NARROW_NM), np.float32(R.TS_WIDE_NM)

Floats = npt.NDArray[np.float64]


@numba.njit(cache=True, nogil=True)
def grid_pass(lat: Floats, lon: Floats, grid: R.BlockGrid, fine: R.FineGrid) -> tuple[
    npt.NDArray[np.uint8], npt.NDArray[np.int8], npt.NDArray[np.int16],
    npt.NDArray[np.float32], npt.NDArray[np.int8],
]:
    """(row class, zone, unit, coast distance, specified area) from the grid alone.

    Land cells are decided here (zone land, distance 0); every other row keeps zone NULL
    and NaN distance for the steps after it. The unit and specified area of a region row
    are its cell's (`region.unpack_cell`), read from the block form (`region.BlockGrid`);
    in a boundary cell, its sub-cell's (`region.FineGrid`), which decides most of them.
    """
    n = len(lat)
    # Separate loops: the block reads in the middle one are independent random reads,
    # which the CPU overlaps only when nothing else waits on them.
    packed = np.empty(n, dtype=np.int32)  # block index, then packed cell; or a row class
    offset = np.empty(n, dtype=np.int8)  # the cell within its 8x8 block
    sub = np.empty(n, dtype=np.int8)  # the sub-cell within its cell
    for i in range(n):
        y, x = lat[i], lon[i]
        if y >= _SOUTH and y < _NORTH and x >= _WEST and x < _EAST:
            # times a power of two is exact: the cell is the sub-cell's row // _SPLIT
            rr = int((y - _SOUTH) * _FINE_PER_DEG)
            cc = int((x - _WEST) * _FINE_PER_DEG)
            r = min(rr // _SPLIT, _NROWS - 1)
            c = min(cc // _SPLIT, _NCOLS - 1)
            packed[i] = (r // _BLOCK) * _BLOCK_COLS + c // _BLOCK
            offset[i] = (r % _BLOCK) * _BLOCK + c % _BLOCK
            sub[i] = min(rr - r * _SPLIT, _SPLIT - 1) * _SPLIT + min(cc - c * _SPLIT, _SPLIT - 1)
        else:  # NaN compares False: unlocated rows land here too
            packed[i] = -UNLOCATED if np.isnan(y) or np.isnan(x) else -OUTSIDE_REGION
    for i in range(n):
        b = packed[i]
        if b >= 0:
            m = grid.mixed_index[b]
            packed[i] = grid.block_value[b] if m < 0 else grid.mixed_cells[m, offset[i]]
            if packed[i] & 7 == _BOUNDARY:
                rank = np.int32(offset[i]) if m < 0 else np.int32(fine.rank[m, offset[i]])
                packed[i] = fine.cells[fine.base[b] + rank, sub[i]]
    # Every output written once a row, by selects rather than branches (whether a row is
    # in a cell, and on land, varies from row to row), instead of four filled arrays
    # that the cell rows then overwrote: 8.3 -> 6.9 ns a row for the pass.
    cls = np.empty(n, dtype=np.uint8)
    zone = np.empty(n, dtype=np.int8)
    unit = np.empty(n, dtype=np.int16)
    dist = np.empty(n, dtype=np.float32)
    sa = np.empty(n, dtype=np.int8)
    none = np.float32(np.nan)
    for i in range(n):
        v = packed[i]
        cell = v >= 0
        k = np.uint8(v & 7) if cell else np.uint8(-v)
        land = cell & (k == _LAND_CELL)
        cls[i] = k
        sa[i] = np.int8(((v >> 3) & 7) - 1) if cell else _NULL8
        unit[i] = np.int16((v >> 6) - 1) if cell else _NULL16
        zone[i] = _LAND if land else _NULL8
        dist[i] = np.float32(0.0) if land else none
    return cls, zone, unit, dist, sa


@numba.njit(cache=True, nogil=True)
def sea_pass(
    cls: npt.NDArray[np.uint8], zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16],
    dist: npt.NDArray[np.float32], sa: npt.NDArray[np.int8], day: npt.NDArray[np.int32],
    japan_regime: npt.NDArray[np.bool_], wide_from_day: int, keep_open_sea_unit: bool,
    lat: Floats, lon: Floats, waters_box: Floats,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
    """Zones of the region's sea rows (those not on land); returns (territorial sea
    breadth, the sea rows within `waters_box` (west, south, east, north), which the
    internal waters may claim next).

    A sea row is outside, or territorial sea when its nearest coast's unit is within the
    breadth that unit's regime gives on the row's day: by the exact distance where one
    was measured, else by the cell class (near sea always; band sea when 12 nm apply).
    Open-sea cells keep no unit unless `keep_open_sea_unit`.
    """
    n = len(cls)
    breadth = np.empty(n, dtype=np.float32)
    west, south, east, north = waters_box[0], waters_box[1], waters_box[2], waters_box[3]
    near = np.empty(n, dtype=np.intp)
    m = 0
    none = np.float32(np.nan)
    # Bitwise & and | on the per-row tests, not `and`/`or`: the regime, the day and the
    # specified area vary from row to row, and branches on them were mispredicted often
    # (half the pass's time).
    for i in range(n):
        k = cls[i]
        if k > _BAND_SEA or zone[i] == _LAND:
            breadth[i] = none
            continue
        near[m] = i  # kept (m advances) only within the box
        m += (lon[i] >= west) & (lon[i] <= east) & (lat[i] >= south) & (lat[i] <= north)
        u = unit[i]
        b = none
        z = _OUTSIDE
        if u != _NULL16:
            narrow = japan_regime[u] & ((day[i] < wide_from_day) | (sa[i] >= 0))
            b = _NARROW if narrow else _WIDE
            d = dist[i]
            # by the exact distance where one was measured, else by the cell class
            by_class = (k == _NEAR_SEA) | ((k == _BAND_SEA) & (b >= _WIDE))
            measured = not np.isnan(d)
            sea = (measured & (d <= b)) | ((not measured) & by_class)
            z = _SEA if sea else _OUTSIDE
        breadth[i] = b
        zone[i] = z
        if (k == _OPEN_SEA) & (not keep_open_sea_unit):
            unit[i] = _NULL16
    return breadth, near[:m]


@numba.njit(cache=True, nogil=True)
def administration_pass(
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], day: npt.NDArray[np.int32],
    keys: npt.NDArray[np.int64], admin: npt.NDArray[np.int16], claims: npt.NDArray[np.int16],
    key_span: int, day_shift: int,
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """(administered_by, claims) of the land and territorial-sea rows: the period of the
    row's unit in force on its day (the last key <= unit * key_span + day + day_shift);
    NULL and 0 elsewhere.

    A unit's keys are a run of the sorted keys (a unit has at most a few periods), so a
    row scans its unit's run instead of searching all keys: the same key is found (every
    key before the run is smaller, every key after it larger, while day + day_shift lies
    in [0, key_span)); other rows take the binary search over all keys."""
    n = len(zone)
    n_keys = len(keys)
    out_admin = np.full(n, _NULL16, dtype=np.int16)
    out_claims = np.zeros(n, dtype=np.int16)
    n_units = keys[n_keys - 1] // key_span + 1 if n_keys and keys[0] >= 0 else 0
    first = np.empty(n_units + 1, dtype=np.int64)  # index of the first key of each unit
    j = 0
    for code in range(n_units + 1):
        while j < n_keys and keys[j] < code * key_span:
            j += 1
        first[code] = j
    # The owned rows first, gathered without a branch (`m` advances only on them), then
    # looked up: they are about a third of a batch's rows, in no order, and a branch a row
    # on the zone was mispredicted often (1.8 -> 0.7 ms for a 524,288-row chunk).
    owned = np.empty(n, dtype=np.intp)
    m = 0
    for i in range(n):
        z = zone[i]
        owned[m] = i
        m += (z == _LAND) | (z == _SEA)
    for j in range(m):
        i = owned[j]
        u = np.int64(unit[i])
        d = np.int64(day[i]) + day_shift
        key = u * key_span + d
        if u >= 0 and u < n_units and d >= 0 and d < key_span:
            lo = first[u]
            end = first[u + 1]
            while lo < end and keys[lo] <= key:
                lo += 1
        else:
            lo, hi = 0, n_keys
            while lo < hi:  # first key > key (searchsorted, side="right")
                mid = (lo + hi) >> 1
                if keys[mid] <= key:
                    lo = mid + 1
                else:
                    hi = mid
        out_admin[i] = admin[lo - 1]
        out_claims[i] = claims[lo - 1]
    return out_admin, out_claims
