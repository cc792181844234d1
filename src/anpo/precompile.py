"""Compile the numba kernels once and cache their machine code on disk, and write the
modules' bytecode (`make install`).

Without it the first large batch, grid or simulation of a fresh install compiles them on
the spot (10-20 s, a stall the dashboard's first simulation would show). Run:

    python -m anpo.precompile
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from anpo.report.coverage_cache import cache_root

if TYPE_CHECKING:
    import pyarrow as pa


def precompile() -> float:
    """Call every kernel once on a small input; the seconds it took."""
    start = time.perf_counter()
    import pyarrow as pa

    from anpo import sim
    from anpo.core import ahead_of_time
    from anpo.io import parquet_writer
    from anpo.io.batch import warm_up
    from anpo.io.repeated_ids import RepeatedIds
    from anpo.io.scenario_columns import warm_up_codes
    from anpo.sim.plan import compile_plan
    from anpo.sim.run import run_plan

    ahead_of_time.use_jit()  # numba's JIT forms: they are what this caches, and what the extension copies
    warm_up(compiled=True)  # geography passes and output columns of large chunks
    warm_up_codes()  # text columns' dictionary indices of large chunks
    parquet_writer.warm_up()  # the Parquet writer of large outputs
    ids = RepeatedIds()
    ids.add(pa.array(["a", "b", "a", None]), 0)  # ids given twice
    ids.add(pa.array([str(i) for i in range(20_000)]), 4)  # then so many that the set grows
    warm_batch()  # a whole batch: the exact steps near coasts, every output column
    scenario = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}
    struck = sim.parse_sim_scenario({"scenario": scenario, "strikes": {"bases": ["kadena"]}})
    run_plan(compile_plan(struck, sim.load_parameters()), 1_000, 0)  # timeline, strikes, runway search
    campaign = sim.load_parameters({"strike.salvos": 2})
    run_plan(compile_plan(struck, campaign), 1_000, 0)  # salvos whose damage persists
    return time.perf_counter() - start


def warm_batch(rows: int = 40_000) -> None:
    """Assess `sample_batch(rows)` as a batch does, so every kernel a batch can call gets its
    machine code, with the types a batch gives it."""
    import tempfile

    import pyarrow.parquet as pq

    from anpo.io.batch import assess_table

    with tempfile.TemporaryDirectory() as tmp:
        pq.write_table(sample_batch(rows), Path(tmp) / "in.parquet")
        assess_table(Path(tmp) / "in.parquet", Path(tmp) / "out.parquet")


def sample_batch(rows: int, seed: int = 19) -> pa.Table:
    """A made-up input table (seeded): about 1% of rows bad, ids given twice, points over the
    whole region and beyond it, and half of them close to its coasts (the exact steps)."""
    import numpy as np
    import pyarrow as pa

    from anpo.geo import region as R
    from anpo.geo.index import geo_index

    rng = np.random.default_rng(seed)
    gi = geo_index()
    near = rng.integers(0, len(gi.coast_lat), rows)
    coastal = rng.random(rows) < 0.5
    spread = rng.normal(0, 0.05, (2, rows))
    lat = np.where(coastal, gi.coast_lat[near] + spread[0], rng.uniform(R.SOUTH - 5, R.NORTH, rows))
    lon = np.where(coastal, gi.coast_lon[near] + spread[1], rng.uniform(R.WEST, R.EAST + 5, rows))
    day = rng.integers(-3_000, 21_000, rows).astype(np.int32)
    return pa.table({
        "id": pa.array([f"s{i % (rows - 7)}" for i in range(rows)]),
        "date": pa.array(day).cast(pa.date32()),
        "event": pa.array(rng.choice(["armed_attack", "none", "armed_attac"], rows, p=[0.8, 0.19, 0.01])),
        "target": pa.array(rng.choice(["JPN", "USA"], rows)),
        "lat": lat,
        "lon": lon,
    })


def compile_bytecode() -> float:
    """Write the bytecode (.pyc) of anpo's modules, as pip does when it installs a wheel;
    the seconds it took. Without it, an editable install run with PYTHONDONTWRITEBYTECODE
    set (as on the development machine) compiled every module it imported from source at
    every start: about 0.05 s of CPU for a batch's modules alone, more for the whole CLI.
    A module edited since is compiled again in memory (Python checks each .pyc against its
    source's time and size), so a stale .pyc is never run."""
    import compileall

    start = time.perf_counter()
    compileall.compile_dir(Path(__file__).parent, quiet=1)
    return time.perf_counter() - start


def draw_maps() -> tuple[int, float]:
    """Draw every period's administration map into the disk cache (`report.coverage_cache`):
    the dashboard's date slider then never waits for one. The count and the seconds."""
    start = time.perf_counter()
    from anpo.report.coverage import coverage, periods

    todo = periods()
    for period in todo:
        coverage(period)
    return len(todo), time.perf_counter() - start


def build_extension() -> str:
    """Compile the batch's kernels ahead of time into one C extension (`core.ahead_of_time`),
    with the signatures the warm-ups above loaded; what happened, in words. Without a C
    compiler (or if numba.pycc fails) there is no extension and batches use numba's JIT."""
    from anpo.core import ahead_of_time

    start = time.perf_counter()
    try:
        n = ahead_of_time.build()
    except Exception as err:  # noqa: BLE001 - the JIT forms stay; the install goes on
        return f"no ahead-of-time kernels ({type(err).__name__}: {err}); batches use numba's JIT"
    return f"{n} batch kernels compiled ahead of time ({time.perf_counter() - start:.1f} s)"


if __name__ == "__main__":
    print(f"anpo: bytecode written ({compile_bytecode():.1f} s)")
    print(f"anpo: compiled kernels cached ({precompile():.1f} s)")
    print(f"anpo: {build_extension()}")
    n, seconds = draw_maps()
    print(f"anpo: {n} administration maps drawn into {cache_root()} ({seconds:.1f} s)")
