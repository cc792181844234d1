"""The passes' few-row branches (`grid_passes.FEW_ROWS`: Python numbers, row by row) and the
specified areas' bounds test for a few points give the columns' values (issue 19): every
Place column of rows resolved a few at a time equals the same rows resolved together, on
coasts, territorial-sea edges, specified areas, internal waters, outside the region and
without a location, on days around the Territorial Sea Law."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day
from anpo.geo import grid_passes, resolve, resolver
from anpo.geo import region as R
from anpo.geo.index import geo_index
from anpo.geo.units_table import specified_areas


def _points(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    gi = geo_index()
    rng = np.random.default_rng(seed)
    lat, lon = [], []
    # around coastline samples: on the coast, and out to both territorial-sea edges
    # (3 and 12 nm, about 0.05 and 0.2 degrees)
    for spread in (0.003, 0.05, 0.2):
        i = rng.integers(0, len(gi.coast_lat), 120)
        lat.append(gi.coast_lat[i] + rng.normal(0, spread, 120))
        lon.append(gi.coast_lon[i] + rng.normal(0, spread, 120))
    # in and around the specified areas (3-nm straits)
    for area in specified_areas():
        ring = np.asarray(area.ring, dtype=np.float64)  # (lon, lat)
        k = rng.integers(0, len(ring), 30)
        lon.append(ring[k, 0] + rng.normal(0, 0.05, 30))
        lat.append(ring[k, 1] + rng.normal(0, 0.05, 30))
    # the Seto Inland Sea (internal waters), the open region, outside it
    lat += [rng.uniform(33.9, 34.4, 40), rng.uniform(R.SOUTH, R.NORTH, 80), rng.uniform(-60, 70, 16)]
    lon += [rng.uniform(132.5, 134.5, 40), rng.uniform(R.WEST, R.EAST, 80), rng.uniform(60, 179, 16)]
    la, lo = np.clip(np.concatenate(lat), -89.0, 89.0), np.clip(np.concatenate(lon), -179.0, 179.0)
    la[::53] = np.nan  # no location
    lo[::53] = np.nan
    # the region's edges
    la[1:5] = [R.SOUTH, np.nextafter(R.NORTH, 0.0), 40.0, 40.0]
    lo[1:5] = [140.0, 140.0, R.WEST, np.nextafter(R.EAST, 0.0)]
    wide = resolver.WIDE_FROM_DAY
    day = np.where(rng.random(len(la)) < 0.5, wide + rng.integers(-3, 3, len(la)),
                   rng.integers(to_day(FIRST_DATE), to_day(LAST_DATE) + 1, len(la))).astype(np.int32)
    return la.astype(np.float64), lo.astype(np.float64), day


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("few_exact", [False, True])
def test_rows_a_few_at_a_time_equal_rows_together(exact: bool, few_exact: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon, day = _points(seed=11 + exact)
    assert len(lat) > 20 * grid_passes.FEW_ROWS and len(lat) < 20_000  # the numpy columns path
    # the exact steps of a few points: numpy (no tree built yet) or the tree and polygons
    monkeypatch.setattr(resolver, "_few", lambda idx, built: few_exact and len(idx) <= resolver.FEW_EXACT)
    whole = resolve(lat, lon, day, exact=exact)
    rng = np.random.default_rng(3)
    lo, zones, areas = 0, set(), 0
    while lo < len(lat):
        size = int(rng.integers(1, grid_passes.FEW_ROWS + 1))
        s = slice(lo, lo + size)
        part = resolve(lat[s], lon[s], day[s], exact=exact)
        for f in dataclasses.fields(part):
            a, b = getattr(part, f.name), getattr(whole, f.name)[s]
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), (f.name, lo)
        zones |= set(part.zone.tolist())
        areas += int((part.specified_area >= 0).sum())
        lo += size
    assert len(zones) >= 4 and areas > 5  # land, both seas, outside; points in the straits


def test_passes_alone_equal_their_columns() -> None:
    """grid_pass and sea_pass on one row equal the same row of the columns' pass."""
    gi = geo_index()
    lat, lon, day = _points(seed=17)
    cols = grid_passes.grid_pass(lat, lon, gi.grid, gi.fine)
    for i in range(len(lat)):
        one = grid_passes.grid_pass(lat[i:i + 1], lon[i:i + 1], gi.grid, gi.fine)
        for a, b in zip(one, cols, strict=True):
            assert a.dtype == b.dtype and np.array_equal(a, b[i:i + 1], equal_nan=a.dtype.kind == "f"), i
    cls, zone, unit, dist, sa = (c.copy() for c in cols)
    dist[::3] = np.float32(np.nan)
    dist[1::3] = np.float32(R.TS_NARROW_NM)  # on the narrow edge
    dist[2::7] = np.float32(R.TS_WIDE_NM)  # on the wide edge
    for keep in (False, True):
        z, u = zone.copy(), unit.copy()
        wide = resolver.WIDE_FROM_DAY
        breadth, waters = grid_passes.sea_pass(cls, z, u, dist, sa, day, gi.japan_regime, wide,
                                               keep, lat, lon, gi.internal_waters_bounds)
        for i in range(len(lat)):
            z1, u1 = zone[i:i + 1].copy(), unit[i:i + 1].copy()
            b1, w1 = grid_passes.sea_pass(cls[i:i + 1], z1, u1, dist[i:i + 1], sa[i:i + 1], day[i:i + 1],
                                          gi.japan_regime, resolver.WIDE_FROM_DAY, keep, lat[i:i + 1],
                                          lon[i:i + 1], gi.internal_waters_bounds)
            assert np.array_equal(b1, breadth[i:i + 1], equal_nan=True) and b1.dtype == breadth.dtype
            assert z1[0] == z[i] and u1[0] == u[i], i
            assert w1.dtype == waters.dtype and w1.tolist() == ([0] if i in set(waters.tolist()) else [])
