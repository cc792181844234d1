"""Resolution of (lat, lon, day) columns to Place columns.

Inside the detailed region a point is first looked up in the 1/64-degree grid; only points
in cells the grid cannot decide (near a coastline, a 3-nm or 12-nm limit, a median line or
a specified area's edge) are decided exactly:

- land: point-in-polygon against the GSHHG land of the candidate unit (then all land);
- sea: geodesic distance to the nearest coast sample (k-d tree over WGS-84 Earth-centred
  coordinates). The unit whose coast is nearest owns the sea there, which draws the median
  line between facing coasts; the point is territorial sea when that distance is within
  the breadth the unit's regime gives on the row's date.

Outside the region, land is attributed from Natural Earth countries; no territorial sea.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt
import shapely

from anpo.core.codes import NULL, Zone
from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day
from anpo.core.errors import InputError
from anpo.geo import region as R
from anpo.geo.index import all_units, geo_index, world_index
from anpo.geo.place import Place, Unit
from anpo.geo.units_table import internal_waters, specified_areas

WIDE_FROM_DAY = to_day(__import__("datetime").date(1977, 7, 1))  # Territorial Sea Law in force
_FAR_KM = R.TS_WIDE_NM * R.NM_KM + 1.0

# Prepared GEOS geometries build their indexes lazily on first use and are not safe to use
# from two threads at once (a crash was seen). Every step that touches a polygon or the k-d
# tree takes this lock; the grid path, which decides about 99% of points, runs unlocked.
_EXACT_LOCK = threading.RLock()
_P = ParamSpec("_P")
_T = TypeVar("_T")


def _exclusive(fn: Callable[_P, _T]) -> Callable[_P, _T]:
    @wraps(fn)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with _EXACT_LOCK:
            return fn(*args, **kwargs)

    return locked


def units() -> list[Unit]:
    """Every unit (island group, territory, country), indexed by Unit.code."""
    return all_units()


def claim_sets() -> list[tuple[str, ...]]:
    """Claimant tuples indexed by Place.claims (index 0 is the empty tuple)."""
    return geo_index().admin.claim_sets


def internal_water_names() -> list[str]:
    """Names of the internal waters indexed by Place.internal_waters."""
    return [w.name for w in internal_waters()]


def specified_area_names() -> list[str]:
    """Names of the specified areas (3-nm straits) indexed by Place.specified_area."""
    return [a.name for a in specified_areas()]


def _validate(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], day: npt.NDArray[np.int32]
) -> None:
    if not (len(lat) == len(lon) == len(day)):
        raise InputError("lat/lon/date", "columns differ in length")
    for name, col, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        bad = np.flatnonzero(np.abs(col) > limit)  # NaN compares False: no location
        if len(bad):
            raise InputError(name, f"{col[bad[0]]} is outside [-{limit:g}, {limit:g}]", int(bad[0]))
    bad = np.flatnonzero((day < to_day(FIRST_DATE)) | (day > to_day(LAST_DATE)))
    if len(bad):
        raise InputError("date", f"outside {FIRST_DATE}..{LAST_DATE}", int(bad[0]))


def territorial_sea_breadth_nm(
    unit: npt.NDArray[np.int16], day: npt.NDArray[np.int32], sa: npt.NDArray[np.int8]
) -> npt.NDArray[np.float32]:
    """Breadth of the territorial sea each unit claims at each row (Japan: 3 or 12 nm)."""
    japan = geo_index().japan_regime[unit]
    narrow = japan & ((day < WIDE_FROM_DAY) | (sa >= 0))
    return np.where(narrow, R.TS_NARROW_NM, R.TS_WIDE_NM).astype(np.float32)


@_exclusive
def _exact_sea(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32], sa: npt.NDArray[np.int8],
    bounded: bool,
) -> None:
    """Nearest coast (unit, distance) and specified area for sea points `idx`."""
    gi = geo_index()
    pts = R.ecef_km(lat[idx], lon[idx])
    bound = _FAR_KM if bounded else np.inf
    d, i = gi.coast_tree.query(pts, k=1, distance_upper_bound=bound, workers=-1)
    found = np.isfinite(d)
    unit[idx[found]] = gi.coast_unit[i[found]]
    dist_nm[idx] = np.where(found, d / R.NM_KM, np.nan)
    sa[idx] = NULL
    for k, poly in enumerate(gi.specified_area_polygons):
        hit = shapely.contains_xy(poly, lon[idx], lat[idx])
        sa[idx[hit]] = k


@_exclusive
def _exact_land(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.int16],
) -> npt.NDArray[np.int16]:
    """Unit whose land holds each point (NULL for sea). `candidate` is tried first."""
    gi = geo_index()
    out = np.full(len(idx), NULL, dtype=np.int16)
    x, y = lon[idx], lat[idx]
    for code in np.unique(candidate):
        sel = np.flatnonzero(candidate == code)
        if code == NULL or int(code) not in gi.unit_land:
            continue
        hit = shapely.contains_xy(gi.unit_land[int(code)], x[sel], y[sel])
        out[sel[hit]] = code
    rest = np.flatnonzero(out == NULL)
    rest = rest[shapely.contains_xy(gi.all_land, x[rest], y[rest])]
    if len(rest):
        # A point may lie on another unit's land than its nearest coast's (rare): search all.
        pt_idx, poly_idx = gi.land_tree.query(
            shapely.points(x[rest], y[rest]), predicate="within"
        )
        out[rest[pt_idx]] = gi.land_unit[poly_idx]
    return out


def _resolve_region(
    idx: npt.NDArray[np.intp], flat: npt.NDArray[np.intp], lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64], zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16],
    dist_nm: npt.NDArray[np.float32], sa: npt.NDArray[np.int8], exact: bool,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.uint8]]:
    """Fill zone/unit/distance/specified area for region rows; returns ('sea', class) over idx."""
    gi = geo_index()
    cls, unit[idx], sa[idx] = R.unpack_cell(gi.cell[flat[idx]])
    is_land = cls == R.CellClass.land
    zone[idx[is_land]] = Zone.land
    dist_nm[idx[is_land]] = 0.0
    sea = ~is_land
    boundary_pos = np.flatnonzero(cls == R.CellClass.boundary)
    boundary = idx[boundary_pos]
    if len(boundary):
        # exact land test, with the nearest coast's unit as the first candidate
        _exact_sea(boundary, lat, lon, unit, dist_nm, sa, bounded=not exact)
        land_unit = _exact_land(boundary, lat, lon, unit[boundary])
        on_land = land_unit != NULL
        unit[boundary[on_land]] = land_unit[on_land]
        zone[boundary[on_land]] = Zone.land
        dist_nm[boundary[on_land]] = 0.0
        sa[boundary[on_land]] = NULL
        sea[boundary_pos[on_land]] = False
    if exact:
        pure_sea = idx[sea & (cls != R.CellClass.boundary)]
        if len(pure_sea):
            _exact_sea(pure_sea, lat, lon, unit, dist_nm, sa, bounded=False)
    else:
        near = idx[cls == R.CellClass.near_sea]
        dist_nm[near] = np.nan
    return sea, cls


def resolve(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    day: npt.NDArray[np.int32],
    *,
    exact: bool = False,
) -> Place:
    """Place columns for each row; rows with NaN lat/lon get zone NULL.

    With `exact`, every sea row gets its exact coast distance (for explanations); the zones
    are the same either way.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    day = np.asarray(day, dtype=np.int32)
    _validate(lat, lon, day)
    n = len(lat)
    zone = np.full(n, NULL, dtype=np.int8)
    unit = np.full(n, NULL, dtype=np.int16)
    dist_nm = np.full(n, np.nan, dtype=np.float32)
    sa = np.full(n, NULL, dtype=np.int8)
    breadth = np.full(n, np.nan, dtype=np.float32)
    internal = np.full(n, NULL, dtype=np.int8)
    located = ~(np.isnan(lat) | np.isnan(lon))
    inside, flat = R.cell_of(lat, lon)
    inside &= located

    region = np.flatnonzero(inside)
    if len(region):
        sea, region_cls = _resolve_region(region, flat, lat, lon, zone, unit, dist_nm, sa, exact)
        sea_idx = region[sea]
        sea_cls = region_cls[sea]
        zone[sea_idx] = Zone.outside
        with_unit = unit[sea_idx] != NULL
        has_unit = sea_idx[with_unit]
        b = territorial_sea_breadth_nm(unit[has_unit], day[has_unit], sa[has_unit])
        breadth[has_unit] = b
        cls = sea_cls[with_unit]
        d = dist_nm[has_unit]
        known = ~np.isnan(d)
        within = np.where(
            known,
            d <= b,
            (cls == R.CellClass.near_sea) | ((cls == R.CellClass.band_sea) & (b >= R.TS_WIDE_NM)),
        )
        zone[has_unit[within]] = Zone.territorial_sea
        open_sea = sea_idx[sea_cls == R.CellClass.open_sea]
        if not exact:
            unit[open_sea] = NULL
        _mark_internal_waters(sea_idx, lat, lon, zone, unit, internal)

    world = np.flatnonzero(located & ~inside)
    if len(world):
        _resolve_world(world, lat, lon, zone, unit, dist_nm)

    admin = np.full(n, NULL, dtype=np.int16)
    claims = np.zeros(n, dtype=np.int16)
    owned = np.flatnonzero((zone == Zone.land) | (zone == Zone.territorial_sea))
    a, c = geo_index().admin.lookup(unit[owned], day[owned])
    admin[owned] = a
    claims[owned] = c
    return Place(zone, unit, admin, claims, dist_nm, breadth, sa, internal)


@_exclusive
def _mark_internal_waters(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], internal: npt.NDArray[np.int8],
) -> None:
    """Sea rows inside a closing line become the unit's territorial sea (internal waters)."""
    waters = geo_index().internal_water_polygons
    if not waters:
        return
    west = min(b[0] for _p, _c, b in waters)
    south = min(b[1] for _p, _c, b in waters)
    east = max(b[2] for _p, _c, b in waters)
    north = max(b[3] for _p, _c, b in waters)
    near = (lon[idx] >= west) & (lon[idx] <= east) & (lat[idx] >= south) & (lat[idx] <= north)
    idx = idx[near]
    x, y = lon[idx], lat[idx]
    for k, (poly, code, (w, s, e, n)) in enumerate(waters):
        sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        if not len(sel):
            continue
        hit = idx[sel[shapely.contains_xy(poly, x[sel], y[sel])]]
        zone[hit] = Zone.territorial_sea
        unit[hit] = code
        internal[hit] = k


@_exclusive
def _resolve_world(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32],
) -> None:
    wi = world_index()
    x, y = lon[idx], lat[idx]
    zone[idx] = Zone.outside
    for k, g in enumerate(wi.geoms):
        w, s, e, n = wi.bounds[k]
        sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        if not len(sel):
            continue
        hit = sel[shapely.contains_xy(g, x[sel], y[sel])]
        zone[idx[hit]] = Zone.land
        unit[idx[hit]] = wi.unit_of_country[k]
        dist_nm[idx[hit]] = 0.0
