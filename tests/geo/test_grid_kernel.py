"""The compiled passes of `geo.resolve` give what the vectorized definitions give."""

from __future__ import annotations

import numpy as np

from anpo.core.codes import NULL, Zone
from anpo.geo import region as R
from anpo.geo.grid_kernel import OUTSIDE_REGION, UNLOCATED, administration_pass, grid_pass
from anpo.geo.index import geo_index


def random_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in and around the region, some on its edges, some without a location."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(R.SOUTH - 5, R.NORTH + 5, n)
    lon = rng.uniform(R.WEST - 5, R.EAST + 5, n)
    edge = rng.random(n) < 0.05
    lat[edge] = rng.choice([R.SOUTH, R.NORTH, np.nextafter(R.NORTH, 0.0)], edge.sum())
    edge = rng.random(n) < 0.05
    lon[edge] = rng.choice([R.WEST, R.EAST, np.nextafter(R.EAST, 0.0)], edge.sum())
    lat[rng.random(n) < 0.02] = np.nan
    lon[rng.random(n) < 0.02] = np.nan
    return lat, lon


def test_grid_pass_reads_the_cells_that_cell_of_and_unpack_cell_name() -> None:
    cell = geo_index().cell
    lat, lon = random_points(200_000, seed=1)
    cls, zone, unit, dist, sa = grid_pass(lat, lon, cell)

    located = ~(np.isnan(lat) | np.isnan(lon))
    inside, flat = R.cell_of(lat, lon)
    inside &= located
    want_cls, want_unit, want_sa = R.unpack_cell(cell[flat[inside]])
    assert np.array_equal(cls[inside], want_cls)
    assert np.array_equal(unit[inside], want_unit)
    assert np.array_equal(sa[inside], want_sa)
    assert np.all(cls[~located] == UNLOCATED)
    assert np.all(cls[located & ~inside] == OUTSIDE_REGION)
    assert np.all(unit[~inside] == NULL) and np.all(sa[~inside] == NULL)
    land = cls == R.CellClass.land
    assert land.any() and np.all(zone[land] == Zone.land) and np.all(dist[land] == 0.0)
    assert np.all(zone[~land] == NULL) and np.all(np.isnan(dist[~land]))


def test_administration_pass_finds_the_period_searchsorted_finds() -> None:
    table = geo_index().admin
    keys, admin, claims, span, shift = table.columns()
    rng = np.random.default_rng(2)
    n = 100_000
    unit = (keys[rng.integers(0, len(keys), n)] // span).astype(np.int16)
    day = rng.integers(-8887, 47846, n).astype(np.int32)
    zone = rng.choice(np.array([NULL, Zone.land, Zone.territorial_sea, Zone.outside], np.int8), n)
    got_admin, got_claims = administration_pass(zone, unit, day, keys, admin, claims, span, shift)

    owned = (zone == Zone.land) | (zone == Zone.territorial_sea)
    i = np.searchsorted(keys, unit[owned].astype(np.int64) * span + day[owned] + shift, side="right") - 1
    assert np.array_equal(got_admin[owned], admin[i])
    assert np.array_equal(got_claims[owned], claims[i])
    assert np.all(got_admin[~owned] == NULL) and np.all(got_claims[~owned] == 0)
    assert len(np.unique(got_admin[owned])) > 3  # the sample spans several administrations
