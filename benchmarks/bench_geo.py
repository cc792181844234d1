"""Geography: points/s of `anpo.geo.resolve` against shapely 2 set up as its best users would.

Two distributions of 1,000,000 points on random dates:
- uniform over the detailed region (10N-55N, 115E-160E; mostly open ocean);
- coastal: around coastline samples with a 0.05-degree spread (where real scenarios sit,
  and where the grid cannot decide and the exact steps run).

1. `geo.resolve`: zone, administering state, claimants, territorial sea by date.
2. The tuned shapely 2 peer (land/sea test only): the region's land cut into 1-degree pieces,
   an STRtree over the pieces' bounding boxes queried with the points, then vectorized
   `contains_xy` on the prepared candidate pieces. And the plain one: `contains_xy` on all
   land prepared as one MultiPolygon.
3. Load time of the index in a fresh process (arrays, then the k-d tree and prepared
   polygons built on first use), and peak memory of that process.

    .venv/bin/python benchmarks/bench_geo.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).parent))
from common import Row, machine, median_seconds  # noqa: E402

from anpo.core.compiled import COMPILED_FROM_ROWS  # noqa: E402
from anpo.core.dates import FIRST_DATE, LAST_DATE, to_day  # noqa: E402
from anpo.geo import region as R  # noqa: E402
from anpo.geo import resolve  # noqa: E402
from anpo.geo.index import geo_index  # noqa: E402

_COLD = """
import resource, time
t_start = time.perf_counter()
import numpy as np, scipy.spatial, shapely, pydantic, yaml  # libraries anpo imports
t0 = time.perf_counter()
from anpo.geo.index import geo_index
gi = geo_index()
t1 = time.perf_counter()
from anpo.geo import resolve
rng = np.random.default_rng(0)
n = 1_000_000
resolve(rng.uniform(10, 55, 100), rng.uniform(115, 160, 100), np.zeros(100, np.int32))
t2 = time.perf_counter()
with open("/proc/self/statm") as fh:
    rss_index = int(fh.read().split()[1]) * resource.getpagesize() / 1024**2
resolve(rng.uniform(10, 55, n), rng.uniform(115, 160, n), np.zeros(n, np.int32))
print(t1 - t0, t2 - t1, rss_index, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      t0 - t_start)
"""


FIRST, LAST = to_day(FIRST_DATE), to_day(LAST_DATE)


def random_points(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(R.SOUTH, R.NORTH, n),
        rng.uniform(R.WEST, R.EAST, n),
        rng.integers(FIRST, LAST + 1, n).astype(np.int32),
    )


def coastal_points(n: int, seed: int = 0, spread: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points around coastline samples of the index (0.05-degree normal spread), random dates."""
    gi = geo_index()
    rng = np.random.default_rng(seed)
    i = rng.integers(0, len(gi.coast_lat), n)
    return (
        gi.coast_lat[i].astype(np.float64) + rng.normal(0, spread, n),
        gi.coast_lon[i].astype(np.float64) + rng.normal(0, spread, n),
        rng.integers(FIRST, LAST + 1, n).astype(np.int32),
    )


class TunedShapely:
    """Land/sea with shapely 2 as its best users set it up: land cut into 1-degree pieces,
    prepared; an STRtree over the pieces; points queried in bulk, then `contains_xy` on
    the (point, candidate piece) pairs, vectorized."""

    def __init__(self) -> None:
        polys = geo_index().land_polygons
        tree = shapely.STRtree(polys)
        pieces = []
        for w in range(int(R.WEST - 1), int(R.EAST + 1)):
            for s in range(int(R.SOUTH - 1), int(R.NORTH + 1)):
                hit = tree.query(shapely.box(w, s, w + 1, s + 1))
                if len(hit):
                    cut = shapely.clip_by_rect(polys[hit], w, s, w + 1, s + 1)
                    pieces.extend(g for g in cut if not g.is_empty)
        self.pieces = np.array(pieces, dtype=object)
        shapely.prepare(self.pieces)
        self.tree = shapely.STRtree(self.pieces)

    def land(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        pt, piece = self.tree.query(shapely.points(lon, lat))
        hit = shapely.contains_xy(self.pieces[piece], lon[pt], lat[pt])
        out = np.zeros(len(lon), dtype=bool)
        out[pt[hit]] = True
        return out


def _distribution_rows(name: str, lat: np.ndarray, lon: np.ndarray, day: np.ndarray, runs: int,
                       tuned: TunedShapely, target: str) -> tuple[list[Row], float]:
    rows = len(lat)
    gi = geo_index()
    inside, flat = R.cell_of(lat, lon)
    in_boundary = inside & (gi.cls[flat] == R.CellClass.boundary)
    boundary = float(np.mean(in_boundary))
    fine = gi.fine.values(gi.grid, lat[in_boundary], lon[in_boundary])
    exact = float(np.sum((fine & 7) == R.CellClass.boundary)) / rows
    land = gi.all_land
    shapely.contains_xy(land, lon[:1000], lat[:1000])
    t_plain = median_seconds(lambda: shapely.contains_xy(land, lon, lat), runs)
    tuned.land(lon[:1000], lat[:1000])
    # anpo and the tuned peer alternate (A B A B ...): each ratio is of two runs that saw the
    # same load; the figure is the median ratio
    t_anpo, t_tuned, pairs = _paired(lambda: resolve(lat, lon, day), lambda: tuned.land(lon, lat), runs)
    agree = float(np.mean(tuned.land(lon, lat) == (resolve(lat, lon, day).zone == 0)))
    return [
        Row(
            f"`geo.resolve`, {rows:,} points, {name}, random dates",
            f"{t_anpo:.3f} s = **{rows / t_anpo / 1e6:.2f} million points/s** "
            f"({1 - boundary:.1%} of points decided by the grid, {boundary - exact:.1%} by the "
            f"sub-cells of its boundary cells, {exact:.1%} exactly)",
            target,
        ),
        Row(
            f"tuned shapely 2 on the same points ({name}; land test only): land in "
            f"{len(tuned.pieces):,} 1-degree pieces, STRtree, vectorized `contains_xy` on prepared pieces",
            f"{t_tuned:.3f} s = {rows / t_tuned / 1e6:.2f} million points/s; anpo is "
            f"**{statistics.median(pairs):.1f}x** faster (median of {runs} alternating pairs, "
            f"{min(pairs):.1f}-{max(pairs):.1f}x) while also giving the state, the claimants and the "
            f"territorial sea (land answers agree on {agree:.2%} of points)",
            ">= 10x" if "coastal" in name else ">= 8x",
        ),
        Row(
            f"plain prepared-polygon `shapely.contains_xy` on all land as one MultiPolygon ({name})",
            f"{t_plain:.3f} s = {rows / t_plain / 1e6:.2f} million points/s "
            f"({t_plain / t_anpo:.1f}x anpo's time)",
            "",
        ),
    ], t_anpo


def _paired(a: Callable[[], object], b: Callable[[], object], runs: int) -> tuple[float, float, list[float]]:
    """(median time of a, of b, ratios b/a of each pair), a and b alternating."""
    ta, tb = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        ta.append(t1 - t0)
        tb.append(time.perf_counter() - t1)
    return statistics.median(ta), statistics.median(tb), [y / x for x, y in zip(ta, tb, strict=True)]


def run(rows: int, runs: int) -> list[Row]:
    lat, lon, day = random_points(rows)
    warm = COMPILED_FROM_ROWS  # warm: lazy k-d tree and polygons, compiled passes
    resolve(lat[:warm], lon[:warm], day[:warm])
    tuned = TunedShapely()
    geo_rows, _ = _distribution_rows("uniform over the region", lat, lon, day, runs, tuned,
                                     ">= 5 million/s, exact")
    clat, clon, cday = coastal_points(rows)
    resolve(clat[:warm], clon[:warm], cday[:warm])
    coastal, _ = _distribution_rows("coastal (0.05-degree spread around coast samples)", clat, clon, cday,
                                    runs, tuned, ">= 8 million/s, exact")
    geo_rows += coastal

    cold = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True, check=True)
        cold.append([float(v) for v in out.stdout.split()])
    load, first_use, rss_index, rss, libs = (float(np.median([c[k] for c in cold])) for k in range(5))
    return [
        *geo_rows,
        Row(
            "index load in a fresh process (anpo's modules and arrays) + first use (k-d tree, "
            "prepared polygons); importing numpy, scipy, shapely and the other libraries before it",
            f"{load:.2f} s + {first_use:.2f} s (median of 3); libraries {libs:.2f} s",
            "< 1 s",
        ),
        Row(
            "memory of that process: resident after loading the index; peak after 1,000,000 points",
            f"{rss_index:.0f} MB (interpreter, numpy and shapely included); peak {rss:.0f} MB",
            "index < 500 MB",
        ),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    for row in run(args.rows, args.runs):
        print(json.dumps(row.__dict__))


if __name__ == "__main__":
    main()
