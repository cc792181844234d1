"""The numpy path for a few exact points (no k-d tree, no shapely) gives the answers of the
tree-and-polygon path: nearest coast sample, land polygon, and whole Place columns."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import shapely

from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day
from anpo.geo import region as R
from anpo.geo import resolve, resolver
from anpo.geo.index import geo_index


def coastal_points(n: int, spread: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around coastline samples (where the exact steps run)."""
    gi = geo_index()
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(gi.coast_lat), n)
    lat = gi.coast_lat[i].astype(np.float64) + rng.normal(0, spread, n)
    lon = gi.coast_lon[i].astype(np.float64) + rng.normal(0, spread, n)
    return np.clip(lat, -89.0, 89.0), np.clip(lon, -179.0, 179.0)


@pytest.mark.parametrize("bound", [np.inf, R.TS_WIDE_NM * R.NM_KM + 1.0])
def test_nearest_coast_sample_is_the_trees(bound: float) -> None:
    gi = geo_index()
    lat, lon = coastal_points(600, 0.15, seed=1)
    rng = np.random.default_rng(2)
    lat = np.r_[lat, rng.uniform(R.SOUTH, R.NORTH, 200)]
    lon = np.r_[lon, rng.uniform(R.WEST, R.EAST, 200)]
    pts = R.ecef_km(lat, lon)
    d_tree, i_tree = gi.coast_tree.query(pts, k=1, distance_upper_bound=bound)
    d_few, i_few = gi.coast_samples.query(pts, bound)
    assert np.array_equal(d_tree, d_few)  # bit for bit: the same chord, summed the same way
    unit = np.r_[gi.coast_unit, -9]
    assert np.array_equal(unit[i_tree], unit[i_few])


def test_land_polygon_is_shapelys() -> None:
    gi = geo_index()
    lat, lon = coastal_points(1500, 0.01, seed=3)
    truth = shapely.contains_xy(gi.all_land, lon, lat)
    rp = gi.land_ragged
    found = np.array([rp.polygon_at(x, y) >= 0 for x, y in zip(lon, lat, strict=True)])
    assert truth.mean() > 0.2 and (~truth).mean() > 0.2  # both sides of the coast
    assert np.array_equal(found, truth)


@pytest.mark.parametrize("exact", [False, True])
def test_resolve_few_points_same_place_either_path(exact: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    lat, lon = coastal_points(8 * 40, 0.08, seed=4)
    rng = np.random.default_rng(5)
    # a few points outside the detailed region (Natural Earth) and in the internal waters
    lat[:8], lon[:8] = rng.uniform(-60, 70, 8), rng.uniform(60, 179, 8)
    lat[8:16], lon[8:16] = rng.uniform(33.9, 34.4, 8), rng.uniform(132.5, 134.5, 8)
    day = rng.integers(to_day(FIRST_DATE), to_day(LAST_DATE) + 1, len(lat)).astype(np.int32)
    for lo in range(0, len(lat), 8):
        s = slice(lo, lo + 8)
        monkeypatch.setattr(resolver, "_few", lambda idx, built: True)
        few = resolve(lat[s], lon[s], day[s], exact=exact)
        monkeypatch.setattr(resolver, "_few", lambda idx, built: False)
        full = resolve(lat[s], lon[s], day[s], exact=exact)
        for f in dataclasses.fields(few):
            a, b = getattr(few, f.name), getattr(full, f.name)
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f.name


def test_a_long_lived_process_switches_to_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """After NUMPY_BUDGET points on the numpy path, the tree and polygons are used (a server
    would otherwise pay the numpy path's cost on every request)."""
    idx = np.arange(3)
    monkeypatch.setattr(resolver, "_numpy_points", resolver.NUMPY_BUDGET)
    assert not resolver._few(idx, "coast_tree")
    monkeypatch.setattr(resolver, "_numpy_points", 0)
    assert not resolver._few(np.arange(resolver.FEW_EXACT + 1), "coast_tree")


@pytest.mark.parametrize("which", ["land", "world"])
def test_candidates_from_bins_are_every_box_holding_the_point(which: str) -> None:
    """After its first BRUTE_CALLS calls, `RaggedPolygons.candidates` searches 1-degree bins:
    the same polygons, in the same order, as comparing every bounding box, including points
    on boxes' edges and corners and on whole degrees (the bins' own edges)."""
    from anpo.geo import point_in_polygon
    from anpo.geo.index import world_polygons

    rp = geo_index().land_ragged if which == "land" else world_polygons().polygons
    b = rp.bounds
    rng = np.random.default_rng(11)
    k = rng.integers(0, len(b), 2_000)
    xs = np.r_[rng.uniform(-180, 180, 2_000), rng.uniform(110, 165, 2_000), b[k, 0], b[k, 2],
               rng.uniform(b[k, 0], b[k, 2]), np.floor(rng.uniform(110, 165, 2_000))]
    ys = np.r_[rng.uniform(-90, 90, 2_000), rng.uniform(5, 60, 2_000), rng.uniform(b[k, 1], b[k, 3]),
               b[k, 3], b[k, 1], np.floor(rng.uniform(5, 60, 2_000))]
    for _ in range(point_in_polygon.BRUTE_CALLS + 1):
        rp.candidates(0.0, 0.0)  # past the first calls: the bins answer from here on
    held = 0
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        want = np.flatnonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))
        got = rp.candidates(x, y)
        assert np.array_equal(got, want)
        held += len(want) > 0
    assert held > 6_000
