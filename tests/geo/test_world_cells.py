"""Outside the region, a large input's points are given their Natural Earth country by the
world cells' edges (`geo.world_cells`, `geo.world_kernel`) instead of shapely: the same
country as `shapely.contains_xy` on every country (the last one where several hold a
point), on points all over the globe, around the countries' vertices, on the vertices and
edges themselves, on the cells' own borders and on the antimeridian."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from anpo.core.codes import NULL
from anpo.geo import kernel_records as K
from anpo.geo import resolver, world_cells
from anpo.geo.index import world_edges, world_index
from anpo.geo.world_kernel import country_of


def _shapely_country(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    want = np.full(len(lat), -1, np.int16)
    for k, g in enumerate(world_index().geoms):
        want[shapely.contains_xy(g, lon, lat)] = k
    return want


def _cases(n: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    we = world_edges()
    assert we is not None
    rng = np.random.default_rng(19)
    xy = we.xy
    i = rng.integers(0, len(xy) - 1, n)
    near = [(np.clip(xy[i, 1] + rng.normal(0, s, n), -90, 90),
             np.clip(xy[i, 0] + rng.normal(0, s, n), -180, 180)) for s in (0.05, 0.002)]
    step = K.WORLD_STEP
    return {
        "globe": (rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)),
        "near vertices": near[0],
        "very near vertices": near[1],
        "vertices": (xy[i, 1], xy[i, 0]),
        "edge midpoints": ((xy[i, 1] + xy[i + 1, 1]) / 2, (xy[i, 0] + xy[i + 1, 0]) / 2),
        "cell rows": (np.round(rng.uniform(-89, 89, n) / step) * step, rng.uniform(-180, 180, n)),
        "cell columns": (rng.uniform(-89, 89, n), np.round(rng.uniform(-180, 180, n) / step) * step),
        # Russia's and Fiji's edges lie on it: points there are on their boundary, in neither
        "antimeridian": (rng.uniform(-90, 90, n), np.where(rng.random(n) < 0.5, -180.0, 180.0)),
        "poles": (np.where(rng.random(n) < 0.5, -90.0, 90.0), rng.uniform(-180, 180, n)),
    }


@pytest.mark.parametrize("case", ["globe", "near vertices", "very near vertices", "vertices",
                                  "edge midpoints", "cell rows", "cell columns", "antimeridian", "poles"])
def test_world_cells_give_shapely_country(case: str) -> None:
    lat, lon = _cases(20_000)[case]
    we = world_edges()
    assert we is not None
    got = country_of(lat, lon, np.arange(len(lat), dtype=np.intp), we)
    want = _shapely_country(lat, lon)
    if case in ("near vertices", "very near vertices"):
        assert (want >= 0).sum() > 5_000 and (want < 0).sum() > 5_000  # both sides of coasts
    assert np.array_equal(got, want)


def test_resolve_world_compiled_equals_shapely_path() -> None:
    lat, lon = _cases(20_000)["near vertices"]
    idx = np.arange(len(lat), dtype=np.intp)[::2]  # rows of a larger input

    def run(compiled: bool) -> tuple[np.ndarray, ...]:
        zone = np.full(len(lat), NULL, np.int8)
        unit = np.full(len(lat), NULL, np.int16)
        dist = np.full(len(lat), np.nan, np.float32)
        resolver._resolve_world(idx, lat, lon, zone, unit, dist, compiled)
        return zone, unit, dist

    got, want = run(True), run(False)
    assert (want[0] == resolver._LAND).sum() > 2_000
    for a, b in zip(got, want, strict=True):
        assert np.array_equal(a, b, equal_nan=True)


def _square(w: float, s: float, e: float, n: float) -> list[tuple[float, float]]:
    return [(w, s), (e, s), (e, n), (w, n), (w, s)]


def test_build_on_made_up_countries() -> None:
    """Overlapping countries (the later wins), a hole, a country across many cells, a
    point on a shared edge; against shapely on a lattice of points and random ones."""
    rings = [
        [_square(10.0, 10.0, 10.3, 10.3), _square(10.1, 10.1, 10.2, 10.2)],  # country 0, with a hole
        [_square(10.15, 10.05, 10.5, 10.25)],  # country 1 overlaps it and its hole
        [[(-5.0, -3.0), (7.3, -2.9), (0.3, 4.1), (-5.0, -3.0)]],  # country 2, a long triangle
        # countries 3 and 4 overlap over many cells that hold none of their edges
        [_square(-5.0, 5.0, -1.0, 9.0)],
        [_square(-3.0, 6.0, 2.0, 10.0)],
    ]
    coords, ring_offsets, poly_offsets, owner = [], [0], [0], []
    for k, polygon in enumerate(rings):
        for ring in polygon:
            coords += ring
            ring_offsets.append(len(coords))
        poly_offsets.append(len(ring_offsets) - 1)
        owner.append(k)
    we = world_cells.build(np.array(coords), np.array(ring_offsets, np.int32),
                           np.array(poly_offsets, np.int32), np.array(owner, np.int16))
    geoms = [shapely.Polygon(p[0], p[1:]) for p in rings]
    rng = np.random.default_rng(5)
    lat = np.r_[rng.uniform(-4, 11, 20_000), np.repeat(np.arange(-4, 11, 0.05), 300)]
    lon = np.r_[rng.uniform(-6, 11, 20_000), np.tile(np.arange(-6, 11, 17 / 300), 300)]
    lat, lon = lat[: len(lon)], lon[: len(lat)]
    want = np.full(len(lat), -1, np.int16)
    for k, g in enumerate(geoms):
        want[shapely.contains_xy(g, lon, lat)] = k
    got = country_of(lat, lon, np.arange(len(lat), dtype=np.intp), we)
    assert set(want.tolist()) == {-1, 0, 1, 2, 3, 4}
    assert set(we.base.tolist()) == {-1, 3, 4}  # cells without edges: the later country
    assert np.array_equal(got, want)
