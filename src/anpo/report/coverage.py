"""Who administers what on a date, as display GeoJSON derived from `anpo.geo` and the law.

Nothing here knows a coastline. A raster of cell centres over the detailed region is resolved
by `geo.resolve` (land and territorial sea, administering state); the Article V area is where
the law itself (`law.rules.evaluate`) says an armed attack against Japan falls under Article V.
Each class is traced into polygons with contourpy and simplified for display, so the map is
as coarse as `STEP_DEG` (about 3.5 km): for exact answers, ask `/v1/where` or `/v1/assess`.

Results are cached by the last day on which anything could change before the asked date
(a unit's administration, an instrument's named date, the 1977 territorial-sea change), in
memory and on disk (`coverage_cache`; `make install` draws every period).
"""

from __future__ import annotations

import bisect
import threading
from functools import cache
from typing import Any

import contourpy
import numpy as np
import numpy.typing as npt
import shapely

from anpo import geo
from anpo.core.codes import NULL, Article5Status, Event, country_code, country_name
from anpo.core.dates import FOREVER, from_day, parse_date, to_day
from anpo.core.scenario import TRI_NONE, ScenarioFrame
from anpo.geo import region as R
from anpo.geo.resolver import WIDE_FROM_DAY
from anpo.law.instruments import named_dates
from anpo.law.rules import evaluate
from anpo.report import coverage_cache

STEP_DEG = 1 / 32
SIMPLIFY_DEG = 0.01
DECIMALS = 3
_lock = threading.Lock()


@cache
def change_days() -> tuple[int, ...]:
    """Every day on which the map could change, sorted."""
    days = {to_day(d) for d in named_dates()}
    days.add(int(WIDE_FROM_DAY))
    for unit in geo.units():
        days.update(to_day(p.start) for p in unit.history)
    return tuple(sorted(days))


@cache
def administration_days() -> tuple[int, ...]:
    """Every day on which some unit's administration changed, sorted."""
    return tuple(sorted({to_day(p.start) for unit in geo.units() for p in unit.history}))


def periods(first: str = "1952-01-01") -> list[str]:
    """The first day of every map period from `first` (the slider's first month) on, newest
    first: asking `coverage` for each draws every map the dashboard can show."""
    start = to_day(parse_date(first, "first"))
    return [from_day(d).isoformat() for d in reversed(change_days()) if d > start] + [first]


def last_administration_change(day: int) -> int | None:
    """The last day on or before `day` when some unit's administration changed (None: none)."""
    days = administration_days()
    i = bisect.bisect_right(days, day)
    return days[i - 1] if i else None


def effective_day(day: int) -> int:
    """The last change day on or before `day` (maps of two days between changes are equal)."""
    days = change_days()
    i = bisect.bisect_right(days, day)
    return days[i - 1] if i else day


@cache
def _grid() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    lons = np.arange(R.WEST + STEP_DEG / 2, R.EAST, STEP_DEG)
    lats = np.arange(R.SOUTH + STEP_DEG / 2, R.NORTH, STEP_DEG)
    return lons, lats


def _rasters(day: int) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.bool_]]:
    """Administering state per cell, and the Article V area, on `day`."""
    lons, lats = _grid()
    lon, lat = (a.ravel() for a in np.meshgrid(lons, lats))
    n = lon.size
    days = np.full(n, day, np.int32)
    place = geo.resolve(lat, lon, days)
    frame = ScenarioFrame(
        day=days,
        event=np.full(n, int(Event.armed_attack), np.int8),
        target=np.full(n, country_code("JPN"), np.int16),
        lat=lat, lon=lon,
        us_action=np.zeros(n, np.int8),
        termination_notice_day=np.full(n, FOREVER, np.int32),
        armed_attack_judged=np.full(n, TRI_NONE, np.int8),
        survival_threatening_certified=np.full(n, TRI_NONE, np.int8),
        ids=[None] * n,
    )
    article5 = evaluate(frame, place)["article5"] == int(Article5Status.applies)
    admin = place.administered_by.astype(np.int16)  # NULL wherever no state administers
    shape = (len(lats), len(lons))
    return admin.reshape(shape), np.asarray(article5).reshape(shape)


def _polygons(mask: npt.NDArray[np.bool_]) -> shapely.MultiPolygon | None:
    """Polygons around the True cells of a mask (cell-centre coordinates)."""
    rows, cols = np.nonzero(mask)
    if not len(rows):
        return None
    lons, lats = _grid()
    r0, r1 = max(rows.min() - 1, 0), min(rows.max() + 2, mask.shape[0])
    c0, c1 = max(cols.min() - 1, 0), min(cols.max() + 2, mask.shape[1])
    z = np.pad(mask[r0:r1, c0:c1].astype(np.float64), 1)
    x = np.concatenate(([lons[c0] - STEP_DEG], lons[c0:c1], [lons[c1 - 1] + STEP_DEG]))
    y = np.concatenate(([lats[r0] - STEP_DEG], lats[r0:r1], [lats[r1 - 1] + STEP_DEG]))
    gen = contourpy.contour_generator(x, y, z, fill_type=contourpy.FillType.OuterOffset)
    filled = gen.filled(0.5, 1.5)
    points: list[Any] = list(filled[0])
    offsets: list[Any] = list(filled[1])
    polys = []
    for pts, offs in zip(points, offsets, strict=True):
        rings = [pts[offs[k]:offs[k + 1]] for k in range(len(offs) - 1)]
        polys.append(shapely.Polygon(rings[0], rings[1:]))
    merged = shapely.make_valid(shapely.MultiPolygon(polys))
    simple = shapely.simplify(merged, SIMPLIFY_DEG, preserve_topology=True)
    return simple if not simple.is_empty else None


def _feature(geom: shapely.Geometry, props: dict[str, Any]) -> dict[str, Any]:
    rounded = shapely.set_precision(geom, 10.0**-DECIMALS)
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(rounded)}


_CONSTANTS = f"step={STEP_DEG} simplify={SIMPLIFY_DEG} decimals={DECIMALS}"


@cache
def _coverage_on(day: int) -> dict[str, Any]:
    """A period's map: from the disk cache when this install has drawn it before."""
    period = from_day(day).isoformat()
    fc = coverage_cache.load(_CONSTANTS, period)
    if fc is None:
        fc = _draw(day)
        coverage_cache.save(_CONSTANTS, period, fc)
    return fc


def _draw(day: int) -> dict[str, Any]:
    admin, article5 = _rasters(day)
    features = []
    codes, counts = np.unique(admin[admin != NULL], return_counts=True)
    for code in codes[np.argsort(-counts, kind="stable")].tolist():
        geom = _polygons(admin == code)
        if geom is not None:
            features.append(_feature(geom, {"layer": "administration",
                                            "administered_by": country_name(int(code))}))
    geom = _polygons(article5)
    if geom is not None:
        features.append(_feature(geom, {"layer": "article5"}))
    return {"type": "FeatureCollection", "features": features}


def coverage(date: str) -> dict[str, Any]:
    """GeoJSON: land and territorial sea by administering state, and the Article V area."""
    day = to_day(parse_date(date, "date"))
    eff = effective_day(day)
    with _lock:
        fc = _coverage_on(eff)
    changed = last_administration_change(day)
    return {
        **fc,
        "date": date,
        "effective_from": from_day(eff).isoformat(),
        # The map's status line names this day: the last change of administration itself, not
        # of an instrument (the 1960 treaty's entry into force changes the Article V area only).
        "administration_changed": None if changed is None else from_day(changed).isoformat(),
        # Every period's first day (ascending): a page keys its maps by period and can fetch
        # the others ahead (each date of a period has the same map).
        "periods": sorted(periods()),
        "resolution_deg": STEP_DEG,
        "bbox": [R.WEST, R.SOUTH, R.EAST, R.NORTH],
    }
