"""Derive the fine grid of boundary cells from the shipped geodata (run by developers).

The 1/128-degree grid (`grid.npz`) cannot decide 420,000 cells that a coastline, a 3-nm or
12-nm limit, a median line or a specified area's edge crosses; near coasts about 30% of
points fall in them. This tool cuts each such cell into FINE_SPLIT x FINE_SPLIT sub-cells
and classifies each sub-cell with the classes of `region.CellClass`, from exactly the
geometry the resolver's exact steps use (the shipped `land.npz` polygons and `coast.npz`
samples), so a sub-cell's answer is the exact answer for every point in it:

- land: the sub-cell's box lies in the interior of one unit's land (`contains_properly`);
- coast: the box meets land, and every point of it has the same nearest unit within 3 nm:
  its land is decided by the cell's land edges (below), its sea is near sea of that unit;
- sea: the box touches no land, and the nearest coast sample's unit is the nearest for every
  point of the box (distances at the centre, with a margin of the largest chord from the
  centre to a corner); near sea (within 3 nm), band (3-12 nm), or open sea (beyond 12 nm
  plus the resolver's 1-km search bound, so that the nearest unit an exact step would report
  is not lost); and wholly inside one specified area or outside all of them.

Anything else stays a boundary sub-cell and is decided exactly at run time.

Output: `src/anpo/data/geo/fine_cells.npy` (uint16, one row of packed sub-cells per boundary
cell, in the order `region.FineGrid` reads; uncompressed so the resolver memory-maps it) and
`fine.npz` (its fingerprint and split).

Usage:  .venv/bin/python tools/build_fine_grid.py      (about 3 minutes on 2 cores)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anpo.geo import region as R  # noqa: E402
from anpo.geo.units_table import geometry_fingerprint, specified_areas  # noqa: E402

OUT = ROOT / "src" / "anpo" / "data" / "geo"
CHUNK = 400_000
# The resolver's exact sea step searches coasts up to 12 nm + 1 km (resolver._FAR_KM).
FAR_KM = R.TS_WIDE_NM * R.NM_KM + 1.0


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def boundary_cells(grid: R.BlockGrid) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of every boundary cell, in fine-grid order (block, then cell in block)."""
    block = np.flatnonzero((grid.mixed_index >= 0) | ((grid.block_value & 7) == R.CellClass.boundary))
    cells = np.repeat(grid.block_value[block][:, None], R.BLOCK * R.BLOCK, axis=1)
    mixed = grid.mixed_index[block] >= 0
    cells[mixed] = grid.mixed_cells[grid.mixed_index[block[mixed]]]
    k, off = np.nonzero((cells & 7) == R.CellClass.boundary)
    b = block[k]
    bcols = R.NCOLS // R.BLOCK
    row = (b // bcols) * R.BLOCK + off // R.BLOCK
    col = (b % bcols) * R.BLOCK + off % R.BLOCK
    return row, col


def classify(
    lat0: np.ndarray, lon0: np.ndarray, step: float, polys: np.ndarray, codes: np.ndarray,
    tree: cKDTree, unit_trees: dict[int, cKDTree], cunit: np.ndarray,
) -> np.ndarray:
    """Packed cells (region.pack_cell) of the boxes [lon0, lon0+step] x [lat0, lat0+step]."""
    n = len(lat0)
    lat_c, lon_c = lat0 + step / 2, lon0 + step / 2
    centre = R.ecef_km(lat_c, lon_c)
    # largest chord from the centre to a corner (1% and 1 m to spare: the box is not convex
    # in Earth-centred space, but at these sizes its farthest point is a corner)
    hd = np.zeros(n)
    for dy in (0.0, step):
        for dx in (0.0, step):
            hd = np.maximum(hd, np.linalg.norm(R.ecef_km(lat0 + dy, lon0 + dx) - centre, axis=1))
    hd = hd * 1.01 + 0.001
    cls = np.full(n, R.CellClass.boundary, dtype=np.uint8)
    unit = np.full(n, -1, dtype=np.int16)
    sa = np.full(n, -1, dtype=np.int8)
    boxes = shapely.box(lon0, lat0, lon0 + step, lat0 + step)

    # Boxes against prepared pieces found by their bounding boxes: a prepared MultiPolygon of
    # all land loops over its 13,000 parts for every box, and an STRtree predicate tests
    # unprepared pieces (the mainland has hundreds of thousands of vertices).
    touched = np.zeros(n, dtype=bool)
    box_i, piece_i = _land_tree(polys).query(boxes)
    touched[box_i[shapely.intersects(polys[piece_i], boxes[box_i])]] = True
    # land: the box inside one unit's land (the unit under its centre)
    for code in np.unique(codes):
        geom = _unit_geom(polys, codes, int(code))
        x0, y0, x1, y1 = shapely.bounds(geom)
        cand = np.flatnonzero(touched & (cls == R.CellClass.boundary) & (lon_c >= x0) & (lon_c <= x1)
                              & (lat_c >= y0) & (lat_c <= y1))
        cand = cand[shapely.contains_xy(geom, lon_c[cand], lat_c[cand])]
        inside = cand[shapely.contains_properly(geom, boxes[cand])]
        cls[inside] = R.CellClass.land
        unit[inside] = code

    # sea: the box touches no land; coast: it does, and its sea is near sea of one unit
    sea = np.flatnonzero(cls == R.CellClass.boundary)
    on_coast = touched[sea]
    d1, i1 = tree.query(centre[sea], k=1, workers=2)
    u1 = cunit[i1]
    h = hd[sea]
    # another unit's coast matters only within d1 + 2h, and only short of the open sea
    d2 = np.full(len(sea), np.inf)
    ask = d1 - h <= FAR_KM
    bound = FAR_KM + 2 * float(h.max(initial=0.0)) + 0.01
    for code, t in unit_trees.items():
        other = ask & (u1 != code)
        if other.any():
            d, _ = t.query(centre[sea[other]], k=1, distance_upper_bound=bound, workers=2)
            d2[other] = np.minimum(d2[other], d)
    unique = d2 - h > d1 + h
    narrow, wide = R.TS_NARROW_NM * R.NM_KM, R.TS_WIDE_NM * R.NM_KM
    near = unique & (d1 + h < narrow)
    coast = near & on_coast
    near &= ~on_coast
    band = unique & (d1 - h > narrow) & (d1 + h < wide) & ~on_coast
    open_sea = (d1 - h > FAR_KM) & ~on_coast
    cls[sea[near]] = R.CellClass.near_sea
    cls[sea[coast]] = R.CellClass.coast
    cls[sea[band]] = R.CellClass.band_sea
    cls[sea[open_sea]] = R.CellClass.open_sea
    unit[sea[near | band | coast]] = u1[near | band | coast]

    # specified areas: every sea class must lie wholly inside one area or outside all
    decided = sea[near | band | open_sea | coast]
    for k, area in enumerate(specified_areas()):
        poly = shapely.Polygon(area.ring)
        shapely.prepare(poly)
        touch = shapely.intersects(poly, boxes[decided])
        inside = touch & shapely.contains_properly(poly, boxes[decided])
        sa[decided[inside]] = k
        edge = decided[touch & ~inside]
        cls[edge], unit[edge], sa[edge] = R.CellClass.boundary, -1, -1
    return R.pack_cell(cls, unit, sa)


_UNIT_GEOMS: dict[int, shapely.Geometry] = {}


def _land_tree(polys: np.ndarray) -> shapely.STRtree:
    if "tree" not in _TREE:
        shapely.prepare(polys)
        _TREE["tree"] = shapely.STRtree(polys)
    return _TREE["tree"]


_TREE: dict[str, shapely.STRtree] = {}


def _unit_geom(polys: np.ndarray, codes: np.ndarray, code: int) -> shapely.Geometry:
    if code not in _UNIT_GEOMS:
        geom = shapely.MultiPolygon(list(polys[codes == code]))
        shapely.prepare(geom)
        _UNIT_GEOMS[code] = geom
    return _UNIT_GEOMS[code]


def cell_edges(row: np.ndarray, col: np.ndarray, land: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """For each boundary cell: the land edges whose bounding box meets the cell, the one unit
    they (and the cell's reference point) belong to, and whether that point is on land.

    Edge k joins vertex k and k + 1 of `land.npz`'s coordinates (as float64). A point in the
    cell is on land exactly when the segment from it to the reference point crosses these
    edges an odd number of times and the reference point is at sea, or an even number and
    it is on land (`geo.land_edges`). Cells whose edges or reference point belong to two
    units keep unit -2: the exact step asks shapely there.
    """
    xy = land["coords"].astype(np.float64)
    ring_offsets, poly_offsets = land["ring_offsets"], land["poly_offsets"]
    ring_of_vertex = np.repeat(np.arange(len(ring_offsets) - 1), np.diff(ring_offsets))
    poly_of_ring = np.repeat(np.arange(len(poly_offsets) - 1), np.diff(poly_offsets))
    edge = np.flatnonzero(np.arange(len(xy) - 1) + 1 < ring_offsets[ring_of_vertex[:-1] + 1])
    edge_unit = land["unit"].astype(np.int16)[poly_of_ring[ring_of_vertex[edge]]]
    a, b = xy[edge], xy[edge + 1]
    tree = shapely.STRtree(shapely.box(np.minimum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1]),
                                       np.maximum(a[:, 0], b[:, 0]), np.maximum(a[:, 1], b[:, 1])))
    step = 1.0 / R.CELLS_PER_DEG
    lat0, lon0 = R.SOUTH + row * step, R.WEST + col * step
    cell_i, edge_i = tree.query(shapely.box(lon0, lat0, lon0 + step, lat0 + step))
    order = np.lexsort((edge_i, cell_i))
    cell_i, edge_i = cell_i[order], edge_i[order]
    offsets = np.zeros(len(row) + 1, dtype=np.int64)
    np.cumsum(np.bincount(cell_i, minlength=len(row)), out=offsets[1:])

    ref_lat, ref_lon = R.land_edge_reference(row, col)
    polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy, (ring_offsets, poly_offsets))
    codes = land["unit"].astype(np.int16)
    ref_unit = np.full(len(row), -1, dtype=np.int16)
    for code in np.unique(codes):
        ref_unit[shapely.contains_xy(_unit_geom(polys, codes, int(code)), ref_lon, ref_lat)] = code
    lo = np.minimum.reduceat(np.append(edge_unit[edge_i], 0), offsets[:-1].clip(max=len(edge_i)))
    hi = np.maximum.reduceat(np.append(edge_unit[edge_i], 0), offsets[:-1].clip(max=len(edge_i)))
    has = np.diff(offsets) > 0
    unit = np.where(has, lo, ref_unit).astype(np.int16)
    mixed = has & ((lo != hi) | ((ref_unit >= 0) & (ref_unit != lo)))
    unit[mixed] = -2
    return {"edge_offsets": offsets.astype(np.int32), "edges": edge[edge_i].astype(np.int32),
            "unit": unit, "reference_on_land": ref_unit >= 0}


def main() -> None:
    fingerprint = geometry_fingerprint()
    with np.load(OUT / "grid.npz") as g:
        if str(g["inputs_sha256"]) != fingerprint:
            raise SystemExit("grid.npz is stale: run tools/build_geodata.py first")
        grid = R.BlockGrid.of(g["block_value"], g["mixed_block"], g["mixed_cells"])
    with np.load(OUT / "land.npz") as land:
        # float64 of the shipped float32 coordinates: the polygons the resolver tests
        polys = shapely.from_ragged_array(
            shapely.GeometryType.POLYGON, land["coords"].astype(np.float64),
            (land["ring_offsets"], land["poly_offsets"]),
        )
        codes = land["unit"].astype(np.int16)
    with np.load(OUT / "coast.npz") as c:
        clat, clon, cunit = c["lat"].astype(np.float64), c["lon"].astype(np.float64), c["unit"]
    tree = cKDTree(R.ecef_km(clat, clon))
    unit_trees = {int(u): cKDTree(R.ecef_km(clat[cunit == u], clon[cunit == u])) for u in np.unique(cunit)}

    row, col = boundary_cells(grid)
    s = R.FINE_SPLIT
    log(f"{len(row):,} boundary cells -> {len(row) * s * s:,} sub-cells")
    step = 1.0 / (R.CELLS_PER_DEG * s)
    sub = np.arange(s * s)
    out = np.empty((len(row), s * s), dtype=np.uint16)
    for start in range(0, len(row), CHUNK // (s * s)):
        stop = min(start + CHUNK // (s * s), len(row))
        rr = (row[start:stop, None] * s + sub[None, :] // s).ravel()
        cc = (col[start:stop, None] * s + sub[None, :] % s).ravel()
        out[start:stop] = classify(R.SOUTH + rr * step, R.WEST + cc * step, step, polys, codes,
                                   tree, unit_trees, cunit).reshape(-1, s * s)
        log(f"  {stop:,} / {len(row):,} cells")
    counts = {c.name: int(((out & 7) == c).sum()) for c in R.CellClass}
    log(f"sub-cell classes: {counts}")
    np.save(OUT / "fine_cells.npy", out)
    with np.load(OUT / "land.npz") as land:
        edges = cell_edges(row, col, {k: land[k] for k in ("coords", "ring_offsets", "poly_offsets", "unit")})
    two_units = int((edges["unit"] == -2).sum())
    log(f"edge lists: {len(edges['edges']):,} entries; {two_units:,} cells of two units")
    np.savez_compressed(OUT / "fine.npz", inputs_sha256=fingerprint, split=s, cells=len(row), **edges)
    report = json.loads((OUT / "build_report.json").read_text())
    report["fine_grid"] = {"split": s, "boundary_cells": int(len(row)), "sub_cell_classes": counts,
                           "edge_list_entries": int(len(edges["edges"])),
                           "cells_of_two_units": int((edges["unit"] == -2).sum())}
    (OUT / "build_report.json").write_text(json.dumps(report, indent=2) + "\n")
    log("done")


if __name__ == "__main__":
    main()
