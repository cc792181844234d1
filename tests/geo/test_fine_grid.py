"""The fine grid (sub-cells of the boundary cells) gives the exact answer for every point
it decides: the same place as the exact steps, and the same land as shapely."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day
from anpo.geo import region as R
from anpo.geo import resolve
from anpo.geo.grid_passes import grid_pass as numpy_grid_pass
from anpo.geo.index import geo_index


def near_coasts(n: int, seed: int, spread: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points around coast samples (normal spread in degrees), on random dates."""
    gi = geo_index()
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(gi.coast_lat), n)
    lat = gi.coast_lat[i].astype(np.float64) + rng.normal(0, spread, n)
    lon = gi.coast_lon[i].astype(np.float64) + rng.normal(0, spread, n)
    day = rng.integers(to_day(FIRST_DATE), to_day(LAST_DATE) + 1, n).astype(np.int32)
    return lat, lon, day


def in_boundary_cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    gi = geo_index()
    inside, flat = R.cell_of(lat, lon)
    cls, _, _ = R.unpack_cell(gi.grid.values(flat))
    return inside & (cls == R.CellClass.boundary)


def test_the_fine_grid_decides_most_points_of_the_boundary_cells() -> None:
    lat, lon, _ = near_coasts(200_000, seed=1)
    b = in_boundary_cells(lat, lon)
    packed = geo_index().fine.values(geo_index().grid, lat[b], lon[b])
    decided = (packed & 7) != R.CellClass.boundary
    assert b.mean() > 0.2  # the sample is where the 1/128-degree grid cannot decide
    assert decided.mean() > 0.6


@pytest.mark.parametrize("exact", [False, True])
def test_fine_grid_answers_are_the_exact_steps_answers(exact: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve near-coast points with the fine grid, then with every sub-cell forced to
    'boundary' (so the exact steps decide every point of a boundary cell): same places."""
    lat, lon, day = near_coasts(150_000, seed=2)
    # points of the 3-to-12-nm switch and the specified areas matter most: add some dates
    day[: len(day) // 4] = to_day(FIRST_DATE) + 11_500  # 1977-06, before the 12-nm law
    with_fine = resolve(lat, lon, day, exact=exact)
    gi = geo_index()
    monkeypatch.setattr(gi, "fine", R.FineGrid(gi.fine.base, gi.fine.rank, np.zeros_like(gi.fine.cells)))
    without = resolve(lat, lon, day, exact=exact)
    for name in ("zone", "administered_by", "claims", "territorial_sea_nm", "specified_area",
                 "internal_waters"):
        got, want = getattr(with_fine, name), getattr(without, name)
        assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), name
    named = with_fine.zone != 2  # the unit of a place (outside: only the nearest, when measured)
    assert np.array_equal(with_fine.unit[named], without.unit[named])
    d_fine, d_exact = with_fine.coast_distance_nm, without.coast_distance_nm
    measured = ~np.isnan(d_fine)
    assert np.array_equal(d_fine[measured], d_exact[measured])  # a distance, when given, is the exact one
    if exact:
        assert np.array_equal(d_fine, d_exact, equal_nan=True)


def test_land_near_coasts_is_shapelys_contains_xy() -> None:
    """Every point of a boundary cell (the fine grid's or the exact steps') is land exactly
    when shapely's `contains_xy` says it is in the shipped land polygons."""
    lat, lon, day = near_coasts(300_000, seed=3, spread=0.02)
    b = in_boundary_cells(lat, lon)
    lat, lon, day = lat[b], lon[b], day[b]
    p = resolve(lat, lon, day)
    truth = shapely.contains_xy(geo_index().all_land, lon, lat)
    assert truth.mean() > 0.2 and (~truth).mean() > 0.2
    assert np.array_equal(p.zone == 0, truth)


def test_numpy_pass_reads_the_same_sub_cells_as_the_compiled_pass() -> None:
    from anpo.geo.grid_kernel import grid_pass

    gi = geo_index()
    lat, lon, _ = near_coasts(100_000, seed=4)
    # and points on sub-cell edges
    step = 1.0 / (R.CELLS_PER_DEG * R.FINE_SPLIT)
    lat[:5000] = R.SOUTH + np.round((lat[:5000] - R.SOUTH) / step) * step
    lon[5000:10000] = R.WEST + np.round((lon[5000:10000] - R.WEST) / step) * step
    for a, b in zip(grid_pass(lat, lon, gi.grid, gi.fine), numpy_grid_pass(lat, lon, gi.grid, gi.fine),
                    strict=True):
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def test_land_unit_finds_the_cells_that_locate_finds() -> None:
    """`land_edges.land_unit` finds each point's boundary cell itself (issue 19): the same cell,
    row and column as `FineGrid.locate`, so the same answer, also on cell and sub-cell edges."""
    from anpo.geo.land_edges import _crossings, land_unit

    gi = geo_index()
    lat, lon, _ = near_coasts(200_000, seed=8)
    step = 1.0 / (R.CELLS_PER_DEG * R.FINE_SPLIT)
    lat[:3000] = R.SOUTH + np.round((lat[:3000] - R.SOUTH) / step) * step
    lon[3000:6000] = R.WEST + np.round((lon[3000:6000] - R.WEST) / step) * step
    idx = np.flatnonzero(in_boundary_cells(lat, lon))
    assert len(idx) > 5000
    got = land_unit(lat, lon, idx, gi.grid, gi.fine, gi.land_edges)
    cell, _, row, col = gi.fine.locate(gi.grid, lat[idx], lon[idx])
    crossings = _crossings.py_func
    want = np.array([crossings(float(lat[i]), float(lon[i]), int(row[j]), int(col[j]), int(cell[j]),
                               gi.land_edges) for j, i in enumerate(idx.tolist())], np.int16)
    assert np.array_equal(got, want)
    assert (got >= 0).any() and (got == -1).any()


def test_points_of_two_units_cells_in_numpy_are_shapelys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch decides the points of cells holding two units' land by the numpy ring tests
    within `RAGGED_BUDGET` (issue 19: shapely's prepared land is not built for a few tens a
    chunk), and by shapely past it: the same units either way."""
    from anpo.geo import resolver
    from anpo.geo.land_edges import land_unit

    gi = geo_index()
    lat, lon, _ = near_coasts(400_000, seed=12, spread=0.03)
    idx = np.flatnonzero(in_boundary_cells(lat, lon))
    two = idx[land_unit(lat, lon, idx, gi.grid, gi.fine, gi.land_edges) == -2]
    assert len(two) > 20
    from anpo.geo.grid_kernel import grid_pass

    candidate = grid_pass(lat, lon, gi.grid, gi.fine)[2][two]  # the cells' units, as resolve gives
    monkeypatch.setattr(resolver, "_ragged_points", 0)
    monkeypatch.setattr(resolver, "RAGGED_BUDGET", 10 * len(two))
    in_numpy = resolver._land_by_edges(two, lat, lon, candidate)
    assert resolver._ragged_points == len(two) or "unit_land" in gi.__dict__
    monkeypatch.setattr(resolver, "RAGGED_BUDGET", 0)
    by_shapely = resolver._land_by_edges(two, lat, lon, candidate)
    assert "all_land" in gi.__dict__
    assert np.array_equal(in_numpy, by_shapely)
    assert (in_numpy >= 0).any() and (in_numpy == -1).any()


def test_cached_block_index_is_the_derived_one() -> None:
    """The sub-cells' block index mapped from its cache file (`index._fine_grid`) is what
    `FineGrid.of` derives: same arrays and types, writable and C-ordered as the compiled
    passes take them; a stale or missing file is derived again."""
    from anpo.geo import index

    gi = geo_index()
    derived = R.FineGrid.of(gi.grid, gi.fine.cells)
    for _ in range(2):  # the first call may write the file, the second reads it
        got = index._fine_grid(gi.grid, gi.fine.cells)
        assert got.cells is gi.fine.cells
        for a, b in ((got.base, derived.base), (got.rank, derived.rank)):
            assert type(a) is np.ndarray and a.flags.c_contiguous and a.flags.writeable
            assert a.dtype == b.dtype and np.array_equal(a, b)
