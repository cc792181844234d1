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


def sea_pass(
    cls: npt.NDArray[np.uint8], zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16],
    dist: npt.NDArray[np.float32], sa: npt.NDArray[np.int8], day: npt.NDArray[np.int32],
    japan_regime: npt.NDArray[np.bool_], wide_from_day: int, keep_open_sea_unit: bool,
    lat: Floats, lon: Floats, waters_box: Floats,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.intp]]:
    """Zones of the region's sea rows; returns (breadth, the sea rows within `waters_box`)."""
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


def administration_pass(
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], day: npt.NDArray[np.int32],
    keys: npt.NDArray[np.int64], admin: npt.NDArray[np.int16], claims: npt.NDArray[np.int16],
    key_span: int, day_shift: int,
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """(administered_by, claims) of the land and territorial-sea rows; NULL and 0 elsewhere."""
    out_admin = np.full(len(zone), NULL, dtype=np.int16)
    out_claims = np.zeros(len(zone), dtype=np.int16)
    owned = np.flatnonzero((zone == _LAND) | (zone == _TERRITORIAL_SEA))
    key = unit[owned].astype(np.int64) * key_span + day[owned] + day_shift
    i = np.searchsorted(keys, key, side="right") - 1
    out_admin[owned], out_claims[owned] = admin[i], claims[i]
    return out_admin, out_claims
