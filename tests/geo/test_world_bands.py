"""Outside the region, `resolver._resolve_world` finds each country's candidate points by
longitude bands of the sorted points (issue 19); the places it gives are those of testing
every point against every country's bounds, the form it replaced, including points exactly
on a country's bounds and in countries whose bounds overlap."""

from __future__ import annotations

import numpy as np
import shapely

from anpo.core.codes import NULL
from anpo.geo import resolver
from anpo.geo.index import world_index


def _every_bound(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The former loop: every country's bounds compared with every point, later countries win."""
    wi = world_index()
    zone = np.full(len(x), 99, np.int8)
    unit = np.full(len(x), NULL, np.int16)
    dist = np.full(len(x), np.nan, np.float32)
    for k, g in enumerate(wi.geoms):
        w, s, e, n = wi.bounds[k]
        sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        hit = sel[shapely.contains_xy(g, x[sel], y[sel])]
        zone[hit], unit[hit], dist[hit] = 1, wi.unit_of_country[k], 0.0
    return zone, unit, dist


def test_world_bands_give_the_places_of_every_bound() -> None:
    wi = world_index()
    rng = np.random.default_rng(19)
    n = 30_000
    lat = rng.uniform(-60, 75, n)
    lon = rng.uniform(-180, 180, n)
    # points on countries' bounds (both ends of the bands) and repeated longitudes
    k = rng.integers(0, len(wi.bounds), 2_000)
    lon[:2_000] = np.where(rng.random(2_000) < 0.5, wi.bounds[k, 0], wi.bounds[k, 2])
    lat[2_000:4_000] = wi.bounds[k, 1]
    lon[4_000:6_000] = 139.0
    idx = np.arange(n, dtype=np.intp)
    zone = np.full(n, NULL, np.int8)
    unit = np.full(n, NULL, np.int16)
    dist = np.full(n, np.nan, np.float32)
    resolver._resolve_world(idx, lat, lon, zone, unit, dist)

    want_zone, want_unit, want_dist = _every_bound(lon, lat)
    land = want_zone == 1
    assert land.sum() > 1_000  # the sample reaches land in many countries
    assert np.array_equal(zone == resolver._LAND, land)
    assert np.all(zone[~land] == resolver._OUTSIDE)
    assert np.array_equal(unit, want_unit)
    assert np.array_equal(dist, want_dist, equal_nan=True)
