"""The numpy form of the passes of `geo.resolve` (`grid_kernel` is the compiled form).

Same signatures and values as `grid_kernel`; `resolve` runs these on small inputs, where
they are about as fast and spare the process numba (see `anpo.core.compiled`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from anpo.core.codes import NULL, Zone
from anpo.geo import region as R
from anpo.geo.region import OUTSIDE_REGION, UNLOCATED

Floats = npt.NDArray[np.float64]

# The codes as plain ints: numpy takes an IntEnum member for a 64-bit array and widens the
# whole code column to compare with it (about 10x slower than comparing with an int).
_BOUNDARY, _LAND_CELL, _OPEN_SEA = int(R.CellClass.boundary), int(R.CellClass.land), int(R.CellClass.open_sea)
_NEAR_SEA, _BAND_SEA = int(R.CellClass.near_sea), int(R.CellClass.band_sea)
_LAND, _TERRITORIAL_SEA, _OUTSIDE = int(Zone.land), int(Zone.territorial_sea), int(Zone.outside)


def grid_pass(lat: Floats, lon: Floats, grid: R.BlockGrid,
              fine: R.FineGrid | Callable[[], R.FineGrid]) -> tuple[
    npt.NDArray[np.uint8], npt.NDArray[np.int8], npt.NDArray[np.int16],
    npt.NDArray[np.float32], npt.NDArray[np.int8],
]:
    """(row class, zone, unit, coast distance, specified area) from the grid alone. `fine`
    may be a function giving the sub-cells, called only if a point lies in a boundary cell."""
    n = len(lat)
    if n <= FEW_ROWS:
        return _grid_pass_few(lat, lon, grid, fine)
    located = ~(np.isnan(lat) | np.isnan(lon))
    inside, flat = R.cell_of(lat, lon)
    inside &= located
    cls = np.where(located, np.uint8(OUTSIDE_REGION), np.uint8(UNLOCATED)).astype(np.uint8)
    unit = np.full(n, NULL, dtype=np.int16)
    sa = np.full(n, NULL, dtype=np.int8)
    packed = grid.values(flat[inside])
    rows = np.flatnonzero(inside)
    bnd = (packed & 7) == _BOUNDARY
    if bnd.any():  # the sub-cell of a boundary cell
        sub_cells = fine if isinstance(fine, R.FineGrid) else fine()
        packed[bnd] = sub_cells.values(grid, lat[rows[bnd]], lon[rows[bnd]])
    cls[inside], unit[inside], sa[inside] = R.unpack_cell(packed)
    land = cls == _LAND_CELL
    zone = np.where(land, np.int8(_LAND), np.int8(NULL)).astype(np.int8)
    dist = np.where(land, np.float32(0.0), np.float32(np.nan)).astype(np.float32)
    return cls, zone, unit, dist, sa


# Up to this many rows (a server's batch of single requests) `grid_pass` reads the grid with
# Python numbers, row by row: the same operations as the columns' (IEEE float64 subtraction
# and multiplication, truncation toward zero of a non-negative number, integer arithmetic),
# without the twenty-odd numpy calls whose overhead was most of a one-row pass.
FEW_ROWS = 8


def _grid_pass_few(lat: Floats, lon: Floats, grid: R.BlockGrid,
                   fine: R.FineGrid | Callable[[], R.FineGrid]) -> tuple[
    npt.NDArray[np.uint8], npt.NDArray[np.int8], npt.NDArray[np.int16],
    npt.NDArray[np.float32], npt.NDArray[np.int8],
]:
    """`grid_pass` of a few rows (the same values)."""
    cls, zone, unit, dist, sa = [], [], [], [], []
    lats, lons = lat.tolist(), lon.tolist()
    for i, (y, x) in enumerate(zip(lats, lons, strict=True)):
        if y != y or x != x:  # NaN: no location
            c, u, a = UNLOCATED, NULL, NULL
        elif not (R.SOUTH <= y < R.NORTH and R.WEST <= x < R.EAST):
            c, u, a = OUTSIDE_REGION, NULL, NULL
        else:
            # (through the flat index, as `cell_of` and `BlockGrid.values` go)
            row, col = divmod(int((y - R.SOUTH) * R.CELLS_PER_DEG) * R.NCOLS
                              + int((x - R.WEST) * R.CELLS_PER_DEG), R.NCOLS)
            block = (row // R.BLOCK) * (R.NCOLS // R.BLOCK) + col // R.BLOCK
            where = int(grid.mixed_index[block])
            packed = int(grid.block_value[block] if where < 0
                         else grid.mixed_cells[where, (row % R.BLOCK) * R.BLOCK + col % R.BLOCK])
            if packed & 7 == _BOUNDARY:  # the sub-cell of a boundary cell
                sub_cells = fine if isinstance(fine, R.FineGrid) else fine()
                packed = int(sub_cells.values(grid, lat[i:i + 1], lon[i:i + 1])[0])
            c, a, u = packed & 7, ((packed >> 3) & 7) - 1, (packed >> 6) - 1
        land = c == _LAND_CELL
        cls.append(c)
        unit.append(u)
        sa.append(a)
        zone.append(_LAND if land else NULL)
        dist.append(0.0 if land else np.nan)
    return (np.array(cls, dtype=np.uint8), np.array(zone, dtype=np.int8), np.array(unit, dtype=np.int16),
            np.array(dist, dtype=np.float32), np.array(sa, dtype=np.int8))


def sea_pass(
    cls: npt.NDArray[np.uint8], zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16],
    dist: npt.NDArray[np.float32], sa: npt.NDArray[np.int8], day: npt.NDArray[np.int32],
    japan_regime: npt.NDArray[np.bool_], wide_from_day: int, keep_open_sea_unit: bool,
    lat: Floats, lon: Floats, waters_box: Floats,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
    """Zones of the region's sea rows; returns (breadth, the sea rows within `waters_box`)."""
    if len(cls) <= FEW_ROWS:
        return _sea_pass_few(cls, zone, unit, dist, sa, day, japan_regime, wide_from_day,
                             keep_open_sea_unit, lat, lon, waters_box)
    breadth = np.full(len(cls), np.nan, dtype=np.float32)
    sea = np.flatnonzero((cls <= _BAND_SEA) & (zone != _LAND))
    zone[sea] = _OUTSIDE
    rows = sea[unit[sea] != NULL]
    u, k, d = unit[rows], cls[rows], dist[rows]
    narrow = japan_regime[u] & ((day[rows] < wide_from_day) | (sa[rows] >= 0))
    b = np.where(narrow, np.float32(R.TS_NARROW_NM), np.float32(R.TS_WIDE_NM)).astype(np.float32)
    breadth[rows] = b
    by_class = (k == _NEAR_SEA) | ((k == _BAND_SEA) & (b >= np.float32(R.TS_WIDE_NM)))
    zone[rows[np.where(np.isnan(d), by_class, d <= b)]] = _TERRITORIAL_SEA
    if not keep_open_sea_unit:
        unit[sea[cls[sea] == _OPEN_SEA]] = NULL
    west, south, east, north = waters_box
    x, y = lon[sea], lat[sea]
    return breadth, sea[(x >= west) & (x <= east) & (y >= south) & (y <= north)]


# The breadths as float32 values read as Python floats (exact), for comparisons with a
# float32 distance read the same way.
_TS_NARROW32, _TS_WIDE32 = float(np.float32(R.TS_NARROW_NM)), float(np.float32(R.TS_WIDE_NM))


def _sea_pass_few(
    cls: npt.NDArray[np.uint8], zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16],
    dist: npt.NDArray[np.float32], sa: npt.NDArray[np.int8], day: npt.NDArray[np.int32],
    japan_regime: npt.NDArray[np.bool_], wide_from_day: int, keep_open_sea_unit: bool,
    lat: Floats, lon: Floats, waters_box: Floats,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
    """`sea_pass` of a few rows, row by row (the same values)."""
    breadth = [np.nan] * len(cls)
    west, south, east, north = waters_box.tolist()
    near_waters = []
    for i, (k, z, u) in enumerate(zip(cls.tolist(), zone.tolist(), unit.tolist(), strict=True)):
        if not (k <= _BAND_SEA and z != _LAND):
            continue
        zone[i] = _OUTSIDE
        if u != NULL:
            narrow = bool(japan_regime[u]) and (int(day[i]) < wide_from_day or int(sa[i]) >= 0)
            b = breadth[i] = _TS_NARROW32 if narrow else _TS_WIDE32
            d = float(dist[i])
            by_class = k == _NEAR_SEA or (k == _BAND_SEA and b >= _TS_WIDE32)
            if (by_class if d != d else d <= b):
                zone[i] = _TERRITORIAL_SEA
        if not keep_open_sea_unit and k == _OPEN_SEA:
            unit[i] = NULL
        x, y = float(lon[i]), float(lat[i])
        if x >= west and x <= east and y >= south and y <= north:
            near_waters.append(i)
    return np.array(breadth, dtype=np.float32), np.array(near_waters, dtype=np.intp)


def administration_pass(
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], day: npt.NDArray[np.int32],
    keys: npt.NDArray[np.int64], admin: npt.NDArray[np.int16], claims: npt.NDArray[np.int16],
    key_span: int, day_shift: int,
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """(administered_by, claims) of the land and territorial-sea rows; NULL and 0 elsewhere."""
    out_admin = np.full(len(zone), NULL, dtype=np.int16)
    out_claims = np.zeros(len(zone), dtype=np.int16)
    if len(zone) <= FEW_ROWS:  # row by row: the same key (int64 range) and search
        for r, z in enumerate(zone.tolist()):
            if z in (_LAND, _TERRITORIAL_SEA):
                key1 = int(unit[r]) * key_span + int(day[r]) + day_shift
                k1 = int(keys.searchsorted(key1, side="right")) - 1
                out_admin[r], out_claims[r] = admin[k1], claims[k1]
        return out_admin, out_claims
    owned = np.flatnonzero((zone == _LAND) | (zone == _TERRITORIAL_SEA))
    key = unit[owned].astype(np.int64) * key_span + day[owned] + day_shift
    i = np.searchsorted(keys, key, side="right") - 1
    out_admin[owned], out_claims[owned] = admin[i], claims[i]
    return out_admin, out_claims
