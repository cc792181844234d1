"""Geography: points/s of `anpo.geo.resolve` against plain prepared-polygon shapely.

1. 1,000,000 random points in the detailed region (10N-55N, 115E-160E) on random dates:
   zone, administering state, claimants, territorial sea by date. Target >= 5 million/s.
2. The same points through `shapely.contains_xy` on the region's land prepared as one
   MultiPolygon: a land/sea test only (no attribution, no territorial sea).
3. Load time of the index in a fresh process (arrays, then the k-d tree and prepared
   polygons built on first use), and peak memory of that process.

    .venv/bin/python benchmarks/bench_geo.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
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
import numpy as np, scipy.spatial, shapely, pydantic, yaml, pycountry  # libraries anpo uses
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


def run(rows: int, runs: int) -> list[Row]:
    lat, lon, day = random_points(rows)
    warm = COMPILED_FROM_ROWS  # warm: lazy k-d tree and polygons, compiled passes
    resolve(lat[:warm], lon[:warm], day[:warm])
    t_anpo = median_seconds(lambda: resolve(lat, lon, day), runs)
    gi = geo_index()
    boundary = float(np.mean(gi.cls[R.cell_of(lat, lon)[1]] == R.CellClass.boundary))
    land = gi.all_land
    shapely.contains_xy(land, lon[:1000], lat[:1000])
    t_shapely = median_seconds(lambda: shapely.contains_xy(land, lon, lat), runs)

    cold = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True, check=True)
        cold.append([float(v) for v in out.stdout.split()])
    load, first_use, rss_index, rss, libs = (float(np.median([c[k] for c in cold])) for k in range(5))
    return [
        Row(
            f"`geo.resolve`, {rows:,} random points in the region, random dates",
            f"{t_anpo:.3f} s = **{rows / t_anpo / 1e6:.2f} million points/s** "
            f"({boundary:.1%} of points decided exactly, the rest by the grid)",
            ">= 5 million/s, exact",
        ),
        Row(
            "plain prepared-polygon `shapely.contains_xy` on the same points (land test only)",
            f"{t_shapely:.3f} s = {rows / t_shapely / 1e6:.2f} million points/s; "
            f"anpo is {t_shapely / t_anpo:.1f}x faster while also giving the state, the claimants "
            "and the territorial sea",
            "",
        ),
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
