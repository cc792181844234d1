"""The loaded geographic index: grid, land polygons, coast samples, world countries.

Loading reads arrays only and imports neither shapely nor scipy; the k-d tree of coast
samples and the prepared polygons are built on first use by large inputs, because many
batches never leave the pure grid cells and a few points are decided in numpy
(`point_in_polygon`, `nearest_coast`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from anpo import data
from anpo.core import array_cache
from anpo.core.codes import country_code
from anpo.core.dates import FIRST_DATE, to_day
from anpo.core.errors import DataError
from anpo.geo import region as R
from anpo.geo.nearest_coast import CoastSamples
from anpo.geo.npz_cache import npz_arrays
from anpo.geo.place import AdminPeriod, Unit
from anpo.geo.point_in_polygon import RaggedPolygons
from anpo.geo.units_table import (
    geometry_fingerprint,
    internal_waters,
    specified_areas,
    unit_specs,
)

if TYPE_CHECKING:
    import shapely
    from scipy.spatial import cKDTree

    from anpo.geo.kernel_records import CoastBuckets, LandEdges, WorldEdges

_DAY_SHIFT = 20_000  # makes every accepted day number positive in the (unit, day) key
_KEY = 100_000  # day span per unit in the (unit, day) key


def _polygons(npz: Mapping[str, npt.NDArray[np.generic]]) -> npt.NDArray[np.object_]:
    import shapely

    return shapely.from_ragged_array(
        shapely.GeometryType.POLYGON,
        npz["coords"].astype(np.float64),
        (npz["ring_offsets"], npz["poly_offsets"]),
    )


@dataclass
class AdminTable:
    """Who administers each unit on each day, as one sorted (unit, day) key array."""

    keys: npt.NDArray[np.int64]
    admin: npt.NDArray[np.int16]
    claims: npt.NDArray[np.int16]
    claim_sets: list[tuple[str, ...]]

    @classmethod
    def build(cls, units: list[Unit]) -> AdminTable:
        claim_sets: list[tuple[str, ...]] = [()]
        keys, admin, claims = [], [], []
        for u in units:
            for p in u.history:
                if p.claimed_by not in claim_sets:
                    claim_sets.append(p.claimed_by)
                keys.append(u.code * _KEY + to_day(p.start) + _DAY_SHIFT)
                admin.append(-1 if p.administered_by is None else country_code(p.administered_by))
                claims.append(claim_sets.index(p.claimed_by))
        order = np.argsort(keys)
        return cls(
            np.asarray(keys, dtype=np.int64)[order],
            np.asarray(admin, dtype=np.int16)[order],
            np.asarray(claims, dtype=np.int16)[order],
            claim_sets,
        )

    def columns(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int16], npt.NDArray[np.int16], int, int]:
        """(keys, admin, claims, key span, day shift): the table as `grid_kernel` reads it.
        The key of (unit, day) is unit * span + day + shift; a row's period is the last key
        at or before its own."""
        return self.keys, self.admin, self.claims, _KEY, _DAY_SHIFT


def _fine_grid(grid: R.BlockGrid, cells: npt.NDArray[np.uint16]) -> R.FineGrid:
    """`region.FineGrid.of(grid, cells)`, its derived block index (`base`, `rank`) mapped from
    a cache file that the first process wrote (`make install` does it), where deriving it cost
    every batch process 25-45 ms. The file is named by the shipped grid's and sub-cells' sizes
    and times (as `geo.npz_cache` names its copies) and by `region`'s code, which derives it."""
    stamp = " ".join(array_cache.file_stamp(data.path(p)) for p in ("geo/grid.npz", "geo/fine_cells.npy"))
    stem = array_cache.derived_stem("fine_grid", stamp, (R.__file__,))
    folder = data.path("geo/fine_cells.npy").parent / "__pycache__"
    found = array_cache.load(folder, stem)
    if found is not None and len(found[1]["base"]) == len(grid.block_value):
        return R.FineGrid(found[1]["base"], found[1]["rank"], cells)
    fine = R.FineGrid.of(grid, cells)
    array_cache.save(folder, stem, {"base": fine.base, "rank": fine.rank}, stale="fine_grid-cache.*")
    return fine


@dataclass
class GeoIndex:
    grid: R.BlockGrid  # cells packed by region.pack_cell, in 8x8 blocks
    land_unit: npt.NDArray[np.int16]
    coast_lat: npt.NDArray[np.float32]
    coast_lon: npt.NDArray[np.float32]
    coast_unit: npt.NDArray[np.int16]
    units: list[Unit]
    japan_regime: npt.NDArray[np.bool_]  # per unit
    admin: AdminTable
    _land_npz: dict[str, npt.NDArray[np.generic]] = field(repr=False)

    @cached_property
    def fine(self) -> R.FineGrid:
        """Sub-cells of the boundary cells (the shipped part memory-mapped; its block index
        derived here, on first use: a single point off the coasts never pays for it)."""
        f = npz_arrays("geo/fine.npz")
        _check_fingerprint("fine.npz", f)
        if int(f["split"]) != R.FINE_SPLIT:
            raise DataError("geo/fine_cells.npy was cut at another split: "
                            "re-run tools/build_fine_grid.py")
        return _fine_grid(self.grid, np.load(data.path("geo/fine_cells.npy"), mmap_mode="r"))

    @cached_property
    def cls(self) -> npt.NDArray[np.uint8]:
        """Class of every grid cell, flat (unpacked; for tests and tools)."""
        return R.unpack_cell(self.grid.flat())[0]

    @cached_property
    def coast_tree(self) -> cKDTree:
        from scipy.spatial import cKDTree

        return cKDTree(R.ecef_km(self.coast_lat.astype(np.float64), self.coast_lon.astype(np.float64)))

    @cached_property
    def coast_buckets(self) -> CoastBuckets:
        """The coast samples in 0.1-degree buckets: nearest coast of many points, compiled,
        no tree (`geo.coast_buckets`)."""
        from anpo.geo.kernel_records import CoastBuckets

        key = f"coast.npz {array_cache.file_stamp(data.path('geo/coast.npz'))}"
        return CoastBuckets.cached(self.coast_lat, self.coast_lon, key=key)

    @cached_property
    def coast_samples(self) -> CoastSamples:
        """The coast samples sorted by latitude: nearest coast of a few points, no tree."""
        return CoastSamples.of(self.coast_lat, self.coast_lon)

    @cached_property
    def land_ragged(self) -> RaggedPolygons:
        """The land polygons as arrays (point-in-polygon of a few points, no shapely)."""
        n = self._land_npz
        return RaggedPolygons(n["coords"].astype(np.float64), n["ring_offsets"], n["poly_offsets"])  # type: ignore[arg-type]

    @cached_property
    def land_edges(self) -> LandEdges:
        """Each boundary cell's land edges (`geo.land_edges`)."""
        from anpo.geo.kernel_records import LandEdges

        f = npz_arrays("geo/fine.npz")
        return LandEdges(f["edge_offsets"], f["edges"], f["unit"], f["reference_on_land"],
                         np.ascontiguousarray(self.land_ragged.coords))

    @cached_property
    def land_polygons(self) -> npt.NDArray[np.object_]:
        return _polygons(self._land_npz)

    @cached_property
    def unit_land(self) -> dict[int, shapely.MultiPolygon]:
        """Prepared land of each unit of the detailed region."""
        import shapely

        out = {}
        for code in np.unique(self.land_unit):
            geom = shapely.MultiPolygon(list(self.land_polygons[self.land_unit == code]))
            shapely.prepare(geom)
            out[int(code)] = geom
        return out

    @cached_property
    def all_land(self) -> shapely.MultiPolygon:
        """All land of the region, prepared: a fast first test before the STRtree."""
        import shapely

        geom = shapely.MultiPolygon(list(self.land_polygons))
        shapely.prepare(geom)
        return geom

    @cached_property
    def land_tree(self) -> shapely.STRtree:
        import shapely

        return shapely.STRtree(self.land_polygons)

    @cached_property
    def internal_water_polygons(self) -> list[tuple[shapely.Polygon, int, tuple[float, ...]]]:
        """(prepared polygon, unit code, bounds) of each internal water."""
        import shapely

        code = {u.id: u.code for u in self.units}
        out = []
        for w in internal_waters():
            p = shapely.Polygon(w.ring)
            shapely.prepare(p)
            out.append((p, code[w.unit_id], p.bounds))
        return out

    @cached_property
    def internal_waters_bounds(self) -> npt.NDArray[np.float64]:
        """(west, south, east, north) around every internal water; an empty box if none."""
        boxes = np.array([(min(x for x, _ in w.ring), min(y for _, y in w.ring),
                           max(x for x, _ in w.ring), max(y for _, y in w.ring))
                          for w in internal_waters()], dtype=np.float64)
        if not len(boxes):
            return np.array([np.inf, np.inf, -np.inf, -np.inf])
        return np.array([boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()])

    @cached_property
    def specified_area_polygons(self) -> list[shapely.Polygon]:
        import shapely

        out = []
        for a in specified_areas():
            p = shapely.Polygon(a.ring)
            shapely.prepare(p)
            out.append(p)
        return out


@dataclass
class WorldIndex:
    """Natural Earth countries for land outside the detailed region (no territorial sea)."""

    unit_of_country: npt.NDArray[np.int16]  # per NE country: the anpo unit code
    geoms: list[shapely.MultiPolygon]
    bounds: npt.NDArray[np.float64]


def _check_fingerprint(name: str, npz: Mapping[str, npt.NDArray[np.generic]] | np.lib.npyio.NpzFile) -> None:
    if str(npz["inputs_sha256"]) != geometry_fingerprint():
        raise DataError(
            f"geo/{name} was derived from other unit selections, specified areas or grid "
            "constants: re-run tools/build_geodata.py"
        )


@cache
def world_names() -> tuple[tuple[str, str], ...]:
    """(ISO-3, name) of each Natural Earth country, in world.npz order."""
    w = npz_arrays("geo/world.npz")  # mapped: np.load inflated the whole archive (20 ms)
    return tuple(zip(w["iso3"].tolist(), w["name"].tolist(), strict=True))


@cache
def all_units() -> list[Unit]:
    """units.yaml units, then one unit per Natural Earth country (codes continue)."""
    specs = unit_specs()
    units = [s.unit for s in specs]
    for k, (iso, name) in enumerate(world_names()):
        units.append(
            Unit(
                code=len(specs) + k,
                id=f"world-{iso}",
                name=name,
                regime="12nm",
                history=(
                    AdminPeriod(FIRST_DATE, iso, (), "Natural Earth 1:10m attribution (coarse)",
                                "https://www.naturalearthdata.com/", "assumption"),
                ),
            )
        )
    return units


@cache
def geo_index() -> GeoIndex:
    # the archives' arrays, mapped from their uncompressed copies (`geo.npz_cache`)
    g = npz_arrays("geo/grid.npz")
    _check_fingerprint("grid.npz", g)
    grid = R.BlockGrid.of(g["block_value"], g["mixed_block"], g["mixed_cells"])
    c = npz_arrays("geo/coast.npz")
    clat, clon, cunit = c["lat"], c["lon"], c["unit"]
    land = npz_arrays("geo/land.npz")
    land_npz = {k: land[k] for k in ("coords", "ring_offsets", "poly_offsets", "unit")}
    units = all_units()
    return GeoIndex(
        grid=grid, land_unit=land_npz["unit"].astype(np.int16),
        coast_lat=clat, coast_lon=clon, coast_unit=cunit, units=units,
        japan_regime=np.array([u.regime == "japan" for u in units]),
        admin=AdminTable.build(units), _land_npz=land_npz,
    )


@cache
def world_index() -> WorldIndex:
    specs = unit_specs()
    by_country = {s.country: s.unit.code for s in specs if s.country}
    w = npz_arrays("geo/world.npz")
    polys = _polygons(w)
    owner = w["owner"]
    iso3 = w["iso3"].tolist()
    import shapely

    geoms = []
    for k in range(len(iso3)):
        g = shapely.MultiPolygon(list(polys[owner == k]))
        shapely.prepare(g)
        geoms.append(g)
    unit_of = np.array([by_country.get(iso, len(specs) + k) for k, iso in enumerate(iso3)], np.int16)
    return WorldIndex(unit_of, geoms, np.array([g.bounds for g in geoms]))


@cache
def world_unit_of_country() -> npt.NDArray[np.int16]:
    """The anpo unit code of each Natural Earth country (row of world.npz)."""
    by_country = {s.country: s.unit.code for s in unit_specs() if s.country}
    first = len(unit_specs())
    return np.array([by_country.get(iso, first + k) for k, (iso, _) in enumerate(world_names())], np.int16)


@cache
def world_edges() -> WorldEdges | None:
    """The countries' edges in world cells (`geo.world_cells`): the country of many points
    outside the region, compiled (`geo.world_kernel`), without shapely. None where they
    cannot be kept on disk (`world_cells.cached`)."""
    from anpo.geo import world_cells

    key = array_cache.file_stamp(data.path("geo/world.npz"))
    return world_cells.cached(key, lambda: npz_arrays("geo/world.npz"))


@dataclass
class WorldPolygons:
    """Natural Earth countries as arrays, for a few points outside the region (no shapely)."""

    polygons: RaggedPolygons
    owner: npt.NDArray[np.int16]  # per polygon: the country (row of world.npz)
    unit_of_country: npt.NDArray[np.int16]


@cache
def world_polygons() -> WorldPolygons:
    specs = unit_specs()
    by_country = {s.country: s.unit.code for s in specs if s.country}
    w = npz_arrays("geo/world.npz")
    rp = RaggedPolygons(w["coords"].astype(np.float64), w["ring_offsets"], w["poly_offsets"])
    owner = w["owner"]
    iso3 = w["iso3"].tolist()
    unit_of = np.array([by_country.get(iso, len(specs) + k) for k, iso in enumerate(iso3)], np.int16)
    return WorldPolygons(rp, owner, unit_of)
