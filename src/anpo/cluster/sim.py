"""Simulation sweeps on a Dask cluster: the chunks of `anpo.sim.run_plan`, one task each.

Each task is `anpo.sim.timeline.simulate_chunk(plan, seed, lo, hi)` over whole stream
tiles, exactly the chunks of a local run; the client adds the chunk results to the
summary in chunk order, as the local single-process run does, so the summary is bit for
bit the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from anpo.cluster.mapper import dask_mapper
from anpo.core.errors import InputError
from anpo.sim.parameters import Parameters
from anpo.sim.plan import Plan, compile_plan
from anpo.sim.run import DEFAULT_CHUNK, Progress, Summary, check_run
from anpo.sim.scenario import SimScenario
from anpo.sim.streams import TILE
from anpo.sim.timeline import simulate_chunk


def run_plan_on_dask(client: Any, plan: Plan, trials: int, seed: int, *, chunk: int = DEFAULT_CHUNK,
                     progress: Progress | None = None) -> Summary:
    """`anpo.sim.run_plan` with its chunks computed on the cluster behind `client`."""
    check_run(trials, seed)
    if chunk < 1:
        raise InputError("chunk", "must be >= 1")
    step = -(-chunk // TILE) * TILE

    def tasks() -> Iterator[tuple[Plan, int, int, int]]:
        for lo in range(0, trials, step):
            yield plan, seed, lo, min(lo + step, trials)

    total = Summary(plan, trials, seed)
    done = 0
    for part in dask_mapper(client)(simulate_chunk, tasks()):
        total.add(part)
        done = min(done + step, trials)
        if progress:
            progress(done, trials)
    return total


def run_simulation_on_dask(client: Any, sim: SimScenario, params: Parameters, trials: int = 100_000,
                           seed: int = 7, *, chunk: int = DEFAULT_CHUNK,
                           progress: Progress | None = None) -> Summary:
    """`anpo.sim.run_simulation` on a Dask cluster: same summary, bit for bit."""
    check_run(trials, seed)
    params = params.with_overrides(sim.parameters)
    return run_plan_on_dask(client, compile_plan(sim, params), trials, seed, chunk=chunk,
                            progress=progress)
