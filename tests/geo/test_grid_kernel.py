"""The compiled passes of `geo.resolve` give what the vectorized definitions give."""

from __future__ import annotations

import numpy as np

from anpo.core.codes import NULL, Zone
from anpo.geo import region as R
from anpo.geo.grid_kernel import administration_pass, grid_pass
from anpo.geo.index import geo_index
from anpo.geo.region import OUTSIDE_REGION, UNLOCATED


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
    grid = geo_index().grid
    cell = grid.flat()
    lat, lon = random_points(200_000, seed=1)
    fine = geo_index().fine  # every sub-cell "boundary": the cells as they are
    cls, zone, unit, dist, sa = grid_pass(lat, lon, grid,
                                          R.FineGrid(fine.base, fine.rank, np.zeros_like(fine.cells)))

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


def test_administration_pass_outside_the_unit_runs_matches_searchsorted() -> None:
    """Units without periods, the last and first units, and keys' edges: the kernel's scan of
    a unit's run finds what a search over all keys finds."""
    table = geo_index().admin
    keys, admin, claims, span, shift = table.columns()
    rng = np.random.default_rng(5)
    n = 50_000
    top = int(keys[-1] // span)
    unit = rng.integers(0, top + 1, n).astype(np.int16)
    day = (keys[rng.integers(0, len(keys), n)] % span - shift + rng.integers(-1, 2, n)).astype(np.int32)
    zone = np.full(n, Zone.land, np.int8)
    got_admin, got_claims = administration_pass(zone, unit, day, keys, admin, claims, span, shift)
    i = np.searchsorted(keys, unit.astype(np.int64) * span + day + shift, side="right") - 1
    assert np.array_equal(got_admin, admin[i]) and np.array_equal(got_claims, claims[i])


def near_coasts(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points around coasts, straits and median lines (many boundary and band cells), dates
    on both sides of 1977 and of the reversions, and some without a location or outside."""
    rng = np.random.default_rng(seed)
    centers = np.array([[26.3, 127.8], [25.75, 123.5], [34.4, 129.3], [41.45, 140.5], [34.2, 133.0],
                        [43.5, 145.8], [37.24, 131.87], [35.5, 139.8], [20.42, 136.08]])
    k = rng.integers(0, len(centers), n)
    lat = centers[k, 0] + rng.normal(0, 0.2, n)
    lon = centers[k, 1] + rng.normal(0, 0.2, n)
    far = rng.random(n) < 0.1
    lat[far], lon[far] = rng.uniform(-60, 60, far.sum()), rng.uniform(-180, 180, far.sum())
    lat[rng.random(n) < 0.02] = np.nan
    day = rng.integers(-8887, 47846, n).astype(np.int32)
    return lat, lon, day


def test_numpy_and_compiled_passes_resolve_the_same_places() -> None:
    """`resolve` runs the numpy passes below COMPILED_FROM_ROWS rows and the compiled ones
    above: the same points, resolved both ways, give identical columns."""
    from anpo.core.compiled import COMPILED_FROM_ROWS
    from anpo.geo import resolve

    lat, lon, day = near_coasts(3 * COMPILED_FROM_ROWS, seed=6)
    for exact in (False, True):
        whole = resolve(lat, lon, day, exact=exact)  # compiled
        parts = [resolve(lat[s], lon[s], day[s], exact=exact)  # numpy
                 for s in np.array_split(np.arange(len(lat)), 4)]
        for name in ("zone", "unit", "administered_by", "claims", "coast_distance_nm",
                     "territorial_sea_nm", "specified_area", "internal_waters"):
            got = getattr(whole, name)
            want = np.concatenate([getattr(p, name) for p in parts])
            assert got.dtype == want.dtype, name
            assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), (name, exact)
        assert (whole.zone == Zone.territorial_sea).sum() > 100  # the sample reaches the seas


def test_block_grid_reads_the_cells_of_the_flat_grid() -> None:
    grid = geo_index().grid
    cell = grid.flat()
    assert cell.shape == (R.NROWS * R.NCOLS,)
    flat = np.random.default_rng(3).integers(0, cell.size, 500_000)
    mixed_rows = np.flatnonzero(grid.mixed_index >= 0)
    assert 0 < len(mixed_rows) < len(grid.block_value)  # both kinds of block are read
    assert np.array_equal(grid.values(flat), cell[flat])
