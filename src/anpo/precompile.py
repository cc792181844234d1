"""Compile the numba kernels once and cache their machine code on disk, and write the
modules' bytecode (`make install`).

Without it the first large batch, grid or simulation of a fresh install compiles them on
the spot (10-20 s, a stall the dashboard's first simulation would show). Run:

    python -m anpo.precompile
"""

from __future__ import annotations

import time
from pathlib import Path

from anpo.report.coverage_cache import cache_root


def precompile() -> float:
    """Call every kernel once on a small input; the seconds it took."""
    start = time.perf_counter()
    from anpo import sim
    from anpo.io import parquet_writer
    from anpo.io.batch import warm_up
    from anpo.sim.plan import compile_plan
    from anpo.sim.run import run_plan

    warm_up(compiled=True)  # geography passes and output columns of large chunks
    parquet_writer.warm_up()  # the Parquet writer of large outputs
    scenario = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}
    struck = sim.parse_sim_scenario({"scenario": scenario, "strikes": {"bases": ["kadena"]}})
    run_plan(compile_plan(struck, sim.load_parameters()), 1_000, 0)  # timeline, strikes, runway search
    campaign = sim.load_parameters({"strike.salvos": 2})
    run_plan(compile_plan(struck, campaign), 1_000, 0)  # salvos whose damage persists
    return time.perf_counter() - start


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


if __name__ == "__main__":
    print(f"anpo: bytecode written ({compile_bytecode():.1f} s)")
    print(f"anpo: compiled kernels cached ({precompile():.1f} s)")
    n, seconds = draw_maps()
    print(f"anpo: {n} administration maps drawn into {cache_root()} ({seconds:.1f} s)")
