"""How much longer a ship's route over water is than the great circle, per (home port, objective).

Run by developers, not at run time; nothing is downloaded. Inputs are the shipped files only:
  - the land of src/anpo/data/geo/ (GSHHG full resolution, read through `anpo.geo.resolve`)
  - the ship units of src/anpo/data/sim/forces.yaml and their facilities' coordinates
    (src/anpo/data/posture/facilities.yaml, as `anpo.sim.forces.forces_on` reads them)
  - the objectives: the scenario point of every examples/sim/*.yaml the campaign model runs
    (an event, and no disaster, evacuation or blockade block)

Method:
  1. A land mask on a 1/CELLS_PER_DEG-degree raster over 20-46N, 120-150E: a cell is land when
     its centre is land for `anpo.geo.resolve` (lakes count as land).
  2. Each strait of STRAITS narrower than a few cells is opened: in its window a raster 16 times
     finer finds the water path across, and every coarse cell that path passes becomes water.
  3. An 8-connected graph of the water cells (a diagonal step needs one of the two cells beside
     it to be water, so a path never slips between two land cells touching at a corner), edges
     weighted by the WGS-84 geodesic between cell centres; Dijkstra (scipy.sparse.csgraph) from
     the water cell nearest each port to the water cell nearest each objective.
  4. The stair-step path is pulled taut: from each waypoint, the farthest later waypoint whose
     great circle stays over water cells is the next (this removes the up-to-8 % excess of
     8-connected steps over straight lines).
  5. Route = port -> its water cell + the taut path + objective's water cell -> objective, in
     geodesic km; ratio = route / geodesic port -> objective (the simulation's distance).

Usage:  .venv/bin/python tools/sea_route_factor.py [--cells-per-deg 48] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from scipy import ndimage
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from anpo import posture  # noqa: E402
from anpo.core.codes import Zone  # noqa: E402
from anpo.geo import resolve  # noqa: E402
from anpo.sim.forces import SHIPS, unit_table  # noqa: E402

OUT = ROOT / "src" / "anpo" / "data" / "sim" / "sea_routes.csv"
EXAMPLES = ROOT / "examples" / "sim"
WEST, SOUTH, EAST, NORTH = 120.0, 20.0, 150.0, 46.0
CELLS_PER_DEG = 48  # 1/48 degree: 2.3 km north-south, 1.9-2.2 km east-west
FINE = 16  # the strait windows are resolved 16 times finer (about 140 m)
# Straits a coarse raster may close: (name, south, west, north, east); the window's first and last
# columns (west and east sides) must each touch the sea on one side of the strait. Tsushima
# (about 50 km), Osumi (about 30 km), Tsugaru (about 20 km), Uraga (about 7 km) and the passages
# of the Ryukyu chain (Miyako, about 250 km) are several cells wide at 1/48 degree and need no help.
STRAITS = (("Kanmon", 33.85, 130.80, 34.05, 131.10),)
_DAY = np.int32((dt.date(2020, 1, 1) - dt.date(1970, 1, 1)).days)  # land does not change with the date


@dataclass(frozen=True)
class Route:
    sea_km: float  # port -> water, over water, water -> objective
    great_circle_km: float  # the geodesic the simulation uses
    waypoints: tuple[tuple[float, float], ...]  # (lat, lon) of the taut path, ends included

    @property
    def ratio(self) -> float:
        return self.sea_km / self.great_circle_km


def _centres(s: float, w: float, n: float, e: float, cpd: int) -> tuple[npt.NDArray[np.float64], ...]:
    lat = s + (np.arange(round((n - s) * cpd)) + 0.5) / cpd
    lon = w + (np.arange(round((e - w) * cpd)) + 0.5) / cpd
    return lat, lon


def _land(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    zone = resolve(la.ravel(), lo.ravel(), np.full(la.size, _DAY, np.int32)).zone
    return np.asarray(zone == Zone.land).reshape(la.shape)


def _open_strait(water: npt.NDArray[np.bool_], cpd: int, s: float, w: float, n: float, e: float) -> int:
    """Mark as water the coarse cells a fine water path across the window passes; cells opened."""
    flat, flon = _centres(s, w, n, e, cpd * FINE)
    fine_water = ~_land(flat, flon)
    lab, _ = ndimage.label(fine_water)  # 4-connected, as the path below
    across = set(lab[:, 0][lab[:, 0] > 0]) & set(lab[:, -1][lab[:, -1] > 0])
    if not across:
        raise SystemExit(f"strait window {s, w, n, e}: no water path across it at 1/{cpd * FINE} degree")
    r, c = np.nonzero(fine_water)
    keep = np.isin(lab[r, c], list(across))
    # the shortest fine path across (4-connected breadth-first through that component)
    ids = -np.ones(fine_water.shape, np.int64)
    ids[r[keep], c[keep]] = np.arange(int(keep.sum()))
    rows, cols = r[keep], c[keep]
    edges = []
    for dr, dc in ((0, 1), (1, 0)):
        rr, cc = rows + dr, cols + dc
        ok = (rr < ids.shape[0]) & (cc < ids.shape[1])
        b = ids[rr[ok], cc[ok]]
        edges.append((ids[rows[ok], cols[ok]][b >= 0], b[b >= 0]))
    a = np.concatenate([x for x, _ in edges])
    b = np.concatenate([y for _, y in edges])
    g = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(rows), len(rows))).tocsr()
    west = np.flatnonzero(cols == 0)
    east = np.flatnonzero(cols == ids.shape[1] - 1)
    dist, pred, src = dijkstra(g, directed=False, indices=west, min_only=True, return_predecessors=True)
    node = int(east[np.argmin(dist[east])])
    path = [node]
    while pred[node] >= 0:
        node = int(pred[node])
        path.append(node)
    p = np.array(path)
    # fine cell -> coarse cell of the whole raster
    cr = np.floor((flat[rows[p]] - SOUTH) * cpd).astype(int)
    cc = np.floor((flon[cols[p]] - WEST) * cpd).astype(int)
    opened = int((~water[cr, cc]).sum())
    water[cr, cc] = True
    return opened


@dataclass(frozen=True)
class SeaNetwork:
    cpd: int
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    water: npt.NDArray[np.bool_]  # the raster; True for the connected sea the graph covers
    node: npt.NDArray[np.int64]  # raster cell -> graph node (-1 for land)
    cells: npt.NDArray[np.int64]  # graph node -> flat raster index
    graph: csr_matrix
    tree: cKDTree  # over the nodes' unit vectors
    opened: tuple[tuple[str, int], ...]  # cells opened in each strait


def _unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


@cache
def sea_network(cpd: int = CELLS_PER_DEG) -> SeaNetwork:
    lat, lon = _centres(SOUTH, WEST, NORTH, EAST, cpd)
    water = ~_land(lat, lon)
    opened = tuple((name, _open_strait(water, cpd, s, w, n, e)) for name, s, w, n, e in STRAITS)
    # keep the largest connected body of water (the sea), not lakes left by the raster; the graph
    # below connects exactly the 4-connected cells (a diagonal step has a water cell beside it)
    lab, _ = ndimage.label(water)
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    water = lab == int(np.argmax(sizes))
    node = -np.ones(water.shape, np.int64)
    cells = np.flatnonzero(water)
    node.flat[cells] = np.arange(len(cells))
    nr, nc = water.shape
    a_all, b_all, w_all = [], [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        r0, r1 = 0, nr - dr
        c0, c1 = max(0, -dc), nc - max(0, dc)
        here = water[r0:r1, c0:c1]
        there = water[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
        ok = here & there
        if dr and dc:  # a diagonal needs one of the two cells beside it to be water
            ok &= water[r0 + dr : r1 + dr, c0:c1] | water[r0:r1, c0 + dc : c1 + dc]
        rr, cc = np.nonzero(ok)
        rr, cc = rr + r0, cc + c0
        # the geodesic between neighbouring centres depends only on the row
        step = posture.distance_km(lat[:-dr or None], 0.0, lat[dr:], dc / cpd) if dr else None
        row_km = step if step is not None else posture.distance_km(lat, 0.0, lat, 1.0 / cpd)
        a_all.append(node[rr, cc])
        b_all.append(node[rr + dr, cc + dc])
        w_all.append(row_km[rr])
    a, b, w = np.concatenate(a_all), np.concatenate(b_all), np.concatenate(w_all)
    graph = coo_matrix((w, (a, b)), shape=(len(cells), len(cells))).tocsr()
    r, c = np.divmod(cells, nc)
    tree = cKDTree(_unit_vectors(lat[r], lon[c]))
    return SeaNetwork(cpd, lat, lon, water, node, cells, graph, tree, opened)


def _nearest_node(net: SeaNetwork, lat: float, lon: float) -> int:
    _, i = net.tree.query(_unit_vectors(lat, lon))
    return int(i)


def _latlon(net: SeaNetwork, nodes: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.float64], ...]:
    r, c = np.divmod(net.cells[nodes], net.water.shape[1])
    return net.lat[r], net.lon[c]


def _over_water(net: SeaNetwork, p: npt.NDArray[np.float64], q: npt.NDArray[np.float64]) -> bool:
    """Does the great circle between unit vectors p and q stay over the graph's water cells?"""
    angle = math.acos(min(1.0, float(p @ q)))
    n = max(2, math.ceil(angle * 6371.0 / (0.25 * 111.0 / net.cpd)))  # a quarter of a cell apart
    t = np.linspace(0.0, 1.0, n)[:, None]
    if angle < 1e-12:
        return True
    v = (np.sin((1 - t) * angle) * p + np.sin(t * angle) * q) / math.sin(angle)
    lat = np.degrees(np.arcsin(np.clip(v[:, 2], -1, 1)))
    lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    r = np.floor((lat - SOUTH) * net.cpd).astype(int)
    c = np.floor((lon - WEST) * net.cpd).astype(int)
    inside = (r >= 0) & (r < net.water.shape[0]) & (c >= 0) & (c < net.water.shape[1])
    return bool(inside.all() and net.water[r, c].all())


def _taut(
    net: SeaNetwork, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """Indices of the waypoints kept when the stair-step path is pulled taut (greedy line of
    sight). An end on land (an inland objective, an airfield) has no line of sight, so its leg
    to the nearest water cell stays."""
    v = _unit_vectors(lat, lon)
    keep = [0]
    i = 0
    while i < len(v) - 1:
        j = i + 1
        while j + 1 < len(v) and _over_water(net, v[i], v[j + 1]):
            j += 1
        keep.append(j)
        i = j
    return np.array(keep)


def sea_route(port: tuple[float, float], objective: tuple[float, float], cpd: int = CELLS_PER_DEG) -> Route:
    """The shortest route over water from `port` to `objective` (each (lat, lon)), taut."""
    net = sea_network(cpd)
    src, dst = _nearest_node(net, *port), _nearest_node(net, *objective)
    direct = float(posture.distance_km(port[0], port[1], objective[0], objective[1])[0])
    # Dijkstra stops beyond three times the direct distance (the longest route is about 1.6 times)
    _, pred = dijkstra(net.graph, directed=False, indices=src, return_predecessors=True,
                       limit=3.0 * direct + 100.0)
    if src != dst and pred[dst] < 0:
        raise SystemExit(f"no water path from {port} to {objective} within {3 * direct + 100:.0f} km")
    path = [dst]
    while path[-1] != src:
        path.append(int(pred[path[-1]]))
    la, lo = _latlon(net, np.array(path[::-1], np.int64))
    lats = np.concatenate([[port[0]], la, [objective[0]]])
    lons = np.concatenate([[port[1]], lo, [objective[1]]])
    keep = _taut(net, lats, lons)
    lats, lons = lats[keep], lons[keep]
    legs = posture.distance_km(lats[:-1], lons[:-1], lats[1:], lons[1:])
    return Route(float(legs.sum()), direct, tuple(zip(lats.tolist(), lons.tolist(), strict=True)))


# ------------------------------------------------------------------ the pairs the simulation uses


def ship_ports() -> dict[str, tuple[float, float]]:
    """Facility -> (lat, lon) of every facility a ship unit of forces.yaml sails from."""
    facilities = posture.facilities()
    ids = sorted({r.facility for r in unit_table() if r.type in SHIPS})
    # rounded to 6 decimals (0.1 m): the coordinates are written to the table and read back
    return {i: (round(facilities[i].lat, 6), round(facilities[i].lon, 6)) for i in ids}


def objectives() -> dict[tuple[float, float], list[str]]:
    """(lat, lon) -> the examples/sim files whose campaign runs toward it."""
    out: dict[tuple[float, float], list[str]] = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        sc = raw.get("scenario", {})
        if sc.get("event", "none") == "none" or {"disaster", "evacuation", "blockade"} & set(raw):
            continue
        out.setdefault((float(sc["lat"]), float(sc["lon"])), []).append(path.stem)
    return out


HEADER = """\
# Sea route factor per (ship's home port, objective): the route over water / the WGS-84 geodesic.
# Generated by tools/sea_route_factor.py (do not edit by hand; re-run the tool).
# Inputs: the land of src/anpo/data/geo/ (GSHHG full resolution, Wessel and Smith, SOEST,
#   University of Hawaii; see src/anpo/data/geo/NOTICE.md), the ship units of
#   src/anpo/data/sim/forces.yaml at their facilities of src/anpo/data/posture/facilities.yaml,
#   and the scenario point of each examples/sim file the campaign model runs.
# Method: land mask of cell centres at 1/{cpd} degree (about {km:.1f} km) over 20-46N 120-150E;
#   straits opened at 1/{fine} degree: {opened}; 8-connected Dijkstra (scipy.sparse.csgraph) between
#   the water cells nearest port and objective, the path pulled taut by line of sight over water
#   cells, plus the legs from port and to objective (over land where the point is inland).
# Summary: {n} pairs, median {median:.3f}, min {low:.3f}, max {high:.3f}.
"""


def rows(cpd: int = CELLS_PER_DEG) -> list[dict[str, str]]:
    out = []
    for (olat, olon), names in objectives().items():
        for fid, (plat, plon) in ship_ports().items():
            r = sea_route((plat, plon), (olat, olon), cpd)
            out.append({
                "port": fid, "objective": "+".join(names), "port_lat": f"{plat}", "port_lon": f"{plon}",
                "objective_lat": f"{olat}", "objective_lon": f"{olon}",
                "great_circle_km": f"{r.great_circle_km:.1f}", "sea_km": f"{r.sea_km:.1f}",
                "ratio": f"{r.ratio:.3f}", "waypoints": str(len(r.waypoints)),
            })
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells-per-deg", type=int, default=CELLS_PER_DEG)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    table = rows(args.cells_per_deg)
    ratios = [float(r["ratio"]) for r in table]
    net = sea_network(args.cells_per_deg)
    opened = ", ".join(f"{name} ({k} cells)" for name, k in net.opened)
    head = HEADER.format(
        cpd=args.cells_per_deg, km=111.0 / args.cells_per_deg, fine=args.cells_per_deg * FINE, opened=opened,
        n=len(ratios), median=statistics.median(ratios), low=min(ratios), high=max(ratios),
    )
    cols = list(table[0])
    lines = [",".join(cols)] + [",".join(r[c] for c in cols) for r in table]
    args.out.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    print(head + "\n".join(lines))


if __name__ == "__main__":
    main()
