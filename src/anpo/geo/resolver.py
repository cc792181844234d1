"""Resolution of (lat, lon, day) columns to Place columns.

Inside the detailed region a point is first looked up in the 1/128-degree grid; only points
in cells the grid cannot decide (near a coastline, a 3-nm or 12-nm limit, a median line or
a specified area's edge) are decided exactly:

- land: point-in-polygon against the GSHHG land of the candidate unit (then all land);
- sea: geodesic distance to the nearest coast sample (k-d tree over WGS-84 Earth-centred
  coordinates). The unit whose coast is nearest owns the sea there, which draws the median
  line between facing coasts; the point is territorial sea when that distance is within
  the breadth the unit's regime gives on the row's date.

Outside the region, land is attributed from Natural Earth countries; no territorial sea.

A few exact points (at most FEW_EXACT, in a process that has not built the k-d tree or the
prepared polygons) are decided in numpy (`point_in_polygon`, `nearest_coast`): a single
point never imports scipy or shapely nor builds their structures, with the same answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import numpy.typing as npt

from anpo.core.codes import NULL, Zone
from anpo.core.compiled import use_compiled
from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day
from anpo.core.errors import InputError
from anpo.geo import grid_passes
from anpo.geo import region as R
from anpo.geo.index import (
    all_units,
    geo_index,
    world_edges,
    world_index,
    world_polygons,
    world_unit_of_country,
)
from anpo.geo.place import Place, Unit
from anpo.geo.point_in_polygon import ring_contains
from anpo.geo.units_table import internal_waters, specified_areas

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

    from anpo.geo.kernel_records import CoastBuckets, WorldEdges

WIDE_FROM_DAY = to_day(__import__("datetime").date(1977, 7, 1))  # Territorial Sea Law in force
_FAR_KM = R.TS_WIDE_NM * R.NM_KM + 1.0
# The codes as plain ints: numpy takes an IntEnum member for a 64-bit array and widens the
# whole code column to compare with it (about 10x slower than comparing with an int).
_BOUNDARY, _COAST = int(R.CellClass.boundary), int(R.CellClass.coast)
_OPEN_SEA, _BAND_SEA = int(R.CellClass.open_sea), int(R.CellClass.band_sea)
_LAND_CELL, _NEAR_SEA_CELL = np.uint8(R.CellClass.land), np.uint8(R.CellClass.near_sea)
_LAND, _TERRITORIAL_SEA, _OUTSIDE = int(Zone.land), int(Zone.territorial_sea), int(Zone.outside)
# Up to this many exact points, numpy decides them unless the tree or polygons are built;
# a long-lived process (a server) builds them after NUMPY_BUDGET points taken this way,
# where the numpy path's ~1 ms a point would add up.
FEW_EXACT = 8
# Points of a batch's chunks in cells of two units' land are decided in numpy
# (`_land_by_edges`) while shapely's land is not built, up to this many in a process (a
# few tens a chunk of coastal points: about 0.25 ms each, against 0.1-0.3 s to build).
RAGGED_BUDGET = 1024
_ragged_points = 0
NUMPY_BUDGET = 256
_numpy_points = 0

# Prepared GEOS geometries build their indexes lazily on first use and are not safe to use
# from two threads at once (a crash was seen). Every step that touches a polygon takes this
# lock, and so does building the k-d tree; queries of the built tree and the grid path,
# which decides about 99% of points, run unlocked.
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
    if not len(lat):
        return
    # Reductions first (fmin/fmax skip NaN: no location); the scan for the first bad row
    # runs only when there is one.
    for name, col, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if np.fmax.reduce(col) > limit or np.fmin.reduce(col) < -limit:
            bad = np.flatnonzero(np.abs(col) > limit)
            raise InputError(name, f"{col[bad[0]]} is outside [-{limit:g}, {limit:g}]", int(bad[0]))
    if day.min() < to_day(FIRST_DATE) or day.max() > to_day(LAST_DATE):
        bad = np.flatnonzero((day < to_day(FIRST_DATE)) | (day > to_day(LAST_DATE)))
        raise InputError("date", f"outside {FIRST_DATE}..{LAST_DATE}", int(bad[0]))


def _exact_sea(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32], sa: npt.NDArray[np.int8],
    bounded: bool, compiled: bool = False,
) -> None:
    """Nearest coast (unit, distance) and specified area for sea points `idx`. `compiled`
    (a large input): within the bound, the compiled bucket search instead of the k-d tree,
    so a batch never imports scipy nor builds the tree (0.3-0.7 s of its start)."""
    gi = geo_index()
    pts = R.ecef_km(lat[idx], lon[idx])
    bound = _FAR_KM if bounded else np.inf
    # The k-d tree is only read, which is safe from several threads: no lock (it is built
    # under the lock on first use). One thread per query: the batch threads give the
    # parallelism, and the tree's own threads would cost ~20% more CPU.
    if _few(idx, "coast_tree"):
        d, i = gi.coast_samples.query(pts, bound)
    elif compiled and bounded:
        nearest = _compiled("anpo.geo.coast_buckets").nearest

        d, i = nearest(_coast_buckets(), lat[idx], lon[idx], pts, bound)
    else:
        d, i = _coast_tree().query(pts, k=1, distance_upper_bound=bound, workers=1)
    found = np.isfinite(d)
    unit[idx[found]] = gi.coast_unit[i[found]]
    dist_nm[idx] = np.where(found, d / R.NM_KM, np.nan)
    _mark_specified_areas(idx, lat, lon, sa, compiled)


@_exclusive
def _coast_tree() -> cKDTree:
    return geo_index().coast_tree


@_exclusive
def _coast_buckets() -> CoastBuckets:
    return geo_index().coast_buckets


@_exclusive
def _mark_specified_areas(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    sa: npt.NDArray[np.int8], compiled: bool = False,
) -> None:
    sa[idx] = NULL
    if compiled or _few(idx, "specified_area_polygons"):
        contains = _compiled_ring_contains() if compiled else ring_contains
        for k, area in enumerate(specified_areas()):
            sa[idx[contains(_closed(area.ring), lon[idx], lat[idx])]] = k
        return
    import shapely

    polygons = geo_index().specified_area_polygons
    if len(idx) <= FEW_EXACT:
        # A few points (one request): only the areas whose bounds hold a point are tested
        # (a polygon lies within its bounds, so the others hold none of them).
        xs, ys = lon[idx].tolist(), lat[idx].tolist()
        for k, (w, s, e, n) in enumerate(_bounds(polygons)):
            near = [j for j in range(len(xs)) if w <= xs[j] <= e and s <= ys[j] <= n]
            if near:
                rows = idx[near]
                sa[rows[shapely.contains_xy(polygons[k], lon[rows], lat[rows])]] = k
        return
    for k, poly in enumerate(polygons):
        hit = shapely.contains_xy(poly, lon[idx], lat[idx])
        sa[idx[hit]] = k


_BOUNDS: dict[int, tuple[Any, list[tuple[float, float, float, float]]]] = {}


def _bounds(polygons: list[Any]) -> list[tuple[float, float, float, float]]:
    """(west, south, east, north) of each polygon of `polygons` (a list the index keeps)."""
    kept = _BOUNDS.get(id(polygons))
    if kept is None or kept[0] is not polygons:
        kept = _BOUNDS[id(polygons)] = polygons, [tuple(p.bounds) for p in polygons]
    return kept[1]


def _few(idx: npt.NDArray[np.intp], built: str) -> bool:
    """Decide these points in numpy: few of them, and the tree or polygons (`built`: a
    cached property of GeoIndex, or "world_index") not built yet."""
    global _numpy_points
    if len(idx) > FEW_EXACT or _numpy_points >= NUMPY_BUDGET:
        return False
    unbuilt = (world_index.cache_info().currsize == 0 if built == "world_index"
               else built not in geo_index().__dict__)
    if unbuilt:
        _numpy_points += len(idx)
    return unbuilt


def _compiled_ring_contains() -> Callable[..., npt.NDArray[np.bool_]]:
    compiled: Callable[..., npt.NDArray[np.bool_]] = _compiled("anpo.geo.ring_kernel").ring_contains
    return compiled


def _closed(ring: tuple[tuple[float, float], ...]) -> npt.NDArray[np.float64]:
    r = np.asarray(ring, dtype=np.float64)
    return r if len(r) and (r[0] == r[-1]).all() else np.vstack([r, r[:1]])


def _land_by_edges(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.int16],
) -> npt.NDArray[np.int16]:
    """`_exact_land` for a large input: the cells' edge lists (`land_edges`, compiled, no
    lock) decide the points; `_exact_land` those of cells that hold two units' land."""
    land_unit = _compiled("anpo.geo.land_edges").land_unit
    gi = geo_index()
    out = land_unit(lat, lon, idx, gi.grid, gi.fine, gi.land_edges)
    undecided = np.flatnonzero(out == -2)
    if len(undecided):
        # A chunk has a few tens of these (its points in the 42 cells that hold two units'
        # land): decided by the numpy ring tests (about 0.25 ms a point) within the budget,
        # where building shapely's prepared land (every unit's, and all of it) takes 0.1-0.3
        # s of a batch process the first time. Same answers.
        global _ragged_points
        ragged = _ragged_points + len(undecided) <= RAGGED_BUDGET and "unit_land" not in gi.__dict__
        if ragged:
            _ragged_points += len(undecided)
        out[undecided] = _exact_land(idx[undecided], lat, lon, candidate[undecided], ragged=ragged)
    return out


@_exclusive
def _exact_land(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    candidate: npt.NDArray[np.int16], *, ragged: bool = False,
) -> npt.NDArray[np.int16]:
    """Unit whose land holds each point (NULL for sea). `candidate` is tried first. With
    `ragged`, or for a few points before shapely's land is built, by the numpy ring tests."""
    gi = geo_index()
    out = np.full(len(idx), NULL, dtype=np.int16)
    x, y = lon[idx], lat[idx]
    if ragged or _few(idx, "unit_land"):
        rp = gi.land_ragged
        for k in range(len(idx)):
            # the candidate unit's land first, then any land
            p = rp.polygon_at(float(x[k]), float(y[k]), gi.land_unit == candidate[k])
            if p < 0:
                p = rp.polygon_at(float(x[k]), float(y[k]))
            if p >= 0:
                out[k] = gi.land_unit[p]
        return out
    import shapely

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
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    day = np.ascontiguousarray(day, dtype=np.int32)
    _validate(lat, lon, day)
    gi = geo_index()
    # Passes over all rows (compiled, without the GIL, for large inputs); the exact steps in
    # between touch only the rows the grid cannot decide.
    passes = _compiled_passes() if use_compiled(len(lat)) else grid_passes
    # the numpy passes ask for the sub-cells only if a point lies in a boundary cell
    fine = gi.fine if passes is not grid_passes else (lambda: gi.fine)
    cls, zone, unit, dist_nm, sa = passes.grid_pass(lat, lon, gi.grid, fine)
    compiled = passes is not grid_passes
    boundary = np.flatnonzero(cls == _BOUNDARY)
    if len(boundary):
        # In grid-cell order: neighbouring points walk the same k-d tree nodes and polygon
        # edges, which halves the time of the exact steps (each point's answer is its own).
        boundary = boundary[np.argsort(R.cell_of(lat[boundary], lon[boundary])[1], kind="stable")]
        if compiled:
            # land by the cells' edge lists first; the nearest coast of the sea points only
            land_unit = _land_by_edges(boundary, lat, lon, unit[boundary])
            sea_rows = boundary[land_unit == NULL]
            if len(sea_rows):
                _exact_sea(sea_rows, lat, lon, unit, dist_nm, sa, bounded=not exact, compiled=True)
        else:
            # the nearest coast first: its unit is the first candidate of the land test
            _exact_sea(boundary, lat, lon, unit, dist_nm, sa, bounded=not exact)
            land_unit = _exact_land(boundary, lat, lon, unit[boundary])
        _set_land(boundary, land_unit, zone, unit, dist_nm, sa)
    coast = np.flatnonzero(cls == _COAST)
    if len(coast):
        # sub-cells a coastline crosses: land by the exact test, else near sea of their unit
        land_unit = (_land_by_edges if compiled else _exact_land)(coast, lat, lon, unit[coast])
        _set_land(coast, land_unit, zone, unit, dist_nm, sa)
        cls[coast] = np.where(land_unit != NULL, _LAND_CELL, _NEAR_SEA_CELL)
    if exact:
        pure_sea = np.flatnonzero((cls >= _OPEN_SEA) & (cls <= _BAND_SEA))
        if len(pure_sea):
            _exact_sea(pure_sea, lat, lon, unit, dist_nm, sa, bounded=False)
    breadth, near_waters = passes.sea_pass(cls, zone, unit, dist_nm, sa, day, gi.japan_regime,
                                           WIDE_FROM_DAY, exact, lat, lon, gi.internal_waters_bounds)
    internal = np.full(len(lat), NULL, dtype=np.int8)
    if len(near_waters):
        _mark_internal_waters(near_waters, lat, lon, zone, unit, internal, compiled)
    world = np.flatnonzero(cls == R.OUTSIDE_REGION)
    if len(world):
        _resolve_world(world, lat, lon, zone, unit, dist_nm, compiled)
    admin, claims = passes.administration_pass(zone, unit, day, *gi.admin.columns())
    return Place(zone, unit, admin, claims, dist_nm, breadth, sa, internal)


def _set_land(
    idx: npt.NDArray[np.intp], land_unit: npt.NDArray[np.int16], zone: npt.NDArray[np.int8],
    unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32], sa: npt.NDArray[np.int8],
) -> None:
    """Rows `idx` whose `land_unit` is not NULL are land of that unit."""
    on_land = land_unit != NULL
    rows = idx[on_land]
    unit[rows] = land_unit[on_land]
    zone[rows] = _LAND
    dist_nm[rows] = 0.0
    sa[rows] = NULL


def _compiled_passes() -> ModuleType:
    passes: ModuleType = _compiled("anpo.geo.grid_kernel")
    return passes


def _compiled(module: str) -> Any:
    """A kernel module's compiled functions: the install-time extension's, else numba's JIT
    (imported then: only when a large input needs it; `anpo.core.ahead_of_time`)."""
    from anpo.core.ahead_of_time import compiled_module

    return compiled_module(module)


@_exclusive
def _mark_internal_waters(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], internal: npt.NDArray[np.int8],
    compiled: bool = False,
) -> None:
    """Sea rows inside a closing line become the unit's territorial sea (internal waters).
    `idx`: the sea rows within `GeoIndex.internal_waters_bounds` (`sea_pass` selects them)."""
    x, y = lon[idx], lat[idx]
    if compiled or _few(idx, "internal_water_polygons"):
        contains = _compiled_ring_contains() if compiled else ring_contains
        code_of = {u.id: u.code for u in units()}
        for k, water in enumerate(internal_waters()):
            hit = idx[contains(_closed(water.ring), x, y)]
            zone[hit] = _TERRITORIAL_SEA
            unit[hit] = code_of[water.unit_id]
            internal[hit] = k
        return
    import shapely

    waters = geo_index().internal_water_polygons
    for k, (poly, code, (w, s, e, n)) in enumerate(waters):
        sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        if not len(sel):
            continue
        hit = idx[sel[shapely.contains_xy(poly, x[sel], y[sel])]]
        zone[hit] = _TERRITORIAL_SEA
        unit[hit] = code
        internal[hit] = k


def _resolve_world(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32],
    compiled: bool = False,
) -> None:
    """Rows `idx` (located, outside the region): land of the Natural Earth country holding
    them, the last one where several do; else outside. `compiled` (a large input): by the
    world cells' edges (`world_kernel`, no lock), else by shapely or, for a few, in numpy."""
    cells = _world_edges() if compiled else None
    if cells is None:
        _resolve_world_exclusive(idx, lat, lon, zone, unit, dist_nm)
        return
    owner = _compiled("anpo.geo.world_kernel").country_of(lat, lon, idx, cells)
    held = owner >= 0
    rows = idx[held]
    zone[idx] = _OUTSIDE
    zone[rows] = _LAND
    unit[rows] = world_unit_of_country()[owner[held]]
    dist_nm[rows] = 0.0


@_exclusive
def _world_edges() -> WorldEdges | None:
    return world_edges()


@_exclusive
def _resolve_world_exclusive(
    idx: npt.NDArray[np.intp], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64],
    zone: npt.NDArray[np.int8], unit: npt.NDArray[np.int16], dist_nm: npt.NDArray[np.float32],
) -> None:
    x, y = lon[idx], lat[idx]
    zone[idx] = _OUTSIDE
    if _few(idx, "world_index"):
        wp = world_polygons()
        for k in range(len(idx)):
            p = wp.polygons.polygon_at(float(x[k]), float(y[k]))
            if p >= 0:
                zone[idx[k]] = _LAND
                unit[idx[k]] = wp.unit_of_country[wp.owner[p]]
                dist_nm[idx[k]] = 0.0
        return
    import shapely

    wi = world_index()
    # Each country's candidates are the points within its bounds: the points sorted by
    # longitude once, a country's band of them found by two binary searches, then its
    # latitudes compared (the same points as comparing every point with every country's
    # bounds, about 240 countries). Countries in the same order: a later one wins, as before.
    order = np.argsort(x, kind="stable")
    xs = x[order]
    first = np.searchsorted(xs, wi.bounds[:, 0], side="left")  # first x >= west
    end = np.searchsorted(xs, wi.bounds[:, 2], side="right")  # past the last x <= east
    for k in np.flatnonzero(end > first).tolist():
        g = wi.geoms[k]
        _, s, _, n = wi.bounds[k]
        band = order[first[k]:end[k]]
        yb = y[band]
        sel = np.sort(band[(yb >= s) & (yb <= n)])
        if not len(sel):
            continue
        hit = sel[shapely.contains_xy(g, x[sel], y[sel])]
        zone[idx[hit]] = _LAND
        unit[idx[hit]] = wi.unit_of_country[k]
        dist_nm[idx[hit]] = 0.0
